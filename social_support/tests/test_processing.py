"""Processing rules: failures and retries, reopening, contacts, isolation of bad items."""

from unittest.mock import patch

import frappe
from frappe.utils import add_days, now_datetime

from social_support.ingest import events
from social_support.platforms.base import public_thread_key
from social_support.tickets.erpnext_issue import resolved_on_field

from .utils import (
	SocialTestCase,
	comment,
	communications,
	deliver_meta,
	events_of,
	issue_for,
	make_channel,
	remove_record,
	uid,
	work,
)


class TestProcessing(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.page = uid()
		cls.fb = make_channel("Facebook", cls.page)

	def setUp(self):
		self.settings = frappe.get_single("Social Support Settings")
		self._saved = self.settings.as_dict()

	def tearDown(self):
		frappe.db.set_single_value(
			"Social Support Settings",
			{
				"default_priority": self._saved.default_priority,
				"reopen_within_days": self._saved.reopen_within_days,
			},
		)
		frappe.db.commit()

	def test_failure_is_recorded_and_retry_succeeds(self):
		# a real failure: the default priority points at a priority that does not exist (yet)
		priority = "Zz Missing " + uid()
		frappe.db.set_single_value("Social Support Settings", "default_priority", priority)
		frappe.db.commit()
		post, who = uid(), uid()
		deliver_meta(comment(self.page, post, who, "nobody answers the phone"))
		work(self.fb.name)
		failed = [e for e in events_of(self.fb.name, status="Failed")]
		self.assertEqual(len(failed), 1)
		self.assertIn("Could not find Priority", failed[0].error)
		self.assertIsNone(issue_for(self.fb.name, public_thread_key(post, who)))
		# nothing half-done: the message claim was rolled back with the failed item
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.fb.name, "author_id": who}), 0)

		frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(self.remove_priority, priority)
		frappe.db.value_cache.clear()  # a worker starts every job on a fresh connection
		self.assertEqual(events.retry([failed[0].name]), 1)
		work(self.fb.name)
		self.assertEqual(frappe.db.get_value("Social Inbound Event", failed[0].name, "status"), "Processed")
		issue = issue_for(self.fb.name, public_thread_key(post, who))
		self.assertEqual(issue.priority, priority)

	def remove_priority(self, priority):
		frappe.delete_doc(
			"Issue Priority", priority, force=True, ignore_permissions=True, delete_permanently=True
		)
		frappe.db.commit()

	def test_one_bad_item_does_not_block_the_rest(self):
		post, good, bad = uid(), uid(), uid()
		payload = comment(self.page, post, good, "first")
		payload["entry"][0]["changes"].append(
			comment(self.page, post, bad, "second")["entry"][0]["changes"][0]
		)
		from social_support.ingest import pipeline

		real = pipeline.ensure_profile

		def flaky(platform, author, settings):
			if author.user_id == bad:
				raise RuntimeError("profile service exploded")
			return real(platform, author, settings)

		deliver_meta(payload)
		with patch.object(pipeline, "ensure_profile", flaky):
			work(self.fb.name)
		self.assertIsNotNone(issue_for(self.fb.name, public_thread_key(post, good)))
		self.assertIsNone(issue_for(self.fb.name, public_thread_key(post, bad)))
		ev = frappe.get_all(
			"Social Inbound Event",
			filters={"channel": self.fb.name, "error": ("like", "%exploded%")},
			fields=["name", "status", "items_new"],
		)
		self.assertEqual((ev[0].status, ev[0].items_new), ("Failed", 1))
		# the retry processes only what is missing: the good item is a duplicate now
		events.retry([ev[0].name])
		work(self.fb.name)
		self.assertIsNotNone(issue_for(self.fb.name, public_thread_key(post, bad)))
		self.assertEqual(frappe.db.count("Issue", {"social_thread_key": public_thread_key(post, good)}), 1)

	def test_reopen_within_window_else_new_ticket(self):
		frappe.db.set_single_value("Social Support Settings", "reopen_within_days", 7)
		frappe.db.commit()
		post, who = uid(), uid()
		key = public_thread_key(post, who)
		deliver_meta(comment(self.page, post, who, "broken zipper"))
		work(self.fb.name)
		first = issue_for(self.fb.name, key)
		frappe.db.set_value("Issue", first.name, {"status": "Closed", resolved_on_field(): now_datetime()})
		frappe.db.commit()

		deliver_meta(comment(self.page, post, who, "still broken"))
		work(self.fb.name)
		self.assertEqual(frappe.db.get_value("Issue", first.name, "status"), "Open")
		self.assertEqual(len(communications(first.name)), 2)

		frappe.db.set_value(
			"Issue", first.name, {"status": "Closed", resolved_on_field(): add_days(now_datetime(), -30)}
		)
		frappe.db.commit()
		deliver_meta(comment(self.page, post, who, "again?!"))
		work(self.fb.name)
		latest = issue_for(self.fb.name, key)
		self.assertNotEqual(latest.name, first.name)
		self.assertEqual(frappe.db.get_value("Issue", first.name, "status"), "Closed")

	def test_contact_found_by_profile_and_relink(self):
		who = uid()
		deliver_meta(comment(self.page, uid(), who, "one"))
		deliver_meta(comment(self.page, uid(), who, "two"))
		work(self.fb.name)
		profile = frappe.get_doc("Social Profile", f"Facebook-{who}")
		issues = frappe.get_all(
			"Issue", filters={"social_profile": profile.name}, fields=["contact", "raised_by"]
		)
		self.assertEqual(len(issues), 2)
		self.assertEqual({i.contact for i in issues}, {profile.contact})
		self.assertEqual(frappe.db.count("Contact", {"name": profile.contact}), 1)

		# an admin links the profile to a known customer's contact: later messages follow
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": "Relink Co " + uid(), "customer_type": "Company"}
		).insert(ignore_permissions=True, ignore_mandatory=True)
		email = f"carla.{who}@example.com"
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Carla",
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer.name}],
			}
		).insert(ignore_permissions=True)
		self.addCleanup(remove_record, "Contact", profile.contact)  # its tickets follow the new contact
		profile.contact = contact.name
		profile.save(ignore_permissions=True)
		frappe.db.commit()
		post = uid()
		deliver_meta(comment(self.page, post, who, "three"))
		work(self.fb.name)
		issue = issue_for(self.fb.name, public_thread_key(post, who))
		self.assertEqual(
			(issue.contact, issue.customer, issue.raised_by), (contact.name, customer.name, email)
		)


class TestEmailGuard(SocialTestCase):
	def test_placeholder_addresses_are_never_mailed(self):
		from frappe.email.doctype.email_queue.email_queue import EmailQueue

		# the same insert every mail takes (frappe.sendmail -> QueueBuilder -> EmailQueue.new)
		only_placeholder = EmailQueue.new(
			{"sender": "support@example.com", "message": "hello", "recipients": ["x-123@social.invalid"]},
			ignore_permissions=True,
		)
		self.assertEqual(only_placeholder.status, "Error")
		self.assertEqual(only_placeholder.recipients, [])
		self.assertFalse(only_placeholder.can_send_now())

		mixed = EmailQueue.new(
			{
				"sender": "support@example.com",
				"message": "hi",
				"recipients": ["x-124@social.invalid", "real@example.com"],
			},
			ignore_permissions=True,
		)
		self.assertEqual([r.recipient for r in mixed.recipients], ["real@example.com"])
		self.assertEqual(mixed.status, "Not Sent")
