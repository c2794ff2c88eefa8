"""What the app needs from a ticket system, and nothing more.

Everything outside ``tickets/`` reads and writes tickets through a :class:`TicketAdapter` (from
``tickets.get_adapter()``): the doctype and its table (reports), the names of the columns the app
reads (``adapter.field("channel")``), the statuses, the reopen rule, a ticket's social context, its
contact and customer, and the few writes the app makes (status after a reply, resolve, a comment,
the app's own values). A second ticket system is one more module under ``tickets/`` implementing
this class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import frappe

# the app's names for the ticket columns it reads; each adapter maps them to its own (FIELDS)
FIELD_NAMES = (
	"status",
	"subject",
	"opened_on",  # when the ticket was created (reports count tickets by it)
	"first_responded_on",
	"resolved_on",
	"agreement_status",  # SLA: "Fulfilled" / "Failed" / ...
	"assignees",  # the JSON list of assigned users (Frappe's _assign)
	"contact",
	"customer",
	"customer_name",
	"priority",
	"channel",
	"platform",
	"thread_key",
	"conversation",  # "Public" / "Private"
	"profile",
	"permalink",
	"language",
	"last_inbound_on",
	"followup_sent_on",
	"satisfaction",
	"moved_to_private_on",  # the public thread was moved to private: nothing automatic is posted there
	"raised_by",  # the customer's address (a placeholder when they have no real one)
	"suggested_contact",  # "same person as <Contact>?": offered, never applied without an agent
	"intent",  # the latest customer message's intent (complaint, question, ...): complaints are never hidden
	# the customer's first message in the conversation: set on create (the first message's time), moved
	# earlier by add_message(inbound=True) when an older message joins; response times start here
	"first_message_on",
)

# a ticket's social context (:meth:`TicketAdapter.context`): these keys, read in one query
CONTEXT_FIELDS = (
	"status",
	"channel",
	"platform",
	"thread_key",
	"conversation",
	"profile",
	"contact",
	"language",
	"last_inbound_on",
	"moved_to_private_on",
)


@dataclass
class TicketRef:
	doctype: str
	name: str
	status: str
	closed: bool
	closed_on: datetime | None


@dataclass
class NewTicket:
	channel: str
	platform: str
	thread_key: str
	subject: str
	description_html: str
	raised_by: str
	contact: str | None
	customer: str | None
	profile: str | None
	private: bool
	permalink: str | None
	opened_on: datetime
	priority: str | None = None
	issue_type: str | None = None
	tags: list[str] = field(default_factory=list)
	assign_to: str | None = None
	triage_rule: str | None = None
	analysis: Any = None  # social_support.analysis.Analysis of the first message


class TicketAdapter:
	"""What ingestion, replies, surveys, follow-ups, incidents and reports need from a ticket system."""

	doctype: str
	# app name -> column (see FIELD_NAMES); "resolved_on" may depend on the installed release
	FIELDS: dict[str, str]
	# statuses: not closed, waiting for an agent, after our reply, resolved, and every closed one
	open_statuses: tuple[str, ...]
	waiting_status: str  # new or answered by the customer: waiting for an agent
	replied_status: str
	resolved_status: str
	closed_statuses: tuple[str, ...]
	# the SLA's outcome ("agreement_status"): met, failed
	agreement_met: str
	agreement_failed: str

	# --- names --------------------------------------------------------------------------------------
	@property
	def table(self) -> str:
		"""The database table, for reports' SQL (already quoted-safe: letters, digits and spaces)."""
		return f"tab{self.doctype}"

	@property
	def resolved_on_field(self) -> str:
		return self.field("resolved_on")

	def field(self, name: str) -> str:
		"""The column that holds the app's ``name`` (one of FIELD_NAMES); KeyError for an unknown name."""
		return self.FIELDS[name]

	def columns(self, alias: str = "i") -> dict[str, str]:
		"""Every field (FIELD_NAMES) as ``alias.`column```, for SQL on ``table``."""
		return {name: f"{alias}.`{self.field(name)}`" for name in FIELD_NAMES}

	def conversation_start(self, alias: str = "i") -> str:
		"""SQL: when the customer first wrote in the conversation (first response and resolution times are
		measured from here, not from the ticket's creation); the creation for a ticket without it."""
		c = self.columns(alias)
		return f"coalesce({c['first_message_on']}, {c['opened_on']})"

	def is_closed(self, status: str | None) -> bool:
		return status in self.closed_statuses

	def within_reopen_window(self, closed_on: datetime | None, days: int) -> bool:
		"""Does a new customer message reopen this closed ticket (else it starts a new one)?"""
		raise NotImplementedError

	# --- reads --------------------------------------------------------------------------------------
	def exists(self, name: str) -> bool:
		return bool(name) and bool(frappe.db.exists(self.doctype, name))

	def context(self, name: str):
		"""The ticket's social context (``name`` and CONTEXT_FIELDS), or None when it is not a social ticket."""
		raise NotImplementedError

	def context_of_doc(self, doc):
		"""The same from a loaded ticket document (document events), or None when it is not social."""
		raise NotImplementedError

	def get(self, name: str, *fields: str):
		"""One value (one field) or a dict (several) of the ticket, by the app's field names."""
		if len(fields) == 1:
			return frappe.db.get_value(self.doctype, name, self.field(fields[0]))
		return frappe.db.get_value(
			self.doctype, name, [f"{self.field(f)} as {f}" for f in fields], as_dict=True
		)

	def who(self, name: str) -> str:
		"""How to address the customer: the customer's name, else the contact, else ''."""
		raise NotImplementedError

	def latest_for_thread(self, channel: str, thread_key: str) -> TicketRef | None:
		raise NotImplementedError

	def ref(self, name: str) -> TicketRef | None:
		"""The ticket's state as the reopen rule reads it (as ``latest_for_thread`` gives it)."""
		raise NotImplementedError

	# --- permissions --------------------------------------------------------------------------------
	def has_permission(self, ptype: str, name: str | None = None, throw: bool = False) -> bool:
		return frappe.has_permission(self.doctype, ptype, name, throw=throw)

	def check_permission(self, name: str, ptype: str) -> None:
		frappe.get_doc(self.doctype, name).check_permission(ptype)

	# --- writes -------------------------------------------------------------------------------------
	def create(self, ticket: NewTicket) -> str:
		raise NotImplementedError

	def reopen(self, name: str) -> None:
		raise NotImplementedError

	def mark_replied(self, name: str) -> None:
		"""An answer went out: the ticket waits on the customer."""
		frappe.db.set_value(self.doctype, name, self.field("status"), self.replied_status)

	def resolve(self, name: str) -> bool:
		"""Resolve as the session user (permissions and validation apply); False when already closed."""
		ticket = frappe.get_doc(self.doctype, name)
		if ticket.get(self.field("status")) in self.closed_statuses:
			return False
		ticket.set(self.field("status"), self.resolved_status)
		ticket.save()
		return True

	def set(self, name: str, values: dict) -> None:
		"""Store the app's own values (by the app's field names), without touching ``modified``."""
		frappe.db.set_value(
			self.doctype, name, {self.field(k): v for k, v in values.items()}, update_modified=False
		)

	def add_comment(self, name: str, text: str) -> None:
		raise NotImplementedError

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
		"""Add a message to the ticket's timeline (a Chat Communication); returns its name. An inbound
		message older than the ticket's ``first_message_on`` moves it back to ``sent_on``. The ticket
		system reacts to the Communication as to any other (Helpdesk: a received one reopens the ticket,
		a sent one records the first response)."""
		comm = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Chat",
				"sent_or_received": "Received" if inbound else "Sent",
				"subject": subject or frappe.db.get_value(self.doctype, name, self.field("subject")),
				"content": html,
				"sender": sender,
				"sender_full_name": sender_name,
				"communication_date": sent_on,
				"reference_doctype": self.doctype,
				"reference_name": name,
				"status": "Linked",
				"email_status": "Open" if inbound else None,
			}
		)
		comm.flags.ignore_permissions = True
		comm.insert()
		if inbound:
			# an older message of the customer joined (Social Inbox, continuity): the conversation began then
			first = self.field("first_message_on")
			frappe.db.sql(
				f"""update `{self.table}` set `{first}`=%(at)s where name=%(name)s
				and (`{first}` is null or `{first}` > %(at)s)""",
				{"at": sent_on, "name": name},
			)
		return comm.name

	def touch_inbound(self, name: str, at: datetime) -> None:
		frappe.db.set_value(self.doctype, name, self.field("last_inbound_on"), at, update_modified=False)

	def update_analysis(self, name: str, analysis) -> None:
		"""Show the latest customer message's sentiment/intent/urgency on the ticket."""
		raise NotImplementedError

	# --- installation -------------------------------------------------------------------------------
	def custom_fields(self) -> dict[str, list[dict]]:
		"""The fields the app adds to the ticket doctype (create_custom_fields format)."""
		raise NotImplementedError

	def report_indexes(self) -> dict[str, list[str]]:
		"""Index name -> columns on the ticket table, for the managers' reports."""
		raise NotImplementedError
