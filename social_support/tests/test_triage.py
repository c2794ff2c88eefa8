"""Triage and listening: analysis on messages and Issues, rules, the Social Inbox, untargeted mentions, spikes."""

import time

import frappe
from frappe.utils import add_to_date, now_datetime

from social_support.api import inbox as inbox_api
from social_support.ingest import spikes
from social_support.ingest.poll import poll_channel
from social_support.platforms.base import public_thread_key
from social_support.sandbox.server import Sandbox

from .utils import SocialTestCase, comment, communications, deliver_meta, issue_for, make_channel, uid, work


def msg_of(channel, external_id):
	return frappe.get_doc("Social Message", {"message_key": f"{channel}:{external_id}"})


class TestTriage(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.page = uid()
		cls.fb = make_channel("Facebook", cls.page)

	def tearDown(self):
		frappe.db.delete("Social Triage Rule", {"rule_name": ("like", "Test %")})
		frappe.db.commit()

	def send(self, text, who=None, post=None):
		who, post, cid = who or uid(), post or uid(), uid()
		deliver_meta(comment(self.page, post, who, text, cid=cid))
		work(self.fb.name)
		return msg_of(self.fb.name, cid), issue_for(self.fb.name, public_thread_key(post, who))

	def test_default_rules_are_installed(self):
		names = frappe.get_all(
			"Social Triage Rule", filters={"rule_name": ("not like", "Test %")}, pluck="name"
		)
		self.assertGreaterEqual(len(names), 4)
		for p in ("Low", "Medium", "High"):
			self.assertTrue(frappe.db.exists("Issue Priority", p))

	def test_urgent_complaint_is_high_and_flagged(self):
		msg, issue = self.send("Your app is down and I can't log in, I was charged twice!")
		self.assertEqual(
			(msg.language, msg.sentiment, msg.intent, msg.urgent), ("en", "negative", "complaint", 1)
		)
		self.assertEqual(msg.triage_rule, "Urgent first")
		self.assertEqual(
			(issue.priority, issue.social_urgent, issue.social_sentiment, issue.social_language),
			("High", 1, "negative", "en"),
		)
		self.assertIn("urgent", (issue.get("_user_tags") or ""))

	def test_praise_is_low_with_thank_them_tag_in_other_languages(self):
		msg, issue = self.send("Tack så mycket för snabb hjälp, grym service! 🙌")
		self.assertEqual((msg.language, msg.intent), ("sv", "praise"))
		self.assertEqual(issue.priority, "Low")
		self.assertIn("thank them", issue.get("_user_tags") or "")

	def test_spam_is_logged_never_ticketed(self):
		msg, issue = self.send("Win a free iPhone!!! click here http://spam.example #crypto")
		self.assertIsNone(issue)
		self.assertEqual(
			(msg.intent, msg.triage_action, msg.inbox_status), ("spam", "Mark Spam", "No Action Needed")
		)
		self.assertFalse(msg.reference_name)

	def test_pii_is_recorded_on_the_message(self):
		msg, _issue = self.send("my card 4111 1111 1111 1111 was charged twice, email me at a@b.io")
		self.assertEqual(msg.pii, "card, email")

	def test_custom_rule_first_match_sets_type_and_assigns(self):
		if not frappe.db.exists("Issue Type", "Billing"):
			frappe.get_doc({"doctype": "Issue Type", "name": "Billing"}).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test billing in German",
				"sequence": 1,
				"keywords": "rechnung\nabgebucht",
				"languages": "de",
				"action": "Create Ticket",
				"priority": "Medium",
				"issue_type": "Billing",
				"tags": "billing, de",
				"assign_to": "Administrator",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		msg, issue = self.send("Mir wurde die Rechnung doppelt abgebucht, bitte prüfen")
		self.assertEqual(msg.triage_rule, "Test billing in German")
		self.assertEqual(
			(issue.priority, issue.issue_type, issue.social_triage_rule),
			("Medium", "Billing", "Test billing in German"),
		)
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_type": "Issue",
					"reference_name": issue.name,
					"allocated_to": "Administrator",
					"status": "Open",
				},
			)
		)
		# an English message with the same word does not match the German rule
		msg, _ = self.send("My invoice (Rechnung) is wrong")
		self.assertNotEqual(msg.triage_rule, "Test billing in German")

	def test_invalid_regex_is_refused(self):
		doc = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test bad regex",
				"regex": "(unclosed",
				"action": "Log Only",
			}
		)
		self.assertRaises(frappe.ValidationError, doc.insert)

	def test_log_only_goes_to_inbox_and_agents_decide(self):
		frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test log questions",
				"sequence": 1,
				"intent": "question",
				"action": "Log Only",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		a, issue_a = self.send("Do you ship to Iceland?")
		b, issue_b = self.send("Is there a student discount?")
		c, issue_c = self.send("What time do you open on Sunday?")
		self.assertEqual([a.inbox_status, b.inbox_status, c.inbox_status], ["Needs Decision"] * 3)
		self.assertEqual([issue_a, issue_b, issue_c], [None, None, None])

		created = inbox_api.create_tickets([a.name])
		self.assertEqual(len(created["tickets"]), 1)
		a.reload()
		self.assertEqual((a.inbox_status, a.reference_name), ("Ticket Created", created["tickets"][0]))
		self.assertEqual(len(communications(a.reference_name)), 1)

		attached = inbox_api.attach([b.name], created["tickets"][0])
		self.assertEqual(attached["attached"], [b.name])
		self.assertEqual(len(communications(created["tickets"][0])), 2)
		self.assertEqual(frappe.db.get_value("Social Message", b.name, "inbox_status"), "Attached")

		self.assertEqual(inbox_api.dismiss([c.name])["dismissed"], [c.name])
		self.assertEqual(frappe.db.get_value("Social Message", c.name, "inbox_status"), "No Action Needed")
		# already decided: a second create makes nothing new
		self.assertEqual(inbox_api.create_tickets([a.name])["skipped"], [a.name])

	def test_continuing_conversation_stays_on_its_ticket_even_if_logged(self):
		who, post = uid(), uid()
		_first, issue = self.send("My order 5512 is broken", who=who, post=post)
		frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test log everything",
				"sequence": 1,
				"action": "Log Only",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		second, same = self.send("any news?", who=who, post=post)
		self.assertEqual(same.name, issue.name)
		self.assertEqual(second.reference_name, issue.name)
		self.assertFalse(second.inbox_status)


class TestListening(SocialTestCase):
	def test_untargeted_mentions_go_to_the_inbox_mentions_become_tickets(self):
		with Sandbox() as sb:
			channel = make_channel(
				"X",
				"99",
				base_url=sb.url,
				poll=1,
				webhooks=0,
				name="Listen X " + uid(),
				listening_terms="acme\n#acmehelp",
			)
			sb.x.add_user("71", "talker", "Talker")
			talk = sb.x.post_tweet("71", "anyone tried the new acme blender? looks nice")
			mention = sb.x.post_tweet("71", "@brand my acme blender broke after 2 days")
			result = poll_channel(channel.name)
			self.assertIsNone(result["error"])
			self.assertIn("search", result["streams"])
			t = msg_of(channel.name, talk["id"])
			self.assertEqual((t.untargeted, t.inbox_status, t.reference_name), (1, "Needs Decision", None))
			m = msg_of(channel.name, mention["id"])
			self.assertEqual(m.untargeted, 0)
			self.assertTrue(m.reference_name)
			self.assertIn("acme", sb.requests_to(r"/tweets/search/recent")[-1].query["query"])


class TestSpikes(SocialTestCase):
	def test_spike_notifies_once_and_rearms(self):
		frappe.db.set_single_value(
			"Social Support Settings",
			{
				"spike_window_minutes": 10,
				"spike_baseline_hours": 1,
				"spike_factor": 3,
				"spike_min_messages": 5,
			},
		)
		frappe.cache.delete(frappe.cache.make_key(spikes.STATE_KEY.format("all")))
		frappe.cache.delete(frappe.cache.make_key(spikes.STATE_KEY.format("urgent")))
		# a quiet hour in a far-future slot, then a burst of 12 in the last ten minutes
		now = add_to_date(now_datetime(), days=400 + int(time.time()) % 1000)
		channel = make_channel("Facebook", uid())
		for i in range(14):
			at = add_to_date(now, minutes=-(5 if i >= 2 else 40))
			doc = frappe.get_doc(
				{
					"doctype": "Social Message",
					"channel": channel.name,
					"platform": "Facebook",
					"direction": "Inbound",
					"kind": "Comment",
					"external_id": uid(),
					"message_key": uid("spike"),
					"text": "site down?",
					"urgent": 1,
				}
			)
			doc.db_insert()
			frappe.db.set_value("Social Message", doc.name, "creation", at, update_modified=False)
		frappe.db.commit()
		before = frappe.db.count("Notification Log", {"subject": ("like", "Spike in%")})
		fired = spikes.check_spikes(now)
		self.assertEqual({f["cluster"] for f in fired}, {"all", "urgent"})
		self.assertEqual(fired[0]["current"], 12)
		self.assertEqual(spikes.check_spikes(now), [])  # once per spike
		after = frappe.db.count("Notification Log", {"subject": ("like", "Spike in%")})
		self.assertGreater(after, before)
		quiet = add_to_date(now, hours=5)
		self.assertEqual(spikes.check_spikes(quiet), [])  # the spike ends...
		self.assertFalse(frappe.cache.get(frappe.cache.make_key(spikes.STATE_KEY.format("all"))))
		frappe.db.set_single_value(
			"Social Support Settings",
			{
				"spike_window_minutes": 60,
				"spike_baseline_hours": 24,
				"spike_factor": 3,
				"spike_min_messages": 20,
			},
		)
		frappe.db.commit()


class TestAssignmentRules(SocialTestCase):
	def test_erpnext_assignment_rule_sees_triage_fields(self):
		# a team lead sets up an ordinary Assignment Rule on Issue using the Social fields
		user = "social.lead@example.com"
		if not frappe.db.exists("User", user):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": user,
					"first_name": "Lead",
					"send_welcome_email": 0,
					"roles": [{"role": "Social Agent"}, {"role": "Support Team"}],
				}
			).insert(ignore_permissions=True)
		name = "Social urgent to lead"
		if frappe.db.exists("Assignment Rule", name):
			frappe.delete_doc("Assignment Rule", name, force=True)
		frappe.get_doc(
			{
				"doctype": "Assignment Rule",
				"name": name,
				"document_type": "Issue",
				"priority": 1,
				"assign_condition": "social_urgent == 1",
				"description": "Urgent social tickets go to the lead",
				"rule": "Round Robin",
				"users": [{"user": user}],
				"assignment_days": [
					{"day": d}
					for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
				],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			page = uid()
			fb = make_channel("Facebook", page)
			post, who = uid(), uid()
			deliver_meta(comment(page, post, who, "Your whole site is down, I can't log in!"))
			work(fb.name)
			issue = issue_for(fb.name, public_thread_key(post, who))
			self.assertEqual(issue.social_urgent, 1)
			self.assertTrue(
				frappe.db.exists(
					"ToDo", {"reference_type": "Issue", "reference_name": issue.name, "allocated_to": user}
				)
			)
		finally:
			frappe.delete_doc("Assignment Rule", name, force=True)
			frappe.db.commit()
