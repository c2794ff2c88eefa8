"""Reply-back: permissions, checks, approval tiers, sending through the sandbox, windows, no double send, email guard."""

import json
import time

import frappe
from frappe.utils import add_days, now_datetime

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key

from .utils import (
	AGENT,
	APPROVER,
	APPROVER2,
	OUTSIDER,
	TRAINEE,
	ReplyCase,
	make_channel,
	request,
	set_policy,
	uid,
)


class TestReplies(ReplyCase):
	def test_public_x_reply_is_threaded_signed_and_moves_first_response(self):
		channel, ticket, tweet = self.x_ticket()
		r = self.send_as(AGENT, ticket, "So sorry! Checking your order now.")
		self.assertEqual(r["status"], "Approved")
		self.assertEqual(r["final_text"], "@carla So sorry! Checking your order now. ^SB")
		self.assertEqual(send_reply(r["name"]), "Sent")
		body = self.sandbox.requests_to(r"^/2/tweets$", "POST")[-1].json()
		self.assertEqual(
			body,
			{
				"text": "@carla So sorry! Checking your order now. ^SB",
				"reply": {"in_reply_to_tweet_id": tweet["id"]},
			},
		)
		reply = frappe.get_doc("Social Reply", r["name"])
		self.assertEqual(reply.external_id, self.sandbox.x.sent_tweets()[-1]["id"])
		out = frappe.get_doc("Social Message", reply.social_message)
		self.assertEqual((out.direction, out.reference_name), ("Outbound", ticket))
		comm = frappe.get_doc("Communication", reply.communication)
		self.assertEqual((comm.sent_or_received, comm.reference_name), ("Sent", ticket))
		issue = frappe.get_doc("Issue", ticket)
		self.assertTrue(issue.first_responded_on)
		self.assertEqual(issue.status, "Replied")
		# the platform's echo of our reply (next poll) is a no-op, not a second message
		poll_channel(channel.name)
		self.assertEqual(
			frappe.db.count("Social Message", {"channel": channel.name, "external_id": reply.external_id}), 1
		)

	def test_checks_block_before_anything_is_queued(self):
		_channel, ticket, _tweet = self.x_ticket()
		with self.assertRaises(frappe.ValidationError):
			self.send_as(AGENT, ticket, "x" * 300)
		with self.assertRaises(frappe.ValidationError):
			self.send_as(AGENT, ticket, "Call me at +1 415 555 2671")
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": ticket}), 0)

	def test_asking_for_personal_data_is_warned_in_public_and_fine_in_a_dm(self):
		_channel, ticket, _tweet = self.x_ticket()
		ask = "So sorry! Could you reply with your order number and the email address you used?"
		public = self.send_as(AGENT, ticket, ask)
		self.assertEqual(public["status"], "Pending Approval")  # replies with warnings are approved first
		self.assertTrue(
			any("order" in w and "email" in w and "DM" in w for w in public["warnings"]), public["warnings"]
		)
		private = self.send_as(AGENT, ticket, ask, private=1)
		self.assertEqual((private["status"], private["warnings"]), ("Approved", []))
		self.assertEqual(frappe.db.get_value("Social Reply", private["name"], "mode"), "Direct Message")
		# asking for a DM in public is the advice, not a warning; an ordinary "just" is no tone warning
		invite = self.send_as(AGENT, ticket, "I just checked: could you DM us your order number?")
		self.assertEqual((invite["status"], invite["warnings"]), ("Approved", []))

	def test_permissions(self):
		_channel, ticket, _tweet = self.x_ticket()
		with self.assertRaises(frappe.PermissionError):
			self.send_as(OUTSIDER, ticket, "hello")
		set_policy(approve_public=1)
		r = self.send_as(AGENT, ticket, "We are on it")
		frappe.set_user(AGENT)
		with self.assertRaises(frappe.PermissionError):
			agent.approve_reply(r["name"])  # agents do not approve
		frappe.set_user("Administrator")

	def test_two_tier_approval_with_edit_and_audit(self):
		set_policy(approve_public=1, approval_tiers=2)
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(AGENT, ticket, "We will just check it")
		self.assertEqual(r["status"], "Pending Approval")
		self.assertIn("public reply", r["approval_reasons"])
		self.assertTrue(any("dismissive" in w for w in r["warnings"]))
		frappe.set_user(APPROVER)
		first = agent.approve_reply(r["name"], text="We will check it right away")
		self.assertEqual((first["status"], first["approvals_done"]), ("Pending Approval", 1))
		frappe.set_user(APPROVER2)
		second = agent.approve_reply(r["name"])
		self.assertEqual(second["status"], "Approved")
		frappe.set_user("Administrator")
		reply = frappe.get_doc("Social Reply", r["name"])
		self.assertEqual(reply.final_text, "@carla We will check it right away ^SB")
		self.assertIn(APPROVER, reply.approved_by)
		self.assertIn(APPROVER2, reply.approved_by)
		versions = frappe.get_all(
			"Version", filters={"ref_doctype": "Social Reply", "docname": r["name"]}, pluck="data"
		)
		self.assertTrue(any("We will check it right away" in v for v in versions))  # who changed what, when
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.sandbox.x.sent_tweets()[-1]["text"], "@carla We will check it right away ^SB")

	def test_reject_with_reason_notifies_the_agent_and_trainees_need_approval(self):
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(TRAINEE, ticket, "Sorry about that, we are checking")
		self.assertEqual(r["status"], "Pending Approval")
		self.assertIn("written by a trainee", r["approval_reasons"])
		frappe.set_user(APPROVER)
		with self.assertRaises(frappe.ValidationError):
			agent.reject_reply(r["name"], " ")
		agent.reject_reply(r["name"], "Offer a DM and a refund instead")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "status"), "Rejected")
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": TRAINEE, "document_name": r["name"]})
		)
		self.assertEqual(self.sandbox.x.sent_tweets(), [])

	def test_never_sent_twice_when_the_answer_is_lost(self):
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(AGENT, ticket, "Looking into it")
		self.sandbox.inject("drop_after", path=r"^/2/tweets$", method="POST")
		self.assertEqual(send_reply(r["name"]), "Sending")  # accepted by X, but we never heard back
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)
		self.assertEqual(send_reply(r["name"]), "Sent")  # the retry finds it instead of posting again
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)
		self.assertEqual(
			frappe.db.get_value("Social Reply", r["name"], "external_id"),
			self.sandbox.x.sent_tweets()[0]["id"],
		)

	def test_rate_limit_is_retried_after_the_reset_and_token_expiry_fails_and_flags(self):
		channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(AGENT, ticket, "One moment please")
		self.sandbox.inject("rate_limit", path=r"^/2/tweets$", method="POST", reset_in=120)
		self.assertEqual(send_reply(r["name"]), "Approved")
		reply = frappe.get_doc("Social Reply", r["name"])
		self.assertGreater((reply.next_attempt_on - now_datetime()).total_seconds(), 100)
		self.sandbox.inject("expired_token", path=r"^/2/tweets$", method="POST")
		self.assertEqual(send_reply(r["name"]), "Failed")
		self.assertEqual(frappe.db.get_value("Social Channel", channel.name, "needs_reauthorization"), 1)
		self.assertIn(
			"failed",
			frappe.get_all("Comment", filters={"reference_name": ticket}, pluck="content")[0].lower(),
		)


class TestMetaReplies(ReplyCase):
	def messenger_ticket(self, days_ago=0):
		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Reply FB " + uid()
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		self.sandbox.graph.message("1001", fan, "Where is my order?", at=time.time() - days_ago * 86400)
		poll_channel(channel.name)
		issue = frappe.get_doc(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(fan)}
		)
		return channel, issue.name, fan

	def test_messenger_inside_24h_is_a_response(self):
		_channel, ticket, fan = self.messenger_ticket()
		r = self.send_as(AGENT, ticket, "It ships today")
		self.assertEqual(send_reply(r["name"]), "Sent")
		sent = self.sandbox.graph.sent[-1]["params"]
		self.assertEqual((sent["messaging_type"], json.loads(sent["recipient"])), ("RESPONSE", {"id": fan}))

	def test_messenger_after_a_day_uses_human_agent_and_after_a_week_is_refused_before_approval(self):
		_channel, ticket, _fan = self.messenger_ticket(days_ago=3)
		r = self.send_as(AGENT, ticket, "Sorry for the wait")
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "messaging_tag"), "HUMAN_AGENT")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.sandbox.graph.sent[-1]["params"]["tag"], "HUMAN_AGENT")
		_channel, old_ticket, _fan = self.messenger_ticket(days_ago=9)
		with self.assertRaises(frappe.ValidationError):
			self.send_as(AGENT, old_ticket, "Hello again")
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": old_ticket}), 0)

	def test_private_reply_to_a_facebook_comment(self):
		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Reply FBc " + uid()
		)
		fan = uid("4")
		g = self.sandbox.graph
		g.add_user(fan, "Fiona Fan")
		post = g.page_post("1001", "New collection")
		c = g.comment(post["id"], fan, "my order 881 is wrong")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{c['id']}"}, "reference_name"
		)
		r = self.send_as(AGENT, ticket, "We sent you a private message with details", private=1)
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "mode"), "Private Reply")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(json.loads(g.sent[-1]["params"]["recipient"]), {"comment_id": c["id"]})
		pub = self.send_as(AGENT, ticket, "Thanks for your patience!")
		self.assertEqual(send_reply(pub["name"]), "Sent")
		self.assertEqual(g.sent[-1]["edge"], "comments")


class TestEmailComposerGuard(ReplyCase):
	def test_composer_on_a_social_ticket_becomes_a_social_reply_and_mails_nothing(self):
		_channel, ticket, _tweet = self.x_ticket()
		raised_by = frappe.db.get_value("Issue", ticket, "raised_by")
		self.assertTrue(raised_by.endswith(".invalid"))
		# what the desk's email composer calls, as a logged-in agent (only a person's mail is routed)
		user = frappe.get_doc("User", AGENT)
		secret = frappe.generate_hash(length=15)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		user.api_secret = secret
		user.save(ignore_permissions=True)
		r = request(
			"POST",
			"/api/method/frappe.core.doctype.communication.email.make",
			data=json.dumps(
				{
					"doctype": "Issue",
					"name": ticket,
					"recipients": raised_by,
					"subject": "Re: order",
					"content": "<p>Thanks, checking now</p>",
					"send_email": 0,
				}
			).encode(),
			headers={"Authorization": f"token {user.api_key}:{secret}"},
		)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:500])
		comm = frappe.get_doc("Communication", r.json["message"]["name"])
		reply = frappe.get_doc("Social Reply", {"communication": comm.name})
		self.assertEqual(reply.text, "@carla Thanks, checking now")
		self.assertEqual(reply.status, "Approved", (reply.approval_reasons, reply.warnings))
		self.assertEqual(send_reply(reply.name), "Sent")
		self.assertEqual(
			frappe.db.get_value("Social Reply", reply.name, "communication"), comm.name
		)  # one timeline entry
		self.assertEqual(self.sandbox.x.sent_tweets()[-1]["text"], "@carla Thanks, checking now ^SB")
		# a contact with a real address can still be emailed on purpose: no Social Reply then
		real = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"content": "<p>Invoice attached</p>",
				"recipients": "carla@example.com",
				"reference_doctype": "Issue",
				"reference_name": ticket,
			}
		).insert(ignore_permissions=True)
		self.assertFalse(frappe.db.exists("Social Reply", {"communication": real.name}))


class TestMoreSendPaths(ReplyCase):
	def test_x_dm_reply(self):
		channel = make_channel(
			"X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Reply XDM " + uid()
		)
		customer = uid("3")
		self.sandbox.x.add_user(customer, "dora", "Dora DM")
		self.sandbox.x.send_dm_to("99", customer, "my account is locked")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(customer)}
		)
		r = self.send_as(AGENT, ticket, "Unlocked it for you")
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "mode"), "Direct Message")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(
			self.sandbox.requests_to(rf"/dm_conversations/with/{customer}/messages")[-1].json(),
			{"text": "Unlocked it for you ^SB"},
		)

	def test_instagram_comment_reply_and_dm(self):
		channel = make_channel(
			"Instagram", "2001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Reply IG " + uid()
		)
		fan = uid("6")
		g = self.sandbox.graph
		g.add_user(fan, "Ines Gram", username="ines")
		media = g.ig_media("2001", "New drop")
		c = g.comment(media["id"], fan, "price?")
		g.message("2001", fan, "hej, har ni storlek 40?", platform="instagram")
		poll_channel(channel.name)
		public_ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{c['id']}"}, "reference_name"
		)
		r = self.send_as(AGENT, public_ticket, "It is 49 EUR")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual((g.sent[-1]["object"], g.sent[-1]["edge"]), (c["id"], "replies"))
		dm_ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(fan)}
		)
		r = self.send_as(AGENT, dm_ticket, "Ja, storlek 40 finns")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(
			(g.sent[-1]["edge"], g.sent[-1]["params"]["messaging_type"]), ("messages", "RESPONSE")
		)

	def test_high_reach_profiles_need_approval(self):
		set_policy(approve_min_followers=10000)
		channel = make_channel(
			"X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Reply XHR " + uid()
		)
		star = uid("3")
		self.sandbox.x.add_user(star, "celeb", "Cele Brity", followers=250000)
		t = self.sandbox.x.post_tweet(star, "@brand my order never came")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{t['id']}"}, "reference_name"
		)
		r = self.send_as(AGENT, ticket, "So sorry, checking now")
		self.assertEqual(r["status"], "Pending Approval")
		self.assertTrue(any("high-reach" in x for x in r["approval_reasons"]))
		set_policy()
