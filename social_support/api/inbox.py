"""Social Inbox actions on logged messages: create a ticket, attach to a ticket, or mark no action needed."""

from __future__ import annotations

import json

import frappe
from frappe import _

from social_support.ingest import inbox
from social_support.tickets import get_adapter


def _names(names: str | list[str]) -> list[str]:
	if isinstance(names, str):
		names = json.loads(names) if names.strip().startswith("[") else [names]
	if len(names) > 500:
		frappe.throw(_("At most 500 messages at once."))
	return list(names)


@frappe.whitelist(methods=["POST"])
def create_tickets(names: str | list[str]) -> dict:
	get_adapter().has_permission("create", throw=True)
	return inbox.create_tickets(_names(names))


@frappe.whitelist(methods=["POST"])
def attach(names: str | list[str], ticket: str) -> dict:
	get_adapter().check_permission(ticket, "write")
	return inbox.attach(_names(names), ticket)


@frappe.whitelist(methods=["POST"])
def dismiss(names: str | list[str]) -> dict:
	frappe.has_permission("Social Message", "read", throw=True)
	get_adapter().has_permission("write", throw=True)
	return inbox.dismiss(_names(names))


@frappe.whitelist(methods=["POST"])
def ignore(names: str | list[str], note: str | None = None) -> dict:
	"""Ignore the selected messages (each checked: read on it, write on its ticket); nothing is hidden or posted."""
	done, errors = [], {}
	for name in _names(names):
		frappe.db.savepoint("social_ignore")
		try:
			done.append(inbox.ignore(message=name, note=note))
		except (frappe.ValidationError, frappe.PermissionError) as e:
			frappe.db.rollback(save_point="social_ignore")  # one item is ignored whole or not at all
			errors[name] = str(e)
			frappe.clear_messages()
	if not done and errors:
		frappe.throw(_("Nothing ignored: {0}").format(frappe.utils.escape_html("; ".join(errors.values()))))
	return {"ignored": [d["message"] for d in done], "errors": errors}


@frappe.whitelist(methods=["POST"])
def link_to_incident(names: str | list[str], incident: str | None = None, title: str | None = None) -> dict:
	"""One action from the Social Inbox or a spike alert's list: the selected messages' conversations
	(a ticket made for those still waiting in the inbox) linked to an incident, or to a new one named
	``title``. Write on the incident (create for a new one), write on each ticket; audited on the incident."""
	from social_support.outbound import incidents

	names = _names(names)
	frappe.has_permission("Social Message", "read", throw=True)
	if not incident:
		if not (title or "").strip():
			frappe.throw(_("Choose an incident or name a new one."))
		frappe.has_permission("Social Incident", "create", throw=True)
		incident = (
			frappe.get_doc(
				{
					"doctype": "Social Incident",
					"title": title.strip()[:140],
					"started_on": frappe.utils.now_datetime(),
				}
			)
			.insert()
			.name
		)
	frappe.get_doc("Social Incident", incident).check_permission("write")
	tickets, skipped = inbox.tickets_of(names)
	out = incidents.link(incident, tickets, source=_("from {0} selected message(s)").format(len(names)))
	return {"incident": incident, **out, "skipped_messages": skipped}
