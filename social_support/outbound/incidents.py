"""Social Incident: during an outage, link the affected conversations in one action (from the Social
Inbox or a spike alert's list, or by a keyword), one public status update per channel, one short
answer to every linked conversation pointing to the status post (``{status_link}``), and one
resolution for all with its resolution update. Updates and answers are outbound items of the gate
like any reply (checks, approval policy, once); every step is written on the incident."""

from __future__ import annotations

import hashlib

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_support.platforms.base import FACEBOOK, X, facebook_permalink, x_permalink
from social_support.tickets import get_adapter

from . import gate
from .constants import INCIDENT_ANSWER, INCIDENT_UPDATE, REFUSED, SENT

# the answer when the incident names none: short, and pointing to the status post
DEFAULT_ANSWER = (
	"Hi {first_name}, we know about this problem and are working on it. Updates here: {status_link}"
)


def audit(doc, text: str) -> None:
	"""Every step of an incident is written on it: who did what."""
	doc.add_comment("Info", text)


def _may_write(ticket: str) -> bool:
	tickets = get_adapter()
	return tickets.exists(ticket) and tickets.has_permission("write", ticket)


def _of_active_system(row) -> bool:
	"""A linked ticket of the active ticket system (rows from before a change of system are left alone)."""
	return (row.ticket_doctype or get_adapter().doctype) == get_adapter().doctype


def link(incident: str, tickets: list[str], source: str | None = None) -> dict:
	"""Add social tickets the user may work on (write); the others are reported, not linked.
	``source``: where they were found (a keyword search, the Social Inbox), for the audit line."""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	adapter = get_adapter()
	have = {row.ticket for row in doc.tickets if _of_active_system(row)}
	added, skipped = [], {}
	for t in dict.fromkeys(str(t) for t in tickets):
		if t in have:
			continue
		if not _may_write(t):
			skipped[t] = _("not permitted")
		elif not adapter.context(t):
			skipped[t] = _("not a social ticket")
		else:
			doc.append(
				"tickets",
				{"ticket_doctype": adapter.doctype, "ticket": t, "subject": adapter.get(t, "subject")},
			)
			added.append(t)
	doc.save()
	if added or skipped:
		audit(
			doc,
			_("{0} linked {1} conversation(s){2}: {3}").format(
				frappe.session.user,
				len(added),
				" " + frappe.utils.escape_html(source) if source else "",
				frappe.utils.escape_html(", ".join(added) or "-"),
			)
			+ (
				" " + _("(not linked: {0})").format(frappe.utils.escape_html(", ".join(skipped)))
				if skipped
				else ""
			),
		)
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
	"""The status update, once on each channel (X post, Facebook Page post), through the gate.

	Per channel: {name, status, external_id} of its Social Reply (purpose Incident Update, mode
	Post), or {error}. The same text is posted once per channel however often this is called;
	a trainee's update waits for approval like any public word; an update that fails the checks
	on a channel is Refused there with the reason on the incident.
	"""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	text = (doc.status_update or "").strip()
	if not text:
		frappe.throw(_("Write the status update first."))
	results = _post(doc, text, "update")
	audit(doc, _("{0} submitted the status update: {1}").format(frappe.session.user, _summary(results)))
	return results


def _post(doc, text: str, kind: str) -> dict:
	results = {}
	for channel in _channels(doc):
		try:
			r = gate.submit(
				INCIDENT_UPDATE,
				text,
				route=gate.channel_route(channel, doc.name),
				incident=doc.name,
				once_key=gate.once(kind, doc.name, channel, _digest(text)),
			)
		except frappe.ValidationError as e:  # PermissionError included: not allowed on this channel
			frappe.clear_messages()
			results[channel] = {"error": str(e)}
			continue
		results[channel] = {k: r[k] for k in ("name", "status", "external_id", "error", "existing")}
	return results


def _summary(results: dict) -> str:
	return frappe.utils.escape_html(
		"; ".join(f"{ch}: {r.get('status') or r.get('error')}" for ch, r in results.items()) or "-"
	)


def status_links(doc) -> dict[str, str]:
	"""The incident's status posts that are out: channel -> link to the post (X or Facebook)."""
	links = {}
	for r in frappe.get_all(
		"Social Reply",
		filters={
			"incident": doc.name,
			"purpose": INCIDENT_UPDATE,
			"status": SENT,
			"once_key": ("like", f"update:{doc.name}:%"),  # status updates, not the resolution
		},
		fields=["channel", "platform", "external_id"],
		order_by="sent_on desc",  # the latest status post per channel
	):
		if r.platform == X:
			link = x_permalink(
				frappe.db.get_value("Social Channel", r.channel, "account_handle"), r.external_id
			)
		elif r.platform == FACEBOOK:
			link = facebook_permalink(r.external_id)
		else:
			link = None
		if link:
			links.setdefault(r.channel, link)
	return links


def _digest(text: str) -> str:
	return hashlib.sha256(text.encode()).hexdigest()[:16]


def answer_all(incident: str) -> dict:
	"""One templated answer per linked conversation, each a Social Reply under the approval policy.

	An answer that fails the checks (too long with the name filled in, personal data) is Refused on
	its ticket with the reason, and the conversation stays unanswered for a corrected template.
	"""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	template = (doc.answer_template or "").strip() or _(DEFAULT_ANSWER)
	links = status_links(doc)
	if "{status_link}" in template and not links:
		frappe.throw(_("Post the status update first: the answers point to the status post."))
	created, failed = [], {}
	for row in doc.tickets:
		if row.answered or not _of_active_system(row):
			continue
		first = get_adapter().who(row.ticket).split(" ")[0]
		# the status post on the conversation's own channel, else the first one that is out
		channel = get_adapter().get(row.ticket, "channel")
		link = links.get(channel) or next(iter(links.values()), "")
		text = (
			template.replace("{first_name}", first)
			.replace("{ticket}", row.ticket)
			.replace("{status_link}", link)
		)
		try:
			r = gate.submit(
				INCIDENT_ANSWER,
				text,
				route=gate.ticket_route(row.ticket, False),
				incident=doc.name,
				once_key=gate.once("answer", doc.name, row.ticket),
			)
		except frappe.ValidationError as e:
			failed[row.ticket] = str(e)
			frappe.clear_messages()
			continue
		if r["status"] == REFUSED:
			failed[row.ticket] = "; ".join(r["errors"])
			continue
		row.answered = 1
		created.append(r)
	doc.save()
	audit(
		doc,
		_("{0} answered {1} conversation(s) (approval policy applies){2}").format(
			frappe.session.user,
			len(created),
			"; " + _("not answered: {0}").format(frappe.utils.escape_html(", ".join(failed)))
			if failed
			else "",
		),
	)
	return {"replies": created, "failed": failed}


def resolve(incident: str) -> dict:
	"""The resolution update (when written) on the incident's channels through the gate, then every
	linked ticket the user may write resolved, and the incident."""
	doc = frappe.get_doc("Social Incident", incident)
	doc.check_permission("write")
	update = {}
	text = (doc.get("resolution_update") or "").strip()
	if text:
		update = _post(doc, text, "resolution")
		audit(
			doc, _("{0} submitted the resolution update: {1}").format(frappe.session.user, _summary(update))
		)
	resolved, skipped = [], {}
	for row in doc.tickets:
		if not _of_active_system(row):
			skipped[row.ticket] = _("a ticket of another ticket system")
			continue
		# the table can be edited over REST: each ticket is resolved only by someone who may write it
		if not _may_write(row.ticket):
			skipped[row.ticket] = _("not permitted")
			continue
		if get_adapter().resolve(row.ticket):
			resolved.append(row.ticket)
	doc.status = "Resolved"
	doc.resolved_on = now_datetime()
	doc.save()
	audit(
		doc,
		_("{0} resolved the incident and {1} linked ticket(s): {2}").format(
			frappe.session.user, len(resolved), frappe.utils.escape_html(", ".join(resolved) or "-")
		),
	)
	if skipped:
		doc.add_comment(
			"Info",
			_("Not resolved by {0} (no write access): {1}").format(
				frappe.session.user, ", ".join(frappe.utils.escape_html(t) for t in skipped)
			),
		)
	return {"resolved": resolved, "skipped": skipped, "update": update}
