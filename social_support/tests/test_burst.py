"""A burst on one account: several workers drain one channel at once, conversations stay whole and in order.

The drains run in real threads, each with its own database connection (as two workers would), against
events stored exactly as webhooks store them.
"""

import json
import threading
import time

import frappe
from frappe.utils.background_jobs import get_job

from social_support.ingest import events
from social_support.platforms.base import public_thread_key

from .utils import SocialTestCase, comment, make_channel, uid


def _store(channel: str, payload: dict) -> str:
	return events.store_event(
		source="Webhook", platform="Facebook", channel=channel, payload=json.dumps(payload)
	)


def _drain_in_threads(channel: str, slots=(1, 2)) -> list[dict]:
	"""Run one drain per slot at the same time, each on its own connection; their results."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	start = threading.Barrier(len(slots))
	results: list = [None] * len(slots)
	errors: list = []

	def run(i, slot):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		try:
			start.wait(timeout=30)
			results[i] = events.drain(channel, slot=slot)
		except Exception as e:  # reported to the test below
			errors.append(e)
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(slots)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=300)
	frappe.db.rollback()  # a fresh snapshot: see what the drains committed
	if errors:
		raise errors[0]
	return results


class TestBurst(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.page = uid()
		cls.fb = make_channel("Facebook", cls.page)

	def test_two_drains_one_channel_one_ticket_per_conversation(self):
		customers = [uid() for _ in range(4)]
		posts = {c: uid() for c in customers}
		per_customer = 6
		names = []
		for n in range(per_customer):
			# interleaved as a burst arrives: every new customer's messages follow each other closely
			for c in customers:
				names.append(_store(self.fb.name, comment(self.page, posts[c], c, f"message {n} from {c}")))
		frappe.db.commit()

		results = _drain_in_threads(self.fb.name)

		# both drains worked on the burst, and between them every event exactly once
		self.assertTrue(all(r["processed"] > 0 for r in results), results)
		self.assertEqual(sum(r["processed"] for r in results), len(names))
		self.assertEqual(sum(r["failed"] for r in results), 0)
		statuses = frappe.get_all(
			"Social Inbound Event", filters={"name": ("in", names)}, pluck="status", distinct=True
		)
		self.assertEqual(statuses, ["Processed"])
		for c in customers:
			thread = public_thread_key(posts[c], c)
			tickets = frappe.get_all("Issue", filters={"social_thread_key": thread}, pluck="name")
			self.assertEqual(len(tickets), 1, f"conversation {thread} on {tickets}")
			received = frappe.db.count(
				"Communication",
				{"reference_doctype": "Issue", "reference_name": tickets[0], "sent_or_received": "Received"},
			)
			self.assertEqual(received, per_customer)
			messages = frappe.get_all(
				"Social Message", filters={"channel": self.fb.name, "author_id": c}, fields=["reference_name"]
			)
			self.assertEqual(len(messages), per_customer)
			self.assertEqual({m.reference_name for m in messages}, {tickets[0]})
			# one profile and one contact per customer, not one per worker
			self.assertEqual(frappe.db.count("Social Profile", {"user_id": c}), 1)
			contact = frappe.db.get_value("Social Profile", {"user_id": c}, "contact")
			self.assertTrue(contact)
			self.assertEqual(frappe.db.count("Issue", {"social_thread_key": thread, "contact": contact}), 1)

	def test_redeliveries_in_parallel_are_one_message(self):
		post, who, cid = uid(), uid(), uid()
		payload = comment(self.page, post, who, "where is my parcel", cid=cid)
		names = [_store(self.fb.name, payload) for _ in range(8)]
		frappe.db.commit()
		_drain_in_threads(self.fb.name)
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.fb.name, "external_id": cid}), 1)
		self.assertEqual(frappe.db.count("Issue", {"social_thread_key": public_thread_key(post, who)}), 1)
		self.assertEqual(
			frappe.db.count("Social Inbound Event", {"name": ("in", names), "status": "Processed"}),
			len(names),
		)

	def _process_in_order(self, payloads):
		"""Store the events as they arrived, then apply them in the given order (as parallel drains may)."""
		names = [_store(self.fb.name, p) for p in payloads]
		frappe.db.commit()
		return names

	def test_delete_seen_before_its_message_keeps_it_deleted(self):
		post, who, cid = uid(), uid(), uid()
		create = comment(self.page, post, who, "my card was charged twice", cid=cid)
		delete = comment(self.page, post, who, "", cid=cid)
		delete["entry"][0]["changes"][0]["value"]["verb"] = "remove"
		first, second = self._process_in_order([create, delete])
		# the delete is applied first, then the message it deletes
		self.assertEqual(events.process_event(second), events.PROCESSED)
		self.assertEqual(events.process_event(first), events.PROCESSED)
		msg = frappe.get_all(
			"Social Message",
			filters={"channel": self.fb.name, "external_id": cid},
			fields=["status", "reference_name"],
		)
		self.assertEqual(len(msg), 1)
		self.assertEqual(msg[0].status, "Deleted")
		self.assertIsNone(msg[0].reference_name)
		self.assertEqual(frappe.db.count("Issue", {"social_thread_key": public_thread_key(post, who)}), 0)

	def test_edits_applied_out_of_order_end_with_the_newest_text(self):
		post, who, cid = uid(), uid(), uid()
		now = int(time.time())
		create = comment(self.page, post, who, "first words", cid=cid)
		create["entry"][0]["changes"][0]["value"]["created_time"] = now - 60
		older = comment(self.page, post, who, "second words", cid=cid)
		older["entry"][0]["changes"][0]["value"].update(verb="edited", created_time=now - 30)
		newer = comment(self.page, post, who, "final words", cid=cid)
		newer["entry"][0]["changes"][0]["value"].update(verb="edited", created_time=now)
		first, second, third = self._process_in_order([create, older, newer])
		# the newest edit arrives at a drain first, then the message, then the older edit
		for name in (third, first, second):
			self.assertEqual(events.process_event(name), events.PROCESSED)
		msg = frappe.get_all(
			"Social Message",
			filters={"channel": self.fb.name, "external_id": cid},
			fields=["text", "status", "reference_name", "communication"],
		)
		self.assertEqual(len(msg), 1)
		self.assertEqual(msg[0].text, "final words")
		self.assertEqual(msg[0].status, "Edited")
		self.assertTrue(msg[0].reference_name)
		self.assertIn("final words", frappe.db.get_value("Communication", msg[0].communication, "content"))

	def test_conversation_lock_is_exclusive_across_connections(self):
		site, sites_path = frappe.local.site, frappe.local.sites_path
		held, release = threading.Event(), threading.Event()

		def holder():
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				with events.conversation_lock(self.fb.name, "4242"):
					held.set()
					release.wait(timeout=30)
			finally:
				frappe.destroy()

		t = threading.Thread(target=holder)
		t.start()
		try:
			self.assertTrue(held.wait(timeout=30))
			with self.assertRaises(frappe.QueryTimeoutError):
				with events.conversation_lock(self.fb.name, "4242", timeout=1):
					pass
			# another customer of the same channel is not held up
			with events.conversation_lock(self.fb.name, "4343", timeout=1):
				pass
		finally:
			release.set()
			t.join(timeout=30)
		with events.conversation_lock(self.fb.name, "4242", timeout=5):
			pass

	def test_a_deep_backlog_calls_in_the_other_slots(self):
		frappe.db.set_single_value("Social Support Settings", "parallel_drains_per_channel", 3)
		frappe.db.commit()
		self.addCleanup(self._reset_slots)
		self.assertEqual(events.parallel_drains(), 3)
		page = uid()
		channel = make_channel("Facebook", page).name
		for _ in range(events.CLAIM_BATCH * 3):
			_store(channel, comment(page, uid(), uid(), "outage?"))
		frappe.db.commit()
		self.assertEqual(events.fan_out(channel), 2)
		for slot in (1, 2):
			job = get_job(events.drain_job_id(channel, slot))
			self.assertIsNotNone(job, f"slot {slot} not queued")
			self.assertEqual(job.kwargs["kwargs"]["slot"], slot)
			job.delete()
		# a short queue needs no help
		quiet = make_channel("Facebook", uid()).name
		_store(quiet, comment(page, uid(), uid(), "hello"))
		frappe.db.commit()
		self.assertEqual(events.fan_out(quiet), 0)

	def _reset_slots(self):
		frappe.db.set_single_value("Social Support Settings", "parallel_drains_per_channel", 0)
		frappe.db.commit()

	def test_a_ticket_committed_without_its_message_is_completed_on_retry(self):
		# the new ticket is committed before its communication (so parallel drains do not queue on the
		# ticket number); a worker that stops in between leaves the message linked without it
		from unittest.mock import patch

		from social_support.tickets.erpnext_issue import IssueAdapter

		post, who, cid = uid(), uid(), uid()
		name = _store(self.fb.name, comment(self.page, post, who, "the app crashes at checkout", cid=cid))
		frappe.db.commit()
		with patch.object(IssueAdapter, "add_message", side_effect=RuntimeError("worker stopped")):
			self.assertEqual(events.process_event(name), events.FAILED)
		ticket = frappe.db.get_value("Issue", {"social_thread_key": public_thread_key(post, who)}, "name")
		self.assertTrue(ticket)
		msg = frappe.db.get_value(
			"Social Message", {"external_id": cid}, ["reference_name", "communication"], as_dict=True
		)
		self.assertEqual((msg.reference_name, msg.communication), (ticket, None))

		self.assertEqual(events.process_event(name), events.PROCESSED)
		msg = frappe.db.get_value(
			"Social Message", {"external_id": cid}, ["reference_name", "communication"], as_dict=True
		)
		self.assertEqual(msg.reference_name, ticket)
		content = frappe.db.get_value("Communication", msg.communication, ["content", "reference_name"])
		self.assertIn("the app crashes at checkout", content[0])
		self.assertEqual(content[1], ticket)
		self.assertEqual(frappe.db.count("Issue", {"social_thread_key": public_thread_key(post, who)}), 1)

	def test_a_delivery_queues_a_drain_unless_one_will_still_claim(self):
		channel = make_channel("Facebook", uid()).name
		key = events._wanted_key(channel)
		frappe.cache.delete(key)
		job = events._request_drain(channel)
		self.assertIsNotNone(job)  # nothing wanted yet: a drain is queued
		self.addCleanup(job.delete)
		# while that drain is wanted (queued, or working), more deliveries cost one SET NX and queue nothing
		self.assertIsNone(events._request_drain(channel))
		self.assertIsNone(events._request_drain(channel))
		# a drain that finds nothing more clears the mark before its last claim: the next delivery,
		# committed after that claim, queues a new drain instead of waiting for the sweep
		events.drain(channel)
		self.assertFalse(frappe.cache.exists(key))
		again = events._request_drain(channel)
		self.assertIsNotNone(again)
		self.addCleanup(again.delete)
		# the sweep queues one even when a drain is wanted (a lost job)
		forced = events._request_drain(channel, force=True)
		self.assertIsNotNone(forced)
		self.addCleanup(forced.delete)
		frappe.cache.delete(key)

	def test_an_item_chosen_as_deadlock_victim_is_processed_again(self):
		from unittest.mock import patch

		from social_support.ingest import pipeline

		post, who, cid = uid(), uid(), uid()
		name = _store(self.fb.name, comment(self.page, post, who, "is the shop down?", cid=cid))
		frappe.db.commit()
		real = pipeline.process_item
		calls = {"n": 0}

		def victim_once(ctx, item):
			calls["n"] += 1
			if calls["n"] == 1:
				real(ctx, item)  # the work is done, then the database rolls it back
				raise frappe.QueryDeadlockError("1213 Deadlock found when trying to get lock")
			return real(ctx, item)

		with patch.object(events, "process_item", side_effect=victim_once):
			self.assertEqual(events.process_event(name), events.PROCESSED)
		self.assertEqual(calls["n"], 2)
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.fb.name, "external_id": cid}), 1)
		self.assertEqual(frappe.db.count("Issue", {"social_thread_key": public_thread_key(post, who)}), 1)
