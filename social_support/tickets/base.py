from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
	"""What ingestion (and later reply-back and surveys) needs from a ticket system."""

	doctype: str
	# the column that holds when the ticket was resolved (reports and the reopen window read it)
	resolved_on_field: str

	def latest_for_thread(self, channel: str, thread_key: str) -> TicketRef | None:
		raise NotImplementedError

	def create(self, ticket: NewTicket) -> str:
		raise NotImplementedError

	def reopen(self, name: str) -> None:
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
		"""Add a message to the ticket's timeline; returns the Communication name."""
		raise NotImplementedError

	def touch_inbound(self, name: str, at: datetime) -> None:
		raise NotImplementedError

	def update_analysis(self, name: str, analysis) -> None:
		"""Show the latest customer message's sentiment/intent/urgency on the ticket."""
		raise NotImplementedError

	def attach_message(self, name: str, message: str) -> None:
		"""Link an existing Social Message (and a Communication for it) to the ticket."""
		raise NotImplementedError
