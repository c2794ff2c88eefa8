"""Decisions on messages that triage logged instead of ticketing (the Social Inbox), and "Ignore" on a
message or a ticket: closed without hiding anything and without posting anything."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

from social_support.tickets import get_adapter

from .pipeline import open_ticket
from .profiles import customer_of
from .triage import ATTACHED, IGNORED, NEEDS_DECISION, NO_ACTION, TICKET_CREATED

INBOX_FIELDS = [
	"name",
	"channel",
	"platform",
	"kind",
	"text",
	"thread_key",
	"permalink",
	"posted_on",
	"author_id",
	"author_handle",
	"author_name",
	"social_profile",
	"inbox_status",
	"reference_name",
	"parent_external_id",
]


def _messages(names: list[str]) -> list:
	return frappe.get_all(
		"Social Message", filters={"name": ("in", names), "direction": "Inbound"}, fields=INBOX_FIELDS
	)


def _profile(msg):
	if not msg.social_profile:
		return None
	return frappe.db.get_value("Social Profile", msg.social_profile, ["name", "contact"], as_dict=True)


def create_tickets(names: list[str]) -> dict:
	settings = frappe.get_cached_doc("Social Support Settings")
	done, skipped = [], []
	for msg in _messages(names):
		if msg.reference_name:
			skipped.append(msg.name)
			continue
		profile = _profile(msg)
		contact = profile.contact if profile else None
		ticket, comm = open_ticket(msg.channel, msg, profile, contact, customer_of(contact), settings, None)
		_link(msg.name, ticket, comm, TICKET_CREATED)
		done.append(ticket)
	return {"tickets": done, "skipped": skipped}


def attach(names: list[str], ticket: str) -> dict:
	adapter = get_adapter()
	settings = frappe.get_cached_doc("Social Support Settings")
	from social_support.core.text import to_html

	from .profiles import raised_by_for

	attached = []
	for msg in _messages(names):
		if msg.reference_name:
			continue
		profile = _profile(msg)
		comm = adapter.add_message(
			ticket,
			html=to_html(msg.text),
			sender=raised_by_for(profile, profile.contact if profile else None, settings),
			sender_name=msg.author_name or msg.author_handle,
			sent_on=msg.posted_on,
			inbound=True,
		)
		_link(msg.name, ticket, comm, ATTACHED)
		attached.append(msg.name)
	if not attached:
		frappe.throw(
			_(
				"None of the selected messages can be attached (already on a ticket, or not customer messages)."
			)
		)
	return {"attached": attached, "ticket": ticket}


def dismiss(names: list[str]) -> dict:
	dismissed = [m.name for m in _messages(names) if m.inbox_status == NEEDS_DECISION]
	for name in dismissed:
		frappe.db.set_value(
			"Social Message",
			name,
			{"inbox_status": NO_ACTION, "decided_by": frappe.session.user},
			update_modified=False,
		)
	return {"dismissed": dismissed}


def _link(name: str, ticket: str, comm: str, status: str) -> None:
	frappe.db.set_value(
		"Social Message",
		name,
		{
			"reference_doctype": get_adapter().doctype,
			"reference_name": ticket,
			"communication": comm,
			"inbox_status": status,
			"decided_by": frappe.session.user,
		},
		update_modified=False,
	)


IGNORING = "social_support_ignoring"  # frappe.flags: the ticket closed by "Ignore" (no survey follows)


def ignore(message: str | None = None, ticket: str | None = None, note: str | None = None) -> dict:
	"""Leave a message (a troll, say) alone: the item leaves the Social Inbox as Ignored, its ticket (or
	the ticket given) is closed, nothing is hidden and nothing is posted, no survey follows; audited on
	the ticket and the message. Needs read on the message and write on the ticket (on tickets at all,
	for a message without one)."""
	tickets = get_adapter()
	if not (message or ticket):
		frappe.throw(_("Name the message or the ticket to ignore."))
	msg = None
	if message:
		frappe.has_permission("Social Message", "read", message, throw=True)
		msg = frappe.db.get_value(
			"Social Message",
			message,
			["name", "direction", "reference_doctype", "reference_name", "inbox_status"],
			as_dict=True,
		)
		if not msg or msg.direction != "Inbound":
			frappe.throw(_("Only customer messages can be ignored."))
		if msg.reference_doctype == tickets.doctype and msg.reference_name:
			if ticket and ticket != msg.reference_name:
				frappe.throw(_("The message belongs to another ticket."))
			ticket = msg.reference_name
	if ticket:
		tickets.check_permission(ticket, "write")
	else:
		tickets.has_permission("write", throw=True)
	why = (note or "").strip()[:500]
	line = _("Ignored by {0}: nothing hidden and nothing posted.").format(frappe.session.user)
	if why:
		line += " " + frappe.utils.escape_html(why)
	if msg:
		values = {"decided_by": frappe.session.user}
		if msg.inbox_status in (NEEDS_DECISION, None, ""):
			values["inbox_status"] = IGNORED
		frappe.db.set_value("Social Message", msg.name, values, update_modified=False)
		frappe.get_doc("Social Message", msg.name).add_comment("Info", line)
	closed = False
	if ticket:
		frappe.flags[IGNORING] = ticket
		try:
			closed = tickets.resolve(ticket)
		finally:
			frappe.flags.pop(IGNORING, None)
		tickets.add_comment(ticket, line)
	return {"message": msg.name if msg else None, "ticket": ticket, "closed": closed}


def search(keyword: str, hours: int = 24, channel: str | None = None, limit: int = 500) -> list[str]:
	"""Customer messages of the last ``hours`` whose text contains ``keyword`` (an outage's word), newest
	first, read with the user's permissions."""
	keyword = (keyword or "").strip()
	if len(keyword) < 3:
		frappe.throw(_("Search for a word of at least three characters."))
	filters = {
		"direction": "Inbound",
		"creation": (">=", add_to_date(now_datetime(), hours=-max(1, min(int(hours or 24), 24 * 14)))),
		"text": ("like", "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"),
	}
	if channel:
		filters["channel"] = channel
	return frappe.get_list(
		"Social Message", filters=filters, pluck="name", order_by="creation desc", limit=limit
	)


def tickets_of(names: list[str]) -> tuple[list[str], dict]:
	"""The tickets of these customer messages, a new ticket for each one still waiting in the Social
	Inbox (as "Create Tickets" does, when the user may create tickets); the others are reported."""
	tickets = get_adapter()
	found, skipped, waiting = [], {}, []
	for msg in _messages(names):
		if msg.reference_name:
			found.append(msg.reference_name)
		elif msg.inbox_status == NEEDS_DECISION:
			waiting.append(msg.name)
		else:
			skipped[msg.name] = _("no ticket")
	if waiting:
		if tickets.has_permission("create"):
			found += create_tickets(waiting)["tickets"]
		else:
			skipped.update({n: _("no ticket, and not permitted to create one") for n in waiting})
	return list(dict.fromkeys(found)), skipped
