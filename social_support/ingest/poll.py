"""Polling: one job per channel walks its streams, stores each page raw, processes it, then moves the cursor."""

from __future__ import annotations

import json
import time

import frappe
from frappe.utils import add_to_date, cint, get_datetime, now_datetime

from social_support.core import channels as ch
from social_support.core import usage
from social_support.platforms import make_client
from social_support.platforms.base import PlatformError, RateLimited

from .events import PROCESSED, process_event, store_event


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
	"""Poll every stream of a channel once. Returns counts per stream (also for the UI)."""
	doc = frappe.get_doc("Social Channel", channel)
	result = {"channel": channel, "streams": {}, "error": None}
	if not doc.enabled or doc.needs_reauthorization:
		result["error"] = "disabled" if not doc.enabled else "needs reauthorization"
		return result
	try:
		# a channel whose API host is no longer accepted is refused here, like any permanent error
		config = ch.channel_config(doc)
		client = client or make_client(config)
		for stream in client.streams():
			result["streams"][stream] = _poll_stream(doc, client, stream, list(config.credentials.values()))
			if result["streams"][stream].get("paused"):
				# the rate budget is spent: the channel stays paused until the reset
				return result
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
		frappe.db.commit()
		return result
	ch.record_success(channel)
	frappe.db.commit()
	return result


def _poll_stream(doc, client, stream: str, secrets: list[str]) -> dict:
	cursor = get_cursor(doc.name, stream)
	pages = items = 0
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
		frappe.db.commit()  # stored before processing: nothing is lost if processing dies
		status = process_event(event)
		items += cint(frappe.db.get_value("Social Inbound Event", event, "items_total"))
		if page.cursor is not None:
			# only after every page's items are committed (a Failed event retries from its raw copy)
			set_cursor(doc.name, stream, page.cursor, items)
			frappe.db.commit()
		if status != PROCESSED and status is not None:
			frappe.log_error(
				f"Social poll {doc.name}/{stream}: event {event} failed",
				reference_doctype="Social Inbound Event",
				reference_name=event,
			)
		if page.rate_limit and page.rate_limit.exhausted and page.rate_limit.reset_at:
			wait = max(page.rate_limit.reset_at - time.time(), 1)
			ch.record_error(
				doc.name,
				RateLimited("rate limit budget used up", retry_after=wait),
				backoff_seconds=wait,
				status="Rate Limited",
			)
			frappe.db.commit()
			return {"pages": pages, "items": items, "paused": True}
	return {"pages": pages, "items": items}
