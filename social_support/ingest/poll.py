"""Polling: one job per channel walks its streams, stores each page raw with the cursor past it, then
drains the pages (with the other workers when there are many)."""

from __future__ import annotations

import json
import time

import frappe
from frappe.utils import add_to_date, cint, get_datetime, now_datetime

from social_support.core import channels as ch
from social_support.core import usage
from social_support.platforms import make_client
from social_support.platforms.base import PlatformError, RateLimited

from .events import FAILED, drain, store_event


def poll_job_id(channel: str) -> str:
	return f"social_support:poll:{channel}"


def enqueue_poll(channel: str) -> None:
	frappe.enqueue(
		"social_support.ingest.poll.poll_channel",
		queue="default",
		job_id=poll_job_id(channel),
		deduplicate=True,
		channel=channel,
	)


def due_channels(now=None) -> list[str]:
	now = now or now_datetime()
	due = []
	for c in frappe.get_all(
		"Social Channel",
		filters={"enabled": 1, "poll_interval_minutes": (">", 0), "needs_reauthorization": 0},
		fields=["name", "poll_interval_minutes", "last_polled_on", "backoff_until"],
	):
		if c.backoff_until and get_datetime(c.backoff_until) > now:
			continue
		# a little slack so a one-minute scheduler does not skip a beat on a one-minute interval
		if (
			c.last_polled_on
			and add_to_date(get_datetime(c.last_polled_on), seconds=c.poll_interval_minutes * 60 - 15) > now
		):
			continue
		due.append(c.name)
	return due


def get_cursor(channel: str, stream: str) -> str | None:
	return frappe.db.get_value("Social Poll Cursor", {"channel": channel, "stream": stream}, "cursor")


def set_cursor(channel: str, stream: str, cursor: str | None, items: int) -> None:
	name = frappe.db.get_value("Social Poll Cursor", {"channel": channel, "stream": stream})
	values = {"cursor": cursor, "last_polled_on": now_datetime(), "items_last_poll": items}
	if name:
		frappe.db.set_value("Social Poll Cursor", name, values, update_modified=False)
	else:
		doc = frappe.get_doc(
			{"doctype": "Social Poll Cursor", "channel": channel, "stream": stream, **values}
		)
		doc.insert(ignore_permissions=True)


def poll_channel(channel: str, client=None) -> dict:
	"""Poll every stream of a channel once, then process what came. Returns counts per stream (also
	for the UI). Each page is stored raw and committed before the cursor moves past it; the pages
	are processed by the channel's drain (this job's, joined by the other workers' when there are
	many pages), so a large poll uses every worker like a burst of webhooks does."""
	doc = frappe.get_doc("Social Channel", channel)
	result = {"channel": channel, "streams": {}, "error": None}
	if not doc.enabled or doc.needs_reauthorization:
		result["error"] = "disabled" if not doc.enabled else "needs reauthorization"
		return result
	stored: dict[str, list[str]] = {}
	paused = False
	try:
		# a channel whose API host is no longer accepted is refused here, like any permanent error
		config = ch.channel_config(doc)
		client = client or make_client(config)
		for stream in client.streams():
			stored[stream] = []
			result["streams"][stream] = _poll_stream(
				doc, client, stream, list(config.credentials.values()), stored[stream]
			)
			if result["streams"][stream].get("paused"):
				# the rate budget is spent: the channel stays paused until the reset
				paused = True
				break
	except PlatformError as e:
		frappe.db.rollback()
		result["error"] = str(e)
		if e.needs_reauth:
			ch.mark_needs_reauthorization(channel, e)
		elif isinstance(e, RateLimited):
			ch.record_error(channel, e, backoff_seconds=e.retry_after or 60, status="Rate Limited")
		else:
			# transient or permanent: keep polling at the interval, with a short pause
			ch.record_error(channel, e, backoff_seconds=60)
	else:
		if not paused:
			ch.record_success(channel)
	frappe.db.commit()
	_process_pages(channel, stored, result)
	return result


def _poll_stream(doc, client, stream: str, secrets: list[str], stored: list[str]) -> dict:
	cursor = get_cursor(doc.name, stream)
	pages = 0
	for page in client.poll(stream, cursor):
		pages += 1
		usage.record_client(doc.name, client)  # what the page cost, committed with the page
		event = store_event(
			source="Poll",
			platform=doc.platform,
			channel=doc.name,
			stream=stream,
			payload=json.dumps(page.raw, ensure_ascii=False),
			# paging links carry the token; the page is stored without it
			known_secrets=secrets,
		)
		stored.append(event)
		if page.cursor is not None:
			# the page is committed with the cursor that passes it: nothing is lost if processing dies
			# (a Failed event retries from its raw copy)
			set_cursor(doc.name, stream, page.cursor, 0)
		frappe.db.commit()
		if page.rate_limit and page.rate_limit.exhausted and page.rate_limit.reset_at:
			wait = max(page.rate_limit.reset_at - time.time(), 1)
			ch.record_error(
				doc.name,
				RateLimited("rate limit budget used up", retry_after=wait),
				backoff_seconds=wait,
				status="Rate Limited",
			)
			frappe.db.commit()
			return {"pages": pages, "items": 0, "paused": True}
	return {"pages": pages, "items": 0}


def _process_pages(channel: str, stored: dict[str, list[str]], result: dict) -> None:
	"""Drain the stored pages (with the channel's other queued events), then count and report them."""
	if not any(stored.values()):
		return
	drain(channel)
	for stream, names in stored.items():
		if not names:
			continue
		rows = frappe.get_all(
			"Social Inbound Event",
			filters={"name": ("in", names)},
			fields=["name", "status", "items_total"],
		)
		items = sum(cint(r.items_total) for r in rows)
		# a stream cut short by an error has no counts yet: its stored pages are processed all the same
		result["streams"].setdefault(stream, {"pages": len(names)})["items"] = items
		frappe.db.set_value(
			"Social Poll Cursor",
			{"channel": channel, "stream": stream},
			"items_last_poll",
			items,
			update_modified=False,
		)
		for r in rows:
			if r.status == FAILED:
				frappe.log_error(
					f"Social poll {channel}/{stream}: event {r.name} failed",
					reference_doctype="Social Inbound Event",
					reference_name=r.name,
				)
	frappe.db.commit()
