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


def link(incident: str, tickets: list[str]) -> dict:
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	have = {row.ticket for row in doc.tickets}
	added = []
	for t in tickets:
		if t not in have and frappe.db.get_value("Issue", t, "social_channel"):
			doc.append("tickets", {"ticket": t})
			added.append(t)
	doc.save()
	return {"linked": added}


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
	resolved = []
	for row in doc.tickets:
		issue = frappe.get_doc("Issue", row.ticket)
		if issue.status not in ("Resolved", "Closed"):
			issue.status = "Resolved"
			issue.save(ignore_permissions=True)
			resolved.append(issue.name)
	doc.status = "Resolved"
	doc.resolved_on = now_datetime()
	doc.save()
	return {"resolved": resolved}
