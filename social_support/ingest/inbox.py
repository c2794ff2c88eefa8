"""Decisions on messages that triage logged instead of ticketing (the Social Inbox)."""

from __future__ import annotations

import frappe
from frappe import _

from social_support.tickets import get_adapter

from .pipeline import open_ticket
from .profiles import customer_of
from .triage import ATTACHED, NEEDS_DECISION, NO_ACTION, TICKET_CREATED

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
