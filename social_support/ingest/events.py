"""Social Inbound Event: every webhook delivery and poll page, stored raw before it is processed.

Workers drain a channel's queued events in long jobs (deduplicated per channel and slot) so a
burst pays the job start-up cost once per batch, not once per message; a deep backlog on one
channel is drained by as many jobs at once as there are workers.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from contextlib import contextmanager

import frappe
from frappe.utils import add_to_date, cint, now_datetime

from social_support.core.rows import update_row
from social_support.platforms import get_family
from social_support.platforms.base import DeliveryStatus, clean_text, redact_payload, redact_secrets
from social_support.platforms.hosts import sandbox_origin

from .pipeline import DUPLICATE, NEW, SKIPPED, UPDATED, Context, process_item

QUEUED, PROCESSING, PROCESSED, FAILED, IGNORED = "Queued", "Processing", "Processed", "Failed", "Ignored"
DRAIN_QUEUE = "short"  # the default; site config ``social_support_drain_queue`` names another
CLAIM_BATCH = 4  # events one drain claims at a time: small, so parallel drains share a burst evenly
LOCK_WAIT_SECONDS = 60
CLAIM_ATTEMPTS = 5
ITEM_ATTEMPTS = 3
DRAIN_WANTED_SECONDS = 300  # a wanted-drain mark outlives a lost job by this much at most (then the sweep)
_SKIP_LOCKED = " skip locked"
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


def drain_job_id(channel: str, slot: int = 0) -> str:
	return f"social_support:drain:{channel}" + (f":{slot}" if slot else "")


def enqueue_drain(channel: str, slot: int = 0, force: bool = False) -> None:
	"""Ask (after commit) for a job that processes the channel's queued events.

	Slot 0 is what every delivery asks for. It costs one Redis ``SET NX`` when a drain is already
	wanted: the key stays set while a drain is working and is removed by a drain right before its
	last, empty claim, so an event committed before the key was seen is always claimed by that drain,
	and one committed later finds the key gone and queues a new drain (nothing waits for the sweep).
	Slots 1.. are called in by slot 0 for a deep backlog (one job id per slot, deduplicated).
	``force``: queue a drain even when one is wanted (the scheduler's sweep)."""
	if slot:
		frappe.enqueue(
			"social_support.ingest.events.drain",
			queue=drain_queue(),
			timeout=DRAIN_TIME_BUDGET + 300,
			job_id=drain_job_id(channel, slot),
			deduplicate=True,
			enqueue_after_commit=True,
			channel=channel,
			slot=slot,
		)
		return
	frappe.db.after_commit.add(lambda: _request_drain(channel, force))


def _wanted_key(channel: str) -> str:
	return frappe.cache.make_key(f"social_support:drain-wanted:{channel}")


def _request_drain(channel: str, force: bool = False):
	"""The queued job, or None when a drain is already wanted."""
	if not frappe.cache.set(_wanted_key(channel), "1", ex=DRAIN_WANTED_SECONDS, nx=True) and not force:
		return None  # a drain is queued or working and will claim again before it stops
	return frappe.enqueue(
		"social_support.ingest.events.drain",
		queue=drain_queue(),
		timeout=DRAIN_TIME_BUDGET + 300,
		channel=channel,
		slot=0,
	)


def drain_queue() -> str:
	"""The queue the drains run on: ``short``, or a queue of its own (site config
	``social_support_drain_queue``, declared under ``workers`` in common_site_config.json) so that
	ingest has workers that nothing else can keep busy, and nothing else waits behind a burst."""
	return frappe.conf.get("social_support_drain_queue") or DRAIN_QUEUE


def parallel_drains() -> int:
	"""How many jobs may drain one channel at once: the setting, else one per worker on the queue."""
	configured = cint(frappe.get_cached_doc("Social Support Settings").parallel_drains_per_channel)
	if configured > 0:
		return configured
	try:
		from frappe.utils.background_jobs import generate_qname, get_workers

		queue = generate_qname(drain_queue())
		return max(1, sum(1 for w in get_workers() if queue in w.queue_names()))
	except Exception:
		# no Redis (a console, a test): one drain is always right
		return 1


def fan_out(channel: str) -> int:
	"""Call in the other slots when more events wait than one claim takes; returns the slots asked for."""
	slots = parallel_drains()
	if slots < 2:
		return 0
	backlog = frappe.db.sql(
		"""select count(*) from (select name from `tabSocial Inbound Event`
		where channel=%s and status=%s limit %s) t""",
		(channel, QUEUED, CLAIM_BATCH * slots),
	)[0][0]
	wanted = min(slots - 1, max(backlog - 1, 0) // CLAIM_BATCH)
	for slot in range(1, wanted + 1):
		enqueue_drain(channel, slot)
	frappe.db.commit()  # the enqueues run after commit
	return wanted


def drain(channel: str, limit: int | None = None, slot: int = 0) -> dict:
	"""Process queued events of a channel, oldest first, until none are left (or ``limit``).

	Several drains may run on one channel at once (one per slot): each claims a few events at a time
	with ``SKIP LOCKED``, so no event is processed twice and no worker waits for another's claim; the
	items of one customer are serialized by :func:`conversation_lock`."""
	done = {"processed": 0, "failed": 0}
	with read_committed():
		if slot == 0:
			fan_out(channel)
		_drain(channel, limit, done)
	return done


@contextmanager
def read_committed():
	"""Drains read and claim under READ COMMITTED: a claim's ``FOR UPDATE SKIP LOCKED`` then locks
	only the rows it takes (no gap locks two claimers could deadlock on), and every item reads what
	was committed before it, such as the ticket another worker just opened for the conversation.
	The session's own level is restored afterwards."""
	if frappe.db.db_type != "mariadb":
		yield
		return
	before = frappe.db.sql("select @@session.tx_isolation")[0][0]
	frappe.db.commit()
	frappe.db.sql("set session transaction isolation level read committed")
	frappe.db.commit()  # the next transaction starts under the new level
	try:
		yield
	finally:
		frappe.db.rollback()
		level = before.replace("-", " ").lower()
		if level not in ("read uncommitted", "read committed", "repeatable read", "serializable"):
			level = "repeatable read"
		frappe.db.sql(f"set session transaction isolation level {level}")
		frappe.db.rollback()


def _drain(channel: str, limit: int | None, done: dict) -> None:
	started = time.monotonic()
	while True:
		if time.monotonic() - started > DRAIN_TIME_BUDGET:
			_request_drain(channel, force=True)  # the rest in a fresh job
			break
		names = claim_batch(channel, CLAIM_BATCH)
		if not names:
			# about to stop: whoever commits an event from now on queues a new drain; one committed
			# before this line is seen by the last claim below
			frappe.cache.delete(_wanted_key(channel))
			names = claim_batch(channel, CLAIM_BATCH)
			if not names:
				break
		for i, name in enumerate(names):
			if limit and done["processed"] + done["failed"] >= limit:
				release(names[i:])
				return
			status = process_claimed(name)
			if status == PROCESSED:
				done["processed"] += 1
			elif status == FAILED:
				done["failed"] += 1


def claim_batch(channel: str, size: int) -> list[str]:
	"""Move up to ``size`` of the channel's oldest queued events to Processing, skipping rows another
	drain is claiming at this moment; committed before they are processed. A claim that the database
	picks as a deadlock victim has taken nothing: it is simply made again."""
	return _again_on_deadlock(CLAIM_ATTEMPTS, _claim_batch, channel, size)


def _again_on_deadlock(attempts: int, fn, *args):
	"""``fn(*args)``, run again (after a short pause) when the database picks its transaction as a
	deadlock victim: it was rolled back whole, so nothing of the failed run is kept."""
	for attempt in range(attempts):
		try:
			return fn(*args)
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(0.05 * (attempt + 1))


def _claim_batch(channel: str, size: int) -> list[str]:
	names = [
		r[0]
		for r in frappe.db.sql(
			f"""select name from `tabSocial Inbound Event`
			where channel=%s and status=%s order by creation limit %s for update{_SKIP_LOCKED}""",
			(channel, QUEUED, size),
		)
	]
	if names:
		frappe.db.sql(
			"""update `tabSocial Inbound Event` set status=%s, attempts=attempts+1, modified=%s
			where name in %s""",
			(PROCESSING, now_datetime(), tuple(names)),
		)
	frappe.db.commit()
	return names


def release(names: list[str]) -> None:
	"""Give claimed but unprocessed events back to the queue (their attempt is not counted)."""
	if names:
		frappe.db.sql(
			"""update `tabSocial Inbound Event` set status=%s, attempts=greatest(attempts-1, 0)
			where name in %s and status=%s""",
			(QUEUED, tuple(names), PROCESSING),
		)
		frappe.db.commit()


def claim(name: str) -> bool:
	"""Atomically move one event to Processing so no two workers process it at once."""
	frappe.db.sql(
		"""update `tabSocial Inbound Event` set status=%s, attempts=attempts+1, modified=%s
		where name=%s and status in (%s, %s)""",
		(PROCESSING, now_datetime(), name, QUEUED, FAILED),
	)
	claimed = frappe.db._cursor.rowcount == 1
	frappe.db.commit()
	return claimed


def process_event(name: str) -> str | None:
	"""Claim and process one event (polls, retries); None when another worker has it."""
	if not claim(name):
		return None
	return process_claimed(name)


def process_claimed(name: str) -> str:
	"""Process one claimed event. Every item is its own transaction, taken under the lock of its
	customer's conversations, so one bad item never blocks the rest and two workers never open two
	tickets for one conversation. The event's result is committed with its last item."""
	rows = frappe.db.sql(
		"""select name, source, platform, channel, stream, payload, attempts
		from `tabSocial Inbound Event` where name=%s""",
		(name,),
		as_dict=True,
	)
	event = rows[0]
	outcome = {"counts": {NEW: 0, DUPLICATE: 0, UPDATED: 0, SKIPPED: 0}, "errors": [], "total": 0}
	finished = False
	try:
		items = parse_event(event)[:MAX_ITEMS_PER_EVENT]
		outcome["total"] = len(items)
		ctx = Context(
			event.channel,
			event.platform,
			event.name,
			frappe.get_cached_doc("Social Support Settings"),
			sandbox_origin(frappe.get_cached_value("Social Channel", event.channel, "api_base_url"))
			if event.channel
			else None,
		)
		for i, item in enumerate(items):
			last = i == len(items) - 1
			with conversation_lock(event.channel, conversation_partner(item)):
				# nothing is written yet; end the read snapshot taken before the lock was granted, so
				# this item sees what the lock's previous holder committed (its ticket, its profile)
				frappe.db.rollback()
				try:
					outcome["counts"][_process_item(ctx, item)] += 1
					if not last:
						frappe.db.commit()
				except Exception:
					frappe.db.rollback()
					outcome["errors"].append(f"item {item.external_id}:\n{traceback.format_exc()}")
				if last:
					status = _finish(event, outcome)
					finished = True
	except Exception:
		frappe.db.rollback()
		outcome["errors"].append(traceback.format_exc())
	if not finished:
		status = _finish(event, outcome)
	return status


def _process_item(ctx, item) -> str:
	"""One item; a deadlock victim is processed again at once, a few times, before the event fails."""
	if isinstance(item, DeliveryStatus):
		# what became of a message we sent (WhatsApp): on the message, its reply and the ticket
		from . import whatsapp

		outcome = _again_on_deadlock(ITEM_ATTEMPTS, lambda: whatsapp.apply_status(ctx.channel, item))
		return {"updated": UPDATED, "duplicate": DUPLICATE}.get(outcome, SKIPPED)
	return _again_on_deadlock(ITEM_ATTEMPTS, lambda: process_item(ctx, item))


def _finish(event, outcome: dict) -> str:
	"""Write the event's result and commit (with the last item's work when there is one)."""
	counts, errors = outcome["counts"], outcome["errors"]
	status = FAILED if errors else PROCESSED
	values = {
		"status": status,
		"processed_on": now_datetime(),
		"items_total": outcome["total"],
		"items_new": counts[NEW],
		"summary": ", ".join(f"{v} {k}" for k, v in counts.items() if v) or "no items",
		"error": "\n\n".join(errors)[-60_000:] if errors else None,
		"next_attempt_on": _next_attempt(event.attempts) if errors else None,
	}
	update_row("Social Inbound Event", event.name, values)
	frappe.db.commit()
	return status


def conversation_partner(item) -> str:
	"""The customer whose conversations an item belongs to: every thread key ends with it."""
	return (item.thread_key or "").rsplit(":", 1)[-1] or item.author.user_id or item.external_id


@contextmanager
def conversation_lock(channel: str, partner: str, timeout: int = LOCK_WAIT_SECONDS):
	"""A database lock per (channel, customer), held until the item's transaction is committed: two
	messages of one customer processed by two workers at once are applied one after the other, so one
	conversation never opens two tickets and one customer never gets two profiles."""
	key = "ss-conv-" + hashlib.sha1(f"{channel}\n{partner}".encode()).hexdigest()[:40]
	if frappe.db.db_type == "postgres":
		lock_id = int(key[8:24], 16) - 2**63
		frappe.db.sql("select pg_advisory_lock(%s)", (lock_id,))
		try:
			yield
		finally:
			frappe.db.sql("select pg_advisory_unlock(%s)", (lock_id,))
		return
	got = frappe.db.sql("select get_lock(%s, %s)", (key, timeout))[0][0]
	if got != 1:
		raise frappe.QueryTimeoutError(f"conversation lock not free after {timeout} s")
	try:
		yield
	finally:
		frappe.db.sql("select release_lock(%s)", (key,))


def parse_event(event) -> list:
	if not event.channel:
		return []
	family = get_family(event.platform)
	account_id = frappe.db.sql("select account_id from `tabSocial Channel` where name=%s", (event.channel,))
	account_id = account_id[0][0] if account_id else None
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
		enqueue_drain(channel, force=True)
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
