"""Auto-acknowledgement: the first message of a new ticket gets an immediate answer from a template.

Never for spam, logged-only messages or echoes (only called for new tickets); respects the
platform windows (a new message opens them); at most once per thread per N hours; sent in
the conversation's own mode. It is not an agent's answer: no sent Communication (so the
first response time and the SLA still wait for a person), a comment on the ticket instead.
It goes out through the same gate as an agent's reply (``gate.submit``), pre-approved by policy.
"""

from __future__ import annotations

from datetime import time as dtime

import frappe
from frappe.utils import add_to_date, cint, get_time, now_datetime

from social_support.tickets import get_adapter

from . import gate
from .constants import ACKNOWLEDGEMENT
from .gate import ticket_context


def in_support_hours(channel, now=None) -> bool:
	now = now or now_datetime()
	start = get_time(channel.support_hours_start or dtime(0, 0))
	end = get_time(channel.support_hours_end or dtime(23, 59, 59))
	return start <= now.time() <= end if start <= end else (now.time() >= start or now.time() <= end)


def render(channel, first_name: str | None, now=None) -> str:
	template = (
		channel.ack_template
		if in_support_hours(channel, now)
		else (channel.ack_out_of_hours_template or channel.ack_template)
	)
	hours = f"{str(channel.support_hours_start or '')[:5]}–{str(channel.support_hours_end or '')[:5]}"
	values = {
		"first_name": first_name or "",
		"wait": channel.expected_wait or "",
		"hours": hours,
		"opens": str(channel.support_hours_start or "")[:5],
	}
	text = template or ""
	for key, value in values.items():
		text = text.replace("{" + key + "}", value)
	return " ".join(text.replace(" !", "!").split())


def maybe_acknowledge(ticket: str, channel_name: str) -> str | None:
	"""The acknowledgement of a new ticket, through the gate: composed, checked (a template that is too
	long or carries personal data is Refused with the reason on the ticket), pre-approved, sent once."""
	channel = frappe.get_cached_doc("Social Channel", channel_name)
	if not cint(channel.auto_acknowledge) or not (channel.ack_template or "").strip():
		return None
	t = ticket_context(ticket)
	tickets = get_adapter()
	since = add_to_date(now_datetime(), hours=-(cint(channel.ack_every_hours) or 24))
	recent = frappe.db.sql(
		f"""select r.name from `tabSocial Reply` r join `{tickets.table}` i on i.name = r.reference_name
		where r.purpose=%s and i.`{tickets.field("channel")}`=%s
			and i.`{tickets.field("thread_key")}`=%s and r.creation > %s limit 1""",
		(ACKNOWLEDGEMENT, channel_name, t.thread_key, since),
	)
	if recent:
		return None
	try:
		route = gate.ticket_route(ticket)
	except frappe.ValidationError:
		frappe.clear_messages()
		return None  # window closed: an acknowledgement is never worth an error
	first = (frappe.db.get_value("Social Message", route.in_reply_to, "author_name") or "").split(" ")[0]
	r = gate.submit(ACKNOWLEDGEMENT, render(channel, first), route=route, once_key=gate.once("ack", ticket))
	return r["name"]
