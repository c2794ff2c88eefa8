"""Social Inbound Event: every webhook delivery and poll page, stored raw before it is processed.

Workers drain a channel's queued events in one job (deduplicated per channel) so a burst
pays the job start-up cost once per batch, not once per message.
"""

from __future__ import annotations

import json
import time
import traceback

import frappe
from frappe.utils import add_to_date, cint, now_datetime

from social_support.platforms import get_family
from social_support.platforms.base import clean_text, redact_payload, redact_secrets

from .pipeline import DUPLICATE, NEW, SKIPPED, UPDATED, Context, process_item

QUEUED, PROCESSING, PROCESSED, FAILED, IGNORED = "Queued", "Processing", "Processed", "Failed", "Ignored"
DRAIN_BATCH = 200
DRAIN_TIME_BUDGET = 1200  # seconds; then the job ends and the scheduler's sweep queues the rest
MAX_ITEMS_PER_EVENT = 1000  # a delivery with more is cut; the rest would be a sign of abuse


def store_event(
	*,
	source: str,
	platform: str,
	payload: str,
	channel: str | None = None,
	stream: str | None = None,
	account_ids: list[str] | None = None,
	status: str = QUEUED,
	summary: str | None = None,
	known_secrets: list[str] | tuple[str, ...] = (),
) -> str:
	"""Store a delivery or poll page as it came, minus secrets: Graph ``paging.next`` links carry
	the Page token, and events are readable by Social Managers and kept in every backup.
	``known_secrets``: the channel's own credentials, redacted wherever they appear."""
	doc = frappe.get_doc(
		{
			"doctype": "Social Inbound Event",
			"source": source,
			"platform": platform,
			"channel": channel,
			"stream": stream,
			"payload": redact_payload(payload, known_secrets),
			"status": status,
			"received_on": now_datetime(),
			"attempts": 0,
			# ids and the summary come from the payload and live in fields the desk renders as HTML
			"account_ids": clean_text(", ".join(account_ids or []), single_line=True) or None,
			"summary": clean_text(redact_secrets(summary, known_secrets), single_line=True, limit=1000)
			or None,
		}
	)
	doc.flags.ignore_permissions = True
	doc.db_insert()
	return doc.name


def drain_job_id(channel: str) -> str:
	return f"social_support:drain:{channel}"


def enqueue_drain(channel: str) -> None:
	"""Queue (after commit) one job that processes every queued event of the channel."""
	frappe.enqueue(
		"social_support.ingest.events.drain",
		queue="short",
		timeout=DRAIN_TIME_BUDGET + 300,
		job_id=drain_job_id(channel),
		deduplicate=True,
		enqueue_after_commit=True,
		channel=channel,
	)


def drain(channel: str, limit: int | None = None) -> dict:
	"""Process queued events of a channel, oldest first, until none are left (or ``limit``)."""
	done = {"processed": 0, "failed": 0}
	started = time.monotonic()
	while time.monotonic() - started < DRAIN_TIME_BUDGET:
		names = frappe.get_all(
			"Social Inbound Event",
			filters={"channel": channel, "status": QUEUED},
			order_by="creation asc",
			limit=DRAIN_BATCH,
			pluck="name",
		)
		if not names:
			break
		for name in names:
			status = process_event(name)
			if status == PROCESSED:
				done["processed"] += 1
			elif status == FAILED:
				done["failed"] += 1
			if limit and done["processed"] + done["failed"] >= limit:
				return done
	return done


def claim(name: str) -> bool:
	"""Atomically move an event to Processing so no two workers process it at once."""
	frappe.db.sql(
		"""update `tabSocial Inbound Event` set status=%s, attempts=attempts+1, modified=%s
		where name=%s and status in (%s, %s)""",
		(PROCESSING, now_datetime(), name, QUEUED, FAILED),
	)
	claimed = frappe.db._cursor.rowcount == 1
	frappe.db.commit()
	return claimed


def process_event(name: str) -> str | None:
	"""Process one event; every item in its own savepoint, so one bad item never blocks the rest."""
	if not claim(name):
		return None
	event = frappe.db.get_value(
		"Social Inbound Event",
		name,
		["name", "source", "platform", "channel", "stream", "payload", "attempts"],
		as_dict=True,
	)
	counts = {NEW: 0, DUPLICATE: 0, UPDATED: 0, SKIPPED: 0}
	errors: list[str] = []
	try:
		items = parse_event(event)
		ctx = Context(
			event.channel, event.platform, event.name, frappe.get_cached_doc("Social Support Settings")
		)
		for i, item in enumerate(items[:MAX_ITEMS_PER_EVENT]):
			sp = f"social_item_{i}"
			frappe.db.savepoint(sp)
			try:
				counts[process_item(ctx, item)] += 1
			except Exception:
				frappe.db.rollback(save_point=sp)
				errors.append(f"item {item.external_id}:\n{traceback.format_exc()}")
		total = len(items)
	except Exception:
		frappe.db.rollback()
		errors.append(traceback.format_exc())
		total = 0
	status = FAILED if errors else PROCESSED
	summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v) or "no items"
	values = {
		"status": status,
		"processed_on": now_datetime(),
		"items_total": total,
		"items_new": counts[NEW],
		"summary": summary,
		"error": "\n\n".join(errors)[-60_000:] if errors else None,
		"next_attempt_on": _next_attempt(event.attempts) if errors else None,
	}
	frappe.db.set_value("Social Inbound Event", name, values, update_modified=False)
	frappe.db.commit()
	return status


def parse_event(event) -> list:
	if not event.channel:
		return []
	family = get_family(event.platform)
	account_id = frappe.db.get_value("Social Channel", event.channel, "account_id")
	payload = json.loads(event.payload)
	if event.source == "Poll":
		return family.parse_poll(event.stream, payload, account_id)
	return family.parse_webhook(payload, account_id)


def _next_attempt(attempts: int):
	settings = frappe.get_cached_doc("Social Support Settings")
	if cint(attempts) >= cint(settings.max_attempts or 5):
		return None
	minutes = cint(settings.retry_backoff_minutes or 2) * (2 ** max(cint(attempts) - 1, 0))
	return add_to_date(now_datetime(), minutes=minutes)


def retry(names: list[str]) -> int:
	"""Put Failed (or stuck) events back in the queue; their channels' drains are queued."""
	channels = set()
	count = 0
	for name in names:
		row = frappe.db.get_value("Social Inbound Event", name, ["status", "channel"], as_dict=True)
		if not row or row.status not in (FAILED, PROCESSING, IGNORED) or not row.channel:
			continue
		frappe.db.set_value(
			"Social Inbound Event", name, {"status": QUEUED, "next_attempt_on": None}, update_modified=False
		)
		channels.add(row.channel)
		count += 1
	for channel in channels:
		enqueue_drain(channel)
	return count


def retry_due() -> int:
	"""Scheduler: failed events whose backoff has passed go back to the queue."""
	names = frappe.get_all(
		"Social Inbound Event",
		filters={"status": FAILED, "next_attempt_on": ("<=", now_datetime())},
		pluck="name",
		limit=500,
	)
	return retry(names)


def requeue_stale() -> None:
	"""Scheduler: queue drains for events no worker picked up (lost enqueue, worker restart)."""
	cutoff = add_to_date(now_datetime(), seconds=-60)
	for channel in frappe.get_all(
		"Social Inbound Event",
		filters={"status": QUEUED, "creation": ("<", cutoff), "channel": ("is", "set")},
		pluck="channel",
		distinct=True,
	):
		enqueue_drain(channel)
	# a worker killed mid-event leaves it Processing; give it back after 15 minutes
	stuck = frappe.get_all(
		"Social Inbound Event",
		filters={"status": PROCESSING, "modified": ("<", add_to_date(now_datetime(), minutes=-15))},
		pluck="name",
		limit=500,
	)
	if stuck:
		retry(stuck)


def clear_old(days: int | None = None) -> int:
	days = cint(
		days if days is not None else frappe.get_cached_doc("Social Support Settings").event_retention_days
	)
	if days <= 0:
		return 0
	cutoff = add_to_date(now_datetime(), days=-days)
	names = frappe.get_all(
		"Social Inbound Event",
		filters={"status": ("in", (PROCESSED, IGNORED)), "creation": ("<", cutoff)},
		pluck="name",
	)
	if names:
		# Social Messages keep their event link as plain text history; clear it so nothing dangles
		frappe.db.set_value(
			"Social Message", {"inbound_event": ("in", names)}, "inbound_event", None, update_modified=False
		)
		frappe.db.delete("Social Inbound Event", {"name": ("in", names)})
	return len(names)
