"""ERPNext Issue as the ticket."""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.desk.form.assign_to import add as assign
from frappe.utils import add_days, get_datetime, now_datetime

from .base import NewTicket, TicketAdapter, TicketRef

CLOSED = ("Resolved", "Closed")


def resolved_on_field() -> str:
	"""When the Issue was resolved: ERPNext v15 renamed ``resolution_date`` to ``sla_resolution_date``
	(patch v15_0.rename_sla_fields, March 2025); both releases are in the supported range."""
	return (
		"sla_resolution_date"
		if frappe.get_meta("Issue").has_field("sla_resolution_date")
		else "resolution_date"
	)


class IssueAdapter(TicketAdapter):
	doctype = "Issue"

	@property
	def resolved_on_field(self) -> str:
		return resolved_on_field()

	def latest_for_thread(self, channel: str, thread_key: str) -> TicketRef | None:
		rows = frappe.get_all(
			"Issue",
			filters={"social_channel": channel, "social_thread_key": thread_key},
			fields=["name", "status", f"{resolved_on_field()} as resolved_on", "modified"],
			order_by="creation desc",
			limit=1,
		)
		if not rows:
			return None
		r = rows[0]
		closed = r.status in CLOSED
		closed_on = get_datetime(r.resolved_on or r.modified) if closed else None
		return TicketRef("Issue", r.name, r.status, closed, closed_on)

	def create(self, t: NewTicket) -> str:
		settings = frappe.get_cached_doc("Social Support Settings")
		issue = frappe.new_doc("Issue")
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
			add_tag(tag, "Issue", issue.name)
		if t.assign_to:
			assign(
				{
					"assign_to": [t.assign_to],
					"doctype": "Issue",
					"name": issue.name,
					"description": issue.subject,
				}
			)
		return issue.name

	def update_analysis(self, name: str, analysis) -> None:
		values = _analysis_fields(analysis)
		if not analysis.urgent:
			values.pop("social_urgent")  # once urgent, a ticket stays flagged until an agent clears it
		frappe.db.set_value("Issue", name, values, update_modified=False)

	def reopen(self, name: str) -> None:
		issue = frappe.get_doc("Issue", name)
		issue.status = "Open"
		issue.flags.ignore_permissions = True
		issue.save()
		issue.add_comment("Info", frappe._("Reopened by a new social message from the customer."))

	def add_message(
		self,
		name: str,
		*,
		html: str,
		sender: str,
		sender_name: str | None,
		sent_on: datetime,
		inbound: bool,
		subject: str | None = None,
	) -> str:
		comm = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Chat",
				"sent_or_received": "Received" if inbound else "Sent",
				"subject": subject or frappe.db.get_value("Issue", name, "subject"),
				"content": html,
				"sender": sender,
				"sender_full_name": sender_name,
				"communication_date": sent_on,
				"reference_doctype": "Issue",
				"reference_name": name,
				"status": "Linked",
				"email_status": "Open" if inbound else None,
			}
		)
		comm.flags.ignore_permissions = True
		comm.insert()
		return comm.name

	def touch_inbound(self, name: str, at: datetime) -> None:
		frappe.db.set_value("Issue", name, "social_last_inbound_on", at, update_modified=False)


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
