"""The suite removes what it creates: test channels with everything that hangs off them, and test users."""

import frappe

from social_support.platforms.base import public_thread_key

from .utils import (
	META_SECRET,
	SocialTestCase,
	comment,
	deliver_meta,
	ensure_user,
	issue_for,
	leftover_test_records,
	make_channel,
	purge_records,
	remove_test_records,
	uid,
	work,
)


class TestSuiteCleanup(SocialTestCase):
	def test_test_records_go_and_other_records_stay(self):
		page, post, who = uid(), uid(), uid()
		channel = make_channel("Facebook", page, name="Cleanup FB " + uid()).name
		self.assertTrue(channel.startswith("Test "))
		deliver_meta(comment(page, post, who, "my parcel never came"))
		work(channel)
		issue = issue_for(channel, public_thread_key(post, who))
		profile = frappe.get_doc("Social Profile", f"Facebook-{who}")
		user = "cleanup.social@example.com"
		ensure_user(user, ["Social Agent"])
		self.assertTrue(frappe.db.exists("Contact", {"email_id": user}))  # Frappe gives each user a contact
		# a channel of the site's own, with a message from someone the tests also met
		other_page = uid()
		kept = frappe.get_doc(
			{
				"doctype": "Social Channel",
				"channel_name": "Kept Page " + uid(),
				"platform": "Facebook",
				"enabled": 1,
				"account_id": other_page,
				"use_webhooks": 1,
				"poll_interval_minutes": 0,
				"app_secret": META_SECRET,
				"verify_token": "verify-me",
				"access_token": "page-token",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(self._remove_kept, kept.name, profile.name)
		deliver_meta(comment(other_page, uid(), who, "and a second question"))
		work(kept.name)
		kept_messages = frappe.get_all("Social Message", filters={"channel": kept.name}, pluck="name")
		self.assertEqual(len(kept_messages), 1)
		self.assertTrue(leftover_test_records())

		remove_test_records()

		self.assertEqual(leftover_test_records(), {})
		self.assertFalse(frappe.db.exists("Social Channel", channel))
		self.assertFalse(frappe.db.exists("Issue", issue.name))
		self.assertFalse(frappe.db.exists("Communication", {"reference_name": issue.name}))
		self.assertFalse(frappe.db.exists("Social Inbound Event", {"channel": channel}))
		self.assertFalse(frappe.db.exists("User", user))
		self.assertFalse(frappe.db.exists("Contact", {"email_id": user}))
		# the profile is also known from the kept channel: it stays, and so does its contact
		self.assertTrue(frappe.db.exists("Social Profile", profile.name))
		self.assertTrue(frappe.db.exists("Contact", profile.contact))
		self.assertEqual(
			frappe.get_all("Social Message", filters={"channel": kept.name}, pluck="name"), kept_messages
		)

	def _remove_kept(self, channel, profile):
		contact = frappe.db.get_value("Social Profile", profile, "contact")
		purge_records("Issue", frappe.get_all("Issue", filters={"social_channel": channel}, pluck="name"))
		for doctype in ("Social Message", "Social Inbound Event"):
			purge_records(doctype, frappe.get_all(doctype, filters={"channel": channel}, pluck="name"))
		purge_records("Social Profile", [profile])
		purge_records("Contact", [contact])
		frappe.delete_doc(
			"Social Channel", channel, force=True, ignore_permissions=True, delete_permanently=True
		)
		frappe.db.commit()
