"""One conversation across public and private: which ticket a customer's message joins.

A conversation that an agent moved to private messages (the ticket's ``moved_to_private_on``) keeps
its ticket: for ``continuity_days`` the customer's private messages on that channel join it, and so
do their public ones on any other thread of the channel (the customer writes publicly again). The
other way round, a private conversation that is still open takes in the customer's public messages
on that channel for the same number of days. A thread that joined a ticket once stays with it (its
messages carry the ticket), so later messages in it follow without a new decision.

Messages that join from the other part are labelled on the ticket's timeline (public / private), and
the ticket gets one comment the first time it does. Nothing here posts anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import add_days, cint, escape_html, get_datetime, now_datetime

from social_support.tickets import get_adapter
from social_support.tickets.base import TicketRef

DEFAULT_DAYS = 7


@dataclass
class ContinuedRef(TicketRef):
	"""A ticket of the customer's other part of the conversation (public for a private message, or
	private for a public one) that the message joins."""

	crossed: bool = True


def days_of(settings) -> int:
	value = settings.get("continuity_days") if settings else None
	return DEFAULT_DAYS if value is None else max(0, cint(value))


def ticket_for(channel: str, thread_key: str, profile, private: bool, settings) -> TicketRef | None:
	"""The ticket a customer's message on ``thread_key`` belongs to: its own thread's latest ticket,
	unless a later continuation of the same customer's conversation on the channel takes it."""
	tickets = get_adapter()
	own = tickets.latest_for_thread(channel, thread_key)
	days = days_of(settings)
	if not days or not profile:
		return own
	joined = _joined_ticket(channel, thread_key)
	if joined:
		return joined
	candidate = _continuing(channel, thread_key, profile.name, private, days)
	if not candidate:
		return own
	name, anchor = candidate
	if own and not own.closed and get_datetime(tickets.get(own.name, "opened_on")) > get_datetime(anchor):
		return own  # the customer's own thread started anew after the move: that ticket is the newer one
	ref = tickets.ref(name)
	return ContinuedRef(ref.doctype, ref.name, ref.status, ref.closed, ref.closed_on) if ref else own


def ticket_of_thread(channel: str, thread_key: str) -> TicketRef | None:
	"""For the account's own messages (echoes): the ticket a joined thread belongs to, else the thread's."""
	return _joined_ticket(channel, thread_key) or get_adapter().latest_for_thread(channel, thread_key)


def _joined_ticket(channel: str, thread_key: str) -> ContinuedRef | None:
	"""The ticket of the thread's latest filed message, when that ticket belongs to another thread."""
	tickets = get_adapter()
	rows = frappe.db.sql(
		f"""select m.reference_name, i.`{tickets.field("thread_key")}` from `tabSocial Message` m
		join `{tickets.table}` i on i.name = m.reference_name
		where m.channel = %(channel)s and m.thread_key = %(thread)s and m.reference_doctype = %(doctype)s
		order by m.posted_on desc, m.creation desc limit 1""",
		{"channel": channel, "thread": thread_key, "doctype": tickets.doctype},
	)
	if not rows or rows[0][1] == thread_key:
		return None
	ref = tickets.ref(rows[0][0])
	return ContinuedRef(ref.doctype, ref.name, ref.status, ref.closed, ref.closed_on) if ref else None


def _continuing(channel: str, thread_key: str, profile: str, private: bool, days: int):
	"""(ticket, since when it continues) of the customer's other part on this channel, or None.

	A private message: a public ticket moved to private within ``days``. A public message: a ticket
	moved to private within ``days`` (the customer writes publicly again), or an open private
	conversation with a customer message within ``days``.
	"""
	tickets = get_adapter()
	c = tickets.columns("i")
	since = add_days(now_datetime(), -days)
	moved = f"{c['moved_to_private_on']} >= %(since)s"
	if private:
		condition, anchor = moved, c["moved_to_private_on"]
	else:
		condition = (
			f"({moved} or ({c['conversation']} = 'Private' and {c['status']} in %(open)s"
			f" and {c['last_inbound_on']} >= %(since)s))"
		)
		anchor = f"coalesce({c['moved_to_private_on']}, {c['last_inbound_on']})"
	rows = frappe.db.sql(
		f"""select i.name, {anchor} as anchor from `{tickets.table}` i
		where {c["channel"]} = %(channel)s and {c["profile"]} = %(profile)s
			and {c["thread_key"]} != %(thread)s and {condition}
		order by anchor desc limit 1""",
		{
			"channel": channel,
			"profile": profile,
			"thread": thread_key,
			"since": since,
			"open": tickets.open_statuses,
		},
	)
	return (rows[0][0], rows[0][1]) if rows else None


def mark_crossing(ticket: str | None, ref, communication: str | None, private: bool) -> None:
	"""Label a message that joined from the other part of the conversation; say so once on the ticket."""
	if not ticket or not communication or not isinstance(ref, ContinuedRef) or ref.name != ticket:
		return
	label = _("Private message") if private else _("Public message")
	content = frappe.db.get_value("Communication", communication, "content") or ""
	frappe.db.set_value(
		"Communication",
		communication,
		"content",
		f'<p class="social-conversation-part"><strong>{escape_html(label)}</strong></p>{content}',
		update_modified=False,
	)
	note = (
		_("The conversation continues in private messages on this ticket.")
		if private
		else _("The conversation continues in public on this ticket.")
	)
	if not frappe.db.exists(
		"Comment", {"reference_doctype": get_adapter().doctype, "reference_name": ticket, "content": note}
	):
		get_adapter().add_comment(ticket, note)
