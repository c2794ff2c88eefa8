"""Frappe Helpdesk's HD Ticket as the ticket (tested with Helpdesk v1.14.0 on Frappe 15.44).

The second ticket system, chosen in Social Support Settings ("Ticket System") on a site where the
``helpdesk`` app is installed. Only this module (and ``helpdesk_ticket.py``, the HD Ticket class the
app puts in Helpdesk's place) knows the HD Ticket: its doctype, columns, statuses, teams, SLA fields
and custom fields. Nothing here imports Helpdesk, so the module loads on sites without it.

What differs from the ERPNext Issue:

- Helpdesk names tickets by number; the adapter hands names out as text, as every other ticket name.
- A new HD Ticket would add its description as a first Communication (medium Email, sent by the session
  user) and may mail an acknowledgement: a social ticket is inserted without a description (the first
  customer message is added like every other one, medium Chat, sender the customer, and the description
  set from it) and without the acknowledgement email (the channel has its own acknowledgement).
- The customer is Helpdesk's HD Customer linked to the Contact (when there is exactly one).
- The app's notes go on the ticket as HD Ticket Comments, which Helpdesk's agent screen shows.
"""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.desk.form.assign_to import add as assign
from frappe.utils import get_datetime

from .base import CONTEXT_FIELDS, NewTicket, TicketAdapter, TicketRef
from .erpnext_issue import CUSTOM_FIELDS as ISSUE_CUSTOM_FIELDS
from .erpnext_issue import within_reopen_window

APP = "helpdesk"
DOCTYPE = "HD Ticket"
CUSTOMER_DOCTYPE = "HD Customer"
PRIORITY_DOCTYPE = "HD Ticket Priority"
TYPE_DOCTYPE = "HD Ticket Type"
TEAM_DOCTYPE = "HD Team"
COMMENT_DOCTYPE = "HD Ticket Comment"
CLOSED = ("Resolved", "Closed")

# the app's field names (tickets.base.FIELD_NAMES) -> HD Ticket columns; the social ones are the app's
# custom fields, named as on the Issue. "team" is Helpdesk's own (HD Team); "customer_name" is the HD
# Customer's name, which is its label.
FIELDS = {
	"status": "status",
	"subject": "subject",
	"opened_on": "creation",
	"first_responded_on": "first_responded_on",
	"resolved_on": "resolution_date",
	"agreement_status": "agreement_status",
	"assignees": "_assign",
	"contact": "contact",
	"customer": "customer",
	"customer_name": "customer",
	"priority": "priority",
	"channel": "social_channel",
	"platform": "social_platform",
	"thread_key": "social_thread_key",
	"conversation": "social_conversation",
	"profile": "social_profile",
	"permalink": "social_permalink",
	"language": "social_language",
	"last_inbound_on": "social_last_inbound_on",
	"followup_sent_on": "social_followup_sent_on",
	"satisfaction": "social_satisfaction",
	"moved_to_private_on": "social_moved_to_private_on",
	"raised_by": "raised_by",
	"suggested_contact": "social_suggested_contact",
	"intent": "social_intent",
	"first_message_on": "social_first_message_on",
	# Helpdesk only
	"team": "agent_group",
	"response_by": "response_by",
	"resolution_by": "resolution_by",
	"ticket_type": "ticket_type",
}

# the same Social section as on the Issue (same field names), after Helpdesk's description
CUSTOM_FIELDS = [dict(df) for df in ISSUE_CUSTOM_FIELDS]

REPORT_INDEXES = {
	"hd_ticket_social_period": ["creation", "social_channel"],
	"hd_ticket_social_resolved": ["resolution_date", "social_channel"],
}


def installed() -> bool:
	"""Is Helpdesk installed on this site (its doctype is there to use)?"""
	return APP in frappe.get_installed_apps()


class HDTicketAdapter(TicketAdapter):
	doctype = DOCTYPE
	FIELDS = FIELDS
	open_statuses = ("Open", "Replied")
	waiting_status = "Open"
	replied_status = "Replied"
	resolved_status = "Resolved"
	closed_statuses = CLOSED
	agreement_met = "Fulfilled"
	agreement_failed = "Failed"

	def field(self, name: str) -> str:
		return FIELDS[name]

	def within_reopen_window(self, closed_on: datetime | None, days: int) -> bool:
		return within_reopen_window(closed_on, days)

	# --- reads --------------------------------------------------------------------------------------
	def context(self, name: str):
		row = frappe.db.get_value(
			DOCTYPE, name, ["name", *(f"{FIELDS[k]} as {k}" for k in CONTEXT_FIELDS)], as_dict=True
		)
		if not row or not row.channel:
			return None
		row.name = str(row.name)
		return row

	def context_of_doc(self, doc):
		if doc.doctype != DOCTYPE or not doc.get(FIELDS["channel"]):
			return None
		return frappe._dict(name=str(doc.name), **{k: doc.get(FIELDS[k]) for k in CONTEXT_FIELDS})

	def who(self, name: str) -> str:
		row = self.get(name, "customer", "contact") or {}
		return row.get("customer") or row.get("contact") or ""

	def latest_for_thread(self, channel: str, thread_key: str) -> TicketRef | None:
		rows = frappe.db.sql(
			f"""select name, status, resolution_date as resolved_on, modified from `tab{DOCTYPE}`
			where social_channel=%s and social_thread_key=%s order by creation desc limit 1""",
			(channel, thread_key),
			as_dict=True,
		)
		return _ref(rows[0]) if rows else None

	def ref(self, name: str) -> TicketRef | None:
		row = frappe.db.get_value(
			DOCTYPE, name, ["name", "status", "resolution_date as resolved_on", "modified"], as_dict=True
		)
		return _ref(row) if row else None

	# permissions: the base class asks Frappe, which applies Helpdesk's own rule (agents, teams, the customer)
	# --- writes -------------------------------------------------------------------------------------
	def create(self, t: NewTicket) -> str:
		ticket = frappe.new_doc(DOCTYPE)
		ticket.update(
			{
				"subject": t.subject,
				"raised_by": t.raised_by,
				"contact": t.contact,
				"customer": hd_customer_of(t.contact),
				"status": "Open",
				"opening_date": t.opened_on.date(),
				"opening_time": t.opened_on.time(),
				"priority": _existing(PRIORITY_DOCTYPE, t.priority or _settings_value("default_priority")),
				"ticket_type": _existing(TYPE_DOCTYPE, t.issue_type or _settings_value("default_issue_type")),
				"social_channel": t.channel,
				"social_platform": t.platform,
				"social_profile": t.profile,
				"social_thread_key": t.thread_key,
				"social_conversation": "Private" if t.private else "Public",
				"social_permalink": t.permalink,
				"social_last_inbound_on": t.opened_on,
				"social_first_message_on": t.opened_on,
				"social_triage_rule": t.triage_rule,
			}
		)
		if t.analysis is not None:
			ticket.update(_analysis_fields(t.analysis))
		ticket.flags.ignore_permissions = True
		ticket.flags.ignore_mandatory = True
		# No description at insert: Helpdesk would add it as a Communication of its own (medium Email,
		# sent by the session user). The first message is added like every other one by the caller.
		# No acknowledgement email either: Helpdesk skips it during a sync, and a social customer is
		# acknowledged in their channel.
		initial_sync = frappe.flags.initial_sync
		frappe.flags.initial_sync = True
		try:
			ticket.insert()
		finally:
			frappe.flags.initial_sync = initial_sync
		frappe.db.set_value(DOCTYPE, ticket.name, "description", t.description_html, update_modified=False)
		name = str(ticket.name)
		for tag in t.tags:
			add_tag(tag, DOCTYPE, name)
		if t.assign_to:
			assign({"assign_to": [t.assign_to], "doctype": DOCTYPE, "name": name, "description": t.subject})
		return name

	def reopen(self, name: str) -> None:
		ticket = frappe.get_doc(DOCTYPE, name)
		ticket.status = "Open"
		ticket.flags.ignore_permissions = True
		ticket.save()
		self.add_comment(name, frappe._("Reopened by a new social message from the customer."))

	def add_comment(self, name: str, text: str) -> None:
		"""An HD Ticket Comment: what Helpdesk's agent screen shows between the messages."""
		frappe.get_doc(
			{
				"doctype": COMMENT_DOCTYPE,
				"reference_ticket": name,
				"commented_by": frappe.session.user
				if frappe.session.user not in (None, "", "Guest")
				else "Administrator",
				"content": text,
			}
		).insert(ignore_permissions=True)

	def update_analysis(self, name: str, analysis) -> None:
		values = _analysis_fields(analysis)
		if not analysis.urgent:
			values.pop("social_urgent")
		frappe.db.set_value(DOCTYPE, name, values, update_modified=False)

	# --- installation -------------------------------------------------------------------------------
	def custom_fields(self) -> dict[str, list[dict]]:
		return {DOCTYPE: CUSTOM_FIELDS}

	def report_indexes(self) -> dict[str, list[str]]:
		return dict(REPORT_INDEXES)


def hd_customer_of(contact: str | None) -> str | None:
	"""The Contact's HD Customer, when it links to exactly one."""
	if not contact:
		return None
	customers = frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "parent": contact, "link_doctype": CUSTOMER_DOCTYPE},
		pluck="link_name",
	)
	return customers[0] if len(set(customers)) == 1 else None


def _existing(doctype: str, name: str | None) -> str | None:
	"""A triage rule's or the settings' priority / type when Helpdesk has one of that name (else its default)."""
	return name if name and frappe.db.exists(doctype, name) else None


def _settings_value(fieldname: str):
	return frappe.get_cached_value("Social Support Settings", "Social Support Settings", fieldname)


def _ref(r) -> TicketRef:
	closed = r.status in CLOSED
	closed_on = get_datetime(r.resolved_on or r.modified) if closed else None
	return TicketRef(DOCTYPE, str(r.name), r.status, closed, closed_on)


def _analysis_fields(analysis) -> dict:
	return {
		"social_sentiment": analysis.sentiment,
		"social_intent": analysis.intent,
		"social_language": analysis.language,
		"social_urgent": int(analysis.urgent),
	}
