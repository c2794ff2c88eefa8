"""Single figures for number cards, the wallboard and the digest (Frappe queries; the arithmetic is in analysis.metrics)."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from social_support.analysis.metrics import csat, median, rate
from social_support.tickets import get_adapter


def csat_since(days: int = 30) -> float | None:
	return _csat_answered_since(add_days(now_datetime(), -days))


def csat_today() -> float | None:
	return _csat_answered_since(get_datetime(getdate()))


def _csat_answered_since(since) -> float | None:
	ratings = frappe.get_all(
		"Social Survey",
		filters={"status": "Answered", "answered_on": (">=", since), "satisfaction": (">", 0)},
		pluck="satisfaction",
		limit_page_length=0,
	)
	return csat(ratings)


def survey_response_rate_since(days: int = 30) -> float | None:
	since = add_days(now_datetime(), -days)
	counts = dict(
		frappe.get_all(
			"Social Survey",
			filters={"sent_on": (">=", since), "status": ("in", ("Sent", "Answered", "Expired"))},
			fields=["status", "count(*) as n"],
			group_by="status",
			as_list=True,
		)
	)
	return rate(counts.get("Answered", 0), sum(counts.values()))


AGE_BUCKETS = (
	(15 * 60, "under 15 min"),
	(60 * 60, "15-60 min"),
	(4 * 3600, "1-4 h"),
	(24 * 3600, "4-24 h"),
	(None, "over 24 h"),
)


def _social(tickets) -> dict:
	return {tickets.field("channel"): ("is", "set")}


def open_tickets() -> int:
	tickets = get_adapter()
	return frappe.db.count(
		tickets.doctype, {**_social(tickets), tickets.field("status"): ("in", tickets.open_statuses)}
	)


def waiting_for_first_response() -> int:
	"""Social tickets waiting for an agent that nobody has answered yet."""
	tickets = get_adapter()
	return frappe.db.count(
		tickets.doctype,
		{
			**_social(tickets),
			tickets.field("status"): tickets.waiting_status,
			tickets.field("first_responded_on"): ("is", "not set"),
		},
	)


def median_first_response_today_hours() -> float | None:
	tickets = get_adapter()
	responded = tickets.field("first_responded_on")
	rows = frappe.get_all(
		tickets.doctype,
		filters={**_social(tickets), responded: (">=", get_datetime(getdate()))},
		fields=[
			f"{tickets.field('opened_on')} as opened_on",
			f"{tickets.field('first_message_on')} as first_message_on",
			f"{responded} as responded_on",
		],
		limit_page_length=0,
	)
	# from the customer's first message, not from when the ticket was made
	value = median((r.responded_on - (r.first_message_on or r.opened_on)).total_seconds() for r in rows)
	return None if value is None else value / 3600.0


def pending_approval() -> int:
	return frappe.db.count("Social Reply", {"status": "Pending Approval"})


def channels_needing_reauthorization() -> int:
	return frappe.db.count("Social Channel", {"enabled": 1, "needs_reauthorization": 1})


def queue(now=None) -> dict:
	"""Tickets waiting for an agent (Open, social) by channel and age since the customer last wrote, and the median wait."""
	now = now or now_datetime()
	tickets = get_adapter()
	rows = frappe.get_all(
		tickets.doctype,
		filters={**_social(tickets), tickets.field("status"): tickets.waiting_status},
		fields=[
			f"{tickets.field('channel')} as channel",
			f"{tickets.field('opened_on')} as opened_on",
			f"{tickets.field('last_inbound_on')} as last_inbound_on",
		],
		limit_page_length=0,
	)
	channels: dict = {}
	waits = []
	for r in rows:
		wait = (now - (r.last_inbound_on or r.opened_on)).total_seconds()
		waits.append(max(wait, 0))
		bucket = next(label for limit, label in AGE_BUCKETS if limit is None or wait < limit)
		c = channels.setdefault(
			r.channel,
			{"channel": r.channel, "total": 0, **{label: 0 for _l, label in AGE_BUCKETS}},
		)
		c["total"] += 1
		c[bucket] += 1
	med = median(waits)
	return {
		"buckets": [label for _l, label in AGE_BUCKETS],
		"channels": sorted(channels.values(), key=lambda c: -c["total"]),
		"waiting": len(rows),
		"median_wait_minutes": None if med is None else round(med / 60.0, 1),
		"oldest_wait_minutes": round(max(waits) / 60.0, 1) if waits else None,
	}
