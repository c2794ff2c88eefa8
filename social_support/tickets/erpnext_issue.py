"""ERPNext Issue as the ticket: the default ticket system, and the only module that knows the Issue."""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.desk.form.assign_to import add as assign
from frappe.utils import add_days, get_datetime, now_datetime

from .base import CONTEXT_FIELDS, NewTicket, TicketAdapter, TicketRef

DOCTYPE = "Issue"
CLOSED = ("Resolved", "Closed")

# the app's field names (tickets.base.FIELD_NAMES) -> Issue columns; "resolved_on" is per release
FIELDS = {
	"status": "status",
	"subject": "subject",
	"opened_on": "creation",
	"first_responded_on": "first_responded_on",
	"agreement_status": "agreement_status",
	"assignees": "_assign",
	"contact": "contact",
	"customer": "customer",
	"customer_name": "customer_name",
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
}

# the Social section the app adds to the Issue form (created on every migrate)
CUSTOM_FIELDS = [
	{
		"fieldname": "social_section",
		"fieldtype": "Section Break",
		"label": "Social",
		"insert_after": "description",
		"collapsible": 0,
		"depends_on": "eval:doc.social_channel",
	},
	{
		"fieldname": "social_channel",
		"fieldtype": "Link",
		"label": "Social Channel",
		"options": "Social Channel",
		"insert_after": "social_section",
		"read_only": 1,
		"in_standard_filter": 1,
		"search_index": 1,
	},
	{
		"fieldname": "social_platform",
		"fieldtype": "Data",
		"label": "Platform",
		"insert_after": "social_channel",
		"read_only": 1,
		"in_standard_filter": 1,
	},
	{
		"fieldname": "social_profile",
		"fieldtype": "Link",
		"label": "Social Profile",
		"options": "Social Profile",
		"insert_after": "social_platform",
		"read_only": 1,
		# the customer's tickets on a channel are looked up for every message (continuity)
		"search_index": 1,
	},
	{
		"fieldname": "social_column_break",
		"fieldtype": "Column Break",
		"insert_after": "social_profile",
	},
	{
		"fieldname": "social_conversation",
		"fieldtype": "Select",
		"label": "Conversation",
		"options": "\nPublic\nPrivate",
		"insert_after": "social_column_break",
		"read_only": 1,
	},
	{
		"fieldname": "social_permalink",
		"fieldtype": "Data",
		"options": "URL",
		"label": "Permalink",
		"insert_after": "social_conversation",
		"read_only": 1,
	},
	{
		"fieldname": "social_thread_key",
		"fieldtype": "Data",
		"label": "Thread",
		"insert_after": "social_permalink",
		"read_only": 1,
		"search_index": 1,
	},
	{
		"fieldname": "social_analysis_column",
		"fieldtype": "Column Break",
		"insert_after": "social_thread_key",
	},
	{
		"fieldname": "social_sentiment",
		"fieldtype": "Select",
		"label": "Sentiment",
		"options": "\npositive\nneutral\nnegative",
		"insert_after": "social_analysis_column",
		"read_only": 1,
		"in_list_view": 1,
		"in_standard_filter": 1,
	},
	{
		"fieldname": "social_intent",
		"fieldtype": "Select",
		"label": "Intent",
		"options": "\ncomplaint\nquestion\npraise\nspam\ntroll\nother",
		"insert_after": "social_sentiment",
		"read_only": 1,
		"in_standard_filter": 1,
	},
	{
		"fieldname": "social_language",
		"fieldtype": "Data",
		"label": "Language",
		"insert_after": "social_intent",
		"read_only": 1,
	},
	{
		"fieldname": "social_urgent",
		"fieldtype": "Check",
		"label": "Urgent",
		"insert_after": "social_language",
		"in_standard_filter": 1,
	},
	{
		"fieldname": "social_triage_rule",
		"fieldtype": "Link",
		"label": "Triage Rule",
		"options": "Social Triage Rule",
		"insert_after": "social_urgent",
		"read_only": 1,
	},
	{
		"fieldname": "social_satisfaction",
		"fieldtype": "Int",
		"label": "Satisfaction (1-5)",
		"insert_after": "social_triage_rule",
		"read_only": 1,
		"in_standard_filter": 1,
	},
	{
		"fieldname": "social_followup_sent_on",
		"fieldtype": "Datetime",
		"label": "Follow-up Sent",
		"insert_after": "social_satisfaction",
		"read_only": 1,
	},
	{
		"fieldname": "social_last_inbound_on",
		"fieldtype": "Datetime",
		"label": "Last Customer Message",
		"insert_after": "social_followup_sent_on",
		"read_only": 1,
	},
	{
		"fieldname": "social_moved_to_private_on",
		"fieldtype": "Datetime",
		"label": "Moved to Private",
		"description": "The public thread was moved to private messages: nothing automatic is posted there.",
		"insert_after": "social_last_inbound_on",
		"read_only": 1,
	},
	{
		"fieldname": "social_first_message_on",
		"fieldtype": "Datetime",
		"label": "Customer First Wrote",
		"description": "The customer's first message in the conversation: first response and resolution times are measured from here.",
		"insert_after": "social_last_inbound_on",
		"read_only": 1,
	},
	{
		"fieldname": "social_suggested_contact",
		"fieldtype": "Link",
		"options": "Contact",
		"label": "Same Person As?",
		"description": "The customer's private message named an email or phone number of this Contact. Link it from Social > Link Contact; nothing is merged on its own.",
		"insert_after": "social_moved_to_private_on",
		"read_only": 1,
	},
]

# covering indexes for the managers' reports (measured on 100,000 messages / 20,000 tickets, see
# docs/operations.md); "<resolved_on>" is the resolution column of the installed release
REPORT_INDEXES = {
	"issue_social_period": ["creation", "social_channel"],
	"issue_social_resolved": ["<resolved_on>", "social_channel"],
}


def resolved_on_field() -> str:
	"""When the Issue was resolved: ERPNext v15 renamed ``resolution_date`` to ``sla_resolution_date``
	(patch v15_0.rename_sla_fields, March 2025); both releases are in the supported range."""
	return (
		"sla_resolution_date"
		if frappe.get_meta(DOCTYPE).has_field("sla_resolution_date")
		else "resolution_date"
	)


class IssueAdapter(TicketAdapter):
	doctype = DOCTYPE
	open_statuses = ("Open", "Replied", "On Hold")
	waiting_status = "Open"
	replied_status = "Replied"
	resolved_status = "Resolved"
	closed_statuses = CLOSED
	agreement_met = "Fulfilled"
	agreement_failed = "Failed"

	def field(self, name: str) -> str:
		if name == "resolved_on":
			return resolved_on_field()
		return FIELDS[name]

	def within_reopen_window(self, closed_on: datetime | None, days: int) -> bool:
		return within_reopen_window(closed_on, days)

	# --- reads --------------------------------------------------------------------------------------
	def context(self, name: str):
		row = frappe.db.get_value(
			DOCTYPE, name, ["name", *(f"{FIELDS[k]} as {k}" for k in CONTEXT_FIELDS)], as_dict=True
		)
		return row if row and row.channel else None

	def context_of_doc(self, doc):
		if doc.doctype != DOCTYPE or not doc.get(FIELDS["channel"]):
			return None
		return frappe._dict(name=doc.name, **{k: doc.get(FIELDS[k]) for k in CONTEXT_FIELDS})

	def who(self, name: str) -> str:
		row = self.get(name, "customer_name", "contact") or {}
		return row.get("customer_name") or row.get("contact") or ""

	# --- writes -------------------------------------------------------------------------------------
	def add_comment(self, name: str, text: str) -> None:
		frappe.get_doc(DOCTYPE, name).add_comment("Info", text)

	# --- installation -------------------------------------------------------------------------------
	def custom_fields(self) -> dict[str, list[dict]]:
		return {DOCTYPE: CUSTOM_FIELDS}

	def report_indexes(self) -> dict[str, list[str]]:
		resolved = resolved_on_field()
		return {
			name: [resolved if c == "<resolved_on>" else c for c in columns]
			for name, columns in REPORT_INDEXES.items()
		}

	def latest_for_thread(self, channel: str, thread_key: str) -> TicketRef | None:
		# plain SQL: on the ingest path for every message (the query builder's field parsing costs more
		# than the query)
		rows = frappe.db.sql(
			f"""select name, status, `{resolved_on_field()}` as resolved_on, modified from `tab{DOCTYPE}`
			where social_channel=%s and social_thread_key=%s order by creation desc limit 1""",
			(channel, thread_key),
			as_dict=True,
		)
		return _ref(rows[0]) if rows else None

	def ref(self, name: str) -> TicketRef | None:
		row = frappe.db.get_value(
			DOCTYPE,
			name,
			["name", "status", f"{resolved_on_field()} as resolved_on", "modified"],
			as_dict=True,
		)
		return _ref(row) if row else None

	def create(self, t: NewTicket) -> str:
		settings = frappe.get_cached_doc("Social Support Settings")
		issue = frappe.new_doc(DOCTYPE)
		issue.update(
			{
				"subject": t.subject,
				"description": t.description_html,
				"raised_by": t.raised_by,
				"contact": t.contact,
				"customer": t.customer,
				"status": "Open",
				"opening_date": t.opened_on.date(),
				"opening_time": t.opened_on.time(),
				"social_channel": t.channel,
				"social_platform": t.platform,
				"social_profile": t.profile,
				"social_thread_key": t.thread_key,
				"social_conversation": "Private" if t.private else "Public",
				"social_permalink": t.permalink,
				"social_last_inbound_on": t.opened_on,
				"social_first_message_on": t.opened_on,
			}
		)
		issue.issue_type = t.issue_type or settings.default_issue_type or None
		issue.priority = t.priority or settings.default_priority or None
		issue.social_triage_rule = t.triage_rule
		if t.analysis is not None:
			issue.update(_analysis_fields(t.analysis))
		issue.flags.ignore_permissions = True
		issue.flags.ignore_mandatory = True
		issue.insert()
		for tag in t.tags:
			add_tag(tag, DOCTYPE, issue.name)
		if t.assign_to:
			assign(
				{
					"assign_to": [t.assign_to],
					"doctype": DOCTYPE,
					"name": issue.name,
					"description": issue.subject,
				}
			)
		return issue.name

	def update_analysis(self, name: str, analysis) -> None:
		values = _analysis_fields(analysis)
		if not analysis.urgent:
			values.pop("social_urgent")  # once urgent, a ticket stays flagged until an agent clears it
		frappe.db.set_value(DOCTYPE, name, values, update_modified=False)

	def reopen(self, name: str) -> None:
		issue = frappe.get_doc(DOCTYPE, name)
		issue.status = "Open"
		issue.flags.ignore_permissions = True
		issue.save()
		issue.add_comment("Info", frappe._("Reopened by a new social message from the customer."))


def _ref(r) -> TicketRef:
	closed = r.status in CLOSED
	closed_on = get_datetime(r.resolved_on or r.modified) if closed else None
	return TicketRef(DOCTYPE, r.name, r.status, closed, closed_on)


def _analysis_fields(analysis) -> dict:
	return {
		"social_sentiment": analysis.sentiment,
		"social_intent": analysis.intent,
		"social_language": analysis.language,
		"social_urgent": int(analysis.urgent),
	}


def within_reopen_window(closed_on: datetime | None, days: int) -> bool:
	if closed_on is None:
		return False
	return get_datetime(closed_on) >= add_days(now_datetime(), -int(days or 0))
