"""Social Incident: during an outage, one public status update per channel, one templated answer
to every linked conversation (through the approval policy), and one resolution for all."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_support.ingest import channels as ch
from social_support.platforms import make_client
from social_support.platforms.base import PlatformError

from . import replies


def _may_write(ticket: str) -> bool:
	return bool(frappe.db.exists("Issue", ticket)) and frappe.has_permission("Issue", "write", ticket)


def link(incident: str, tickets: list[str]) -> dict:
	"""Add social tickets the user may work on (write); the others are reported, not linked."""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	have = {row.ticket for row in doc.tickets}
	added, skipped = [], {}
	for t in dict.fromkeys(str(t) for t in tickets):
		if t in have:
			continue
		if not _may_write(t):
			skipped[t] = _("not permitted")
		elif not frappe.db.get_value("Issue", t, "social_channel"):
			skipped[t] = _("not a social ticket")
		else:
			doc.append("tickets", {"ticket": t})
			added.append(t)
	doc.save()
	return {"linked": added, "skipped": skipped}


def _channels(doc) -> list[str]:
	named = [c.strip() for c in (doc.channels or "").splitlines() if c.strip()]
	if named:
		return named
	return frappe.get_all(
		"Social Channel",
		filters={"enabled": 1, "platform": ("in", ("X", "Facebook")), "needs_reauthorization": 0},
		pluck="name",
	)


def post_update(incident: str) -> dict:
	"""The status update, posted once on each channel (X post, Facebook Page post)."""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	if not (doc.status_update or "").strip():
		frappe.throw(_("Write the status update first."))
	results = {}
	for channel in _channels(doc):
		if not replies.can_post(channel):
			results[channel] = _("not allowed to post")
			continue
		try:
			sent = make_client(ch.channel_config(channel)).post(doc.status_update.strip())
			results[channel] = sent.external_id
		except PlatformError as e:
			results[channel] = _("failed: {0}").format(e)
	lines = "".join(
		f"<li>{frappe.utils.escape_html(c)}: {frappe.utils.escape_html(str(r))}</li>"
		for c, r in results.items()
	)
	doc.add_comment(
		"Info", _("Status update posted by {0}:").format(frappe.session.user) + f"<ul>{lines}</ul>"
	)
	return results


def answer_all(incident: str) -> dict:
	"""One templated answer per linked conversation, each a Social Reply under the approval policy."""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	template = (doc.answer_template or "").strip()
	if not template:
		frappe.throw(_("Write the answer template first."))
	created, failed = [], {}
	for row in doc.tickets:
		if row.answered:
			continue
		first = (
			frappe.db.get_value("Issue", row.ticket, "customer_name")
			or frappe.db.get_value("Issue", row.ticket, "contact")
			or ""
		).split(" ")[0]
		text = template.replace("{first_name}", first).replace("{ticket}", row.ticket)
		try:
			r = replies.create(row.ticket, text, private=False, purpose="Incident Answer", incident=doc.name)
		except frappe.ValidationError as e:
			failed[row.ticket] = str(e)
			frappe.clear_messages()
			continue
		row.answered = 1
		created.append(r)
	doc.save()
	return {"replies": created, "failed": failed}


def resolve(incident: str) -> dict:
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	resolved, skipped = [], {}
	for row in doc.tickets:
		# the table can be edited over REST: each ticket is resolved only by someone who may write it
		if not _may_write(row.ticket):
			skipped[row.ticket] = _("not permitted")
			continue
		issue = frappe.get_doc("Issue", row.ticket)
		if issue.status not in ("Resolved", "Closed"):
			issue.status = "Resolved"
			issue.save()
			resolved.append(issue.name)
	doc.status = "Resolved"
	doc.resolved_on = now_datetime()
	doc.save()
	if skipped:
		doc.add_comment(
			"Info",
			_("Not resolved by {0} (no write access): {1}").format(
				frappe.session.user, ", ".join(frappe.utils.escape_html(t) for t in skipped)
			),
		)
	return {"resolved": resolved, "skipped": skipped}
