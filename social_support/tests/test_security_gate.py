"""One gate for every public word: incident updates, likes, reposts and hides under the same policy and
at-most-once claim as replies; automatic messages checked like agents' replies; the composer counts the
text as sent; a retried send never posts twice; survey invitations go out once per survey."""

import json
import re
import threading
import time

import frappe
from frappe.utils import add_to_date, now_datetime

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound import follow_ups
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key
from social_support.surveys import answers, sending

from .utils import AGENT, APPROVER, TRAINEE, ReplyCase, make_channel, set_policy, uid

TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")


def as_user(user, fn, *args, **kwargs):
	frappe.set_user(user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user("Administrator")


def comments_on(doctype, name) -> str:
	return " ".join(
		frappe.get_all(
			"Comment", filters={"reference_doctype": doctype, "reference_name": name}, pluck="content"
		)
	)


class GateCase(ReplyCase):
	"""Each test removes the channels it made and everything that hangs off them."""

	def setUp(self):
		super().setUp()
		self.channels, self.incidents = [], []
		self.addCleanup(self.remove_created)

	def channel(self, platform, account, **extra):
		c = make_channel(
			platform,
			account,
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name=f"Gate {platform} {uid()}",
			**extra,
		)
		self.channels.append(c.name)
		return c

	def x_mention(self, text="@brand my order 5512 is late", handle="carla", **channel_extra):
		channel = self.channel("X", "99", **channel_extra)
		customer = uid("3")
		self.sandbox.x.add_user(customer, handle, "Carla Customer")
		tweet = self.sandbox.x.post_tweet(customer, text)
		poll_channel(channel.name)
		msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{tweet['id']}"})
		return channel, msg, tweet

	def fb_comment(self, text, **channel_extra):
		channel = self.channel("Facebook", "1001", **channel_extra)
		fan = uid("4")
		g = self.sandbox.graph
		g.add_user(fan, "Fiona Fan")
		c = g.comment(g.page_post("1001", "Autumn sale")["id"], fan, text)
		poll_channel(channel.name)
		return channel, frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{c['id']}"}), c

	def incident(self, channel, text):
		inc = frappe.get_doc(
			{
				"doctype": "Social Incident",
				"title": "Outage " + uid(),
				"status_update": text,
				"channels": channel,
				"answer_template": "Hi {first_name}, it is a known outage and we are on it.",
			}
		).insert(ignore_permissions=True)
		self.incidents.append(inc.name)
		frappe.db.commit()
		return inc

	def remove_created(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		if not self.channels:
			return
		chans = tuple(self.channels)
		tickets = frappe.get_all("Issue", filters={"social_channel": ("in", chans)}, pluck="name")
		messages = frappe.get_all("Social Message", filters={"channel": ("in", chans)}, pluck="name")
		profiles = list(
			{
				p
				for p in frappe.get_all(
					"Social Message", filters={"channel": ("in", chans)}, pluck="social_profile"
				)
				if p
			}
		)
		contacts = [
			c
			for c in frappe.get_all(
				"Social Profile", filters={"name": ("in", profiles or [""])}, pluck="contact"
			)
			if c
		]
		replies = frappe.get_all("Social Reply", filters={"channel": ("in", chans)}, pluck="name")
		surveys = frappe.get_all("Social Survey", filters={"channel": ("in", chans)}, pluck="name")
		refs = tickets + messages + replies + surveys + self.incidents
		for doctype, field, values in (
			("Comment", "reference_name", refs),
			("Version", "docname", refs),
			("Notification Log", "document_name", refs),
			("Communication", "reference_name", tickets),
			("Social Reply Approval", "parent", replies),
			("Social Reply", "name", replies),
			("Social Survey", "name", surveys),
			("Social Incident Ticket", "parent", self.incidents),
			("Social Incident", "name", self.incidents),
			("Social Message", "name", messages),
			("Issue", "name", tickets),
			("Dynamic Link", "parent", contacts),
			("Contact Email", "parent", contacts),
			("Contact", "name", contacts),
			("Social Profile", "name", profiles),
			("Social Inbound Event", "channel", list(chans)),
			("Social Poll Cursor", "channel", list(chans)),
			("Social Channel", "name", list(chans)),
		):
			if values and frappe.db.table_exists(doctype):
				frappe.db.delete(doctype, {field: ("in", values)})
		frappe.db.commit()


class TestGatedActions(GateCase):
	def test_trainee_incident_update_waits_for_approval_and_goes_out_once(self):
		channel, _msg, _tweet = self.x_mention()
		inc = self.incident(channel.name, "We know about the login problem and are fixing it.")
		first = as_user(TRAINEE, agent.incident_action, inc.name, "post_update")[channel.name]
		self.assertEqual(first["status"], "Pending Approval")
		self.assertEqual(self.sandbox.x.sent_tweets(), [])  # nothing public before an approver agrees
		again = as_user(TRAINEE, agent.incident_action, inc.name, "post_update")[channel.name]
		self.assertEqual(
			(again["name"], again["existing"]), (first["name"], True)
		)  # a second click: the same
		reply = frappe.get_doc("Social Reply", first["name"])
		self.assertEqual(
			(reply.mode, reply.purpose, reply.reference_doctype, reply.reference_name),
			("Post", "Incident Update", "Social Incident", inc.name),
		)
		self.assertIn("written by a trainee", reply.approval_reasons)
		as_user(APPROVER, agent.approve_reply, reply.name)
		self.assertEqual(send_reply(reply.name), "Sent")
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)
		self.assertEqual(self.sandbox.x.sent_tweets()[0]["text"], reply.final_text)
		out = frappe.get_doc(
			"Social Message", frappe.db.get_value("Social Reply", reply.name, "social_message")
		)
		self.assertEqual((out.direction, out.kind, out.reference_name), ("Outbound", "Post", inc.name))
		self.assertIn("Status update posted", comments_on("Social Incident", inc.name))  # the audit line
		as_user(AGENT, agent.incident_action, inc.name, "post_update")
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)  # sent is sent: no second post

	def test_incident_update_that_fails_the_checks_is_refused_on_the_incident(self):
		channel, _msg, _tweet = self.x_mention()
		inc = self.incident(channel.name, "Our status page is being updated. " * 10)  # 340 characters
		result = agent.incident_action(inc.name, "post_update")[channel.name]
		self.assertEqual(result["status"], "Refused")
		self.assertIn("characters", frappe.db.get_value("Social Reply", result["name"], "error"))
		self.assertIn("not sent", comments_on("Social Incident", inc.name))
		self.assertEqual(self.sandbox.x.sent_tweets(), [])

	def test_trainee_like_waits_for_approval_and_a_like_is_sent_once(self):
		_channel, msg, c = self.fb_comment("Great job, love the new range!")
		pending = as_user(TRAINEE, agent.like, msg.name)
		self.assertEqual(pending["status"], "Pending Approval")
		self.assertEqual(self.sandbox.graph.likes, [])
		self.assertFalse(frappe.db.get_value("Social Message", msg.name, "liked"))
		as_user(APPROVER, agent.approve_reply, pending["name"])
		self.assertEqual(send_reply(pending["name"]), "Sent")
		self.assertEqual(self.sandbox.graph.likes, [c["id"]])
		self.assertEqual(frappe.db.get_value("Social Message", msg.name, "liked"), 1)
		self.assertIn("liked", comments_on("Issue", msg.reference_name))
		again = as_user(AGENT, agent.like, msg.name)
		self.assertEqual((again["name"], again["existing"]), (pending["name"], True))
		self.assertEqual(self.sandbox.graph.likes, [c["id"]])

	def test_an_agents_like_goes_out_at_once_through_a_social_reply(self):
		_channel, msg, c = self.fb_comment("Thanks, the new app is great")
		out = as_user(AGENT, agent.like, msg.name)
		self.assertEqual(out["status"], "Sent")
		reply = frappe.get_doc("Social Reply", out["name"])
		self.assertEqual(
			(reply.mode, reply.purpose, reply.in_reply_to, reply.author), ("Like", "Like", msg.name, AGENT)
		)
		self.assertEqual(self.sandbox.graph.likes, [c["id"]])

	def test_a_complaint_is_never_hidden_whatever_the_client_says(self):
		_channel, complaint, cc = self.fb_comment("my order 5512 is broken and nobody answers")
		self.assertEqual(complaint.intent, "complaint")
		with self.assertRaises(frappe.ValidationError):
			agent.hide_comment(complaint.name, "Spam", confirmed=1)
		self.assertNotIn(cc["id"], self.sandbox.graph.hidden)
		self.assertFalse(frappe.db.get_value("Social Message", complaint.name, "hidden"))
		_channel, other, oc = self.fb_comment("meh whatever lol")
		with self.assertRaises(frappe.ValidationError):
			agent.hide_comment(other.name, "Spam")  # a person confirms every time
		out = agent.hide_comment(other.name, "Spam", details="insults other customers", confirmed=1)
		self.assertEqual(
			frappe.db.get_value("Social Reply", out["name"], "action_reason"),
			"Spam — insults other customers",
		)
		self.assertTrue(self.sandbox.graph.hidden[oc["id"]])


class TestAutomaticMessagesAreChecked(GateCase):
	def test_an_acknowledgement_too_long_for_x_is_refused_with_the_reason_on_the_ticket(self):
		_channel, msg, _tweet = self.x_mention(
			auto_acknowledge=1,
			support_hours_start="00:00:00",
			support_hours_end="23:59:59",
			ack_template="Thanks {first_name}! " + "We read every message and answer in order. " * 7,
		)
		ack = frappe.get_doc(
			"Social Reply", {"reference_name": msg.reference_name, "purpose": "Acknowledgement"}
		)
		self.assertEqual(ack.status, "Refused")
		self.assertTrue(ack.final_text.startswith("@carla Thanks Carla!"))  # composed like any reply
		self.assertIn("characters", ack.error)
		self.assertIn("Acknowledgement not sent", comments_on("Issue", msg.reference_name))
		self.assertEqual(send_reply(ack.name), "Refused")
		self.assertEqual(self.sandbox.x.sent_tweets(), [])

	def test_a_follow_up_that_would_leak_personal_data_in_public_is_refused(self):
		settings = frappe.get_single("Social Support Settings")
		saved = (settings.followup_after_hours, settings.followup_text, settings.followup_public)
		self.addCleanup(self.restore_followup, *saved)
		settings.followup_after_hours = 36
		settings.followup_public = 1
		settings.followup_text = "Hi {first_name}, is carla.customer@example.com still the right address?"
		settings.save(ignore_permissions=True)
		frappe.db.commit()
		_channel, msg, _tweet = self.x_mention()
		ticket = msg.reference_name
		r = as_user(AGENT, agent.reply, ticket, "Can you send us your order number in a DM?")
		self.assertEqual(send_reply(r["name"]), "Sent")
		frappe.db.set_value("Issue", ticket, "social_last_inbound_on", add_to_date(now_datetime(), hours=-40))
		frappe.db.set_value(
			"Social Reply",
			r["name"],
			{
				"sent_on": add_to_date(now_datetime(), hours=-37),
				"creation": add_to_date(now_datetime(), hours=-37),
			},
		)
		follow_ups.follow_up_due()
		follow = frappe.get_doc("Social Reply", {"reference_name": ticket, "purpose": "Follow-up"})
		self.assertEqual(follow.status, "Refused")
		self.assertIn("Personal data", follow.error)
		self.assertIn("Follow-up not sent", comments_on("Issue", ticket))
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)  # only the agent's reply

	def restore_followup(self, hours, text, public):
		frappe.db.set_single_value(
			"Social Support Settings",
			{"followup_after_hours": hours, "followup_text": text, "followup_public": public},
		)
		frappe.db.commit()

	def test_the_composer_counts_the_handle_x_will_add(self):
		_channel, msg, _tweet = self.x_mention()
		draft = "a" * 273  # 273 + " ^SB" = 277 fits; "@carla " in front makes it 284
		frappe.set_user(AGENT)
		seen = agent.check_draft(msg.reference_name, draft)
		frappe.set_user("Administrator")
		self.assertEqual((seen["length"], seen["limit"]), (284, 280))
		self.assertIn("too_long", [c["code"] for c in seen["checks"]])
		with self.assertRaises(frappe.ValidationError):  # and the send refuses what the count refused
			as_user(AGENT, agent.reply, msg.reference_name, draft)


class TestAtMostOnce(GateCase):
	def test_a_lost_answer_is_found_although_x_shows_the_text_differently(self):
		_channel, msg, _tweet = self.x_mention()
		r = as_user(
			AGENT,
			agent.reply,
			msg.reference_name,
			"Fixed & shipped <today>: https://example.com/track?id=5512&lang=en",
		)
		self.sandbox.inject("drop_after", path=r"^/2/tweets$", method="POST")
		self.assertEqual(send_reply(r["name"]), "Sending")  # X took it; the answer was lost
		shown = self.sandbox.x.sent_tweets()[-1]["text"]
		self.assertIn("&amp;", shown)
		self.assertIn("https://t.co/", shown)
		self.assertEqual(
			send_reply(r["name"]), "Sent", frappe.db.get_value("Social Reply", r["name"], "error")
		)  # found, not posted again
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)
		self.assertEqual(
			frappe.db.get_value("Social Reply", r["name"], "external_id"),
			self.sandbox.x.sent_tweets()[0]["id"],
		)

	def test_x_refusing_a_duplicate_means_it_is_there(self):
		_channel, msg, _tweet = self.x_mention()
		first = as_user(AGENT, agent.reply, msg.reference_name, "We are on it & will report back")
		self.assertEqual(send_reply(first["name"]), "Sent")
		second = as_user(AGENT, agent.reply, msg.reference_name, "We are on it & will report back")
		self.assertEqual(send_reply(second["name"]), "Sent")
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)
		self.assertEqual(
			frappe.db.get_value("Social Reply", second["name"], "external_id"),
			frappe.db.get_value("Social Reply", first["name"], "external_id"),
		)

	def test_two_workers_never_both_send_one_reply(self):
		_channel, msg, c = self.fb_comment("where is my order 881?")
		r = as_user(AGENT, agent.reply, msg.reference_name, "It left the warehouse today")
		frappe.db.commit()
		self.sandbox.inject("slow", path=r"/comments$", method="POST", delay=2)
		site, sites_path = frappe.local.site, frappe.local.sites_path
		outcomes = []

		def worker():
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				outcomes.append(send_reply(r["name"]))
				frappe.db.commit()
			finally:
				frappe.destroy()

		first = threading.Thread(target=worker)
		first.start()
		time.sleep(0.5)  # the first worker has claimed it and its post is in flight
		second = threading.Thread(target=worker)
		second.start()
		first.join()
		second.join()
		frappe.db.commit()
		posted = [s for s in self.sandbox.graph.sent if s["edge"] == "comments" and s["object"] == c["id"]]
		self.assertEqual(len(posted), 1, outcomes)
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "status"), "Sent")


class TestSurveysOnce(GateCase):
	def test_a_survey_invitation_is_one_reply_with_one_link_however_often_it_is_tried(self):
		set_policy()
		settings = frappe.get_single("Social Support Settings")
		saved = settings.survey_delay_minutes
		self.addCleanup(frappe.db.set_single_value, "Social Support Settings", "survey_delay_minutes", saved)
		frappe.db.set_single_value("Social Support Settings", "survey_delay_minutes", 0)
		channel = self.channel("X", "99")
		customer = uid("3")
		self.sandbox.x.add_user(customer, "dora", "Dora DM")
		self.sandbox.x.send_dm_to("99", customer, "my account is locked")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(customer)}
		)
		issue = frappe.get_doc("Issue", ticket)
		issue.status = "Resolved"
		issue.save(ignore_permissions=True)
		frappe.db.commit()
		# the DM reaches X but the answer is lost: the next run must not write a new invitation
		self.sandbox.inject("drop_after", path=r"/dm_conversations/with/", method="POST")
		sending.send_due()
		survey = frappe.get_doc("Social Survey", {"reference_name": ticket})
		self.assertEqual(survey.status, "Scheduled")
		self.assertTrue(survey.reply)
		invitation = frappe.get_doc("Social Reply", survey.reply)
		self.assertEqual(
			(invitation.purpose, invitation.mode, invitation.status), ("Survey", "Direct Message", "Sending")
		)
		sending.send_due(now=add_to_date(now_datetime(), minutes=5))
		sending.send_due(now=add_to_date(now_datetime(), minutes=30))
		dms = [d for d in self.sandbox.x.sent_dms() if d["_recipient"] == customer]
		self.assertEqual(len(dms), 1)  # one DM, one link
		survey.reload()
		self.assertEqual(
			(survey.status, survey.delivery, survey.reply), ("Sent", "Direct Message", invitation.name)
		)
		token = TOKEN.search(dms[0]["text"]).group(1)
		self.assertEqual(answers.survey_for_token(token)[0], "open")
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": ticket, "purpose": "Survey"}), 1)
		self.assertEqual(
			frappe.db.count("Communication", {"reference_name": ticket, "sent_or_received": "Sent"}), 0
		)

	def test_a_job_that_fails_after_sending_does_not_send_the_survey_again(self):
		set_policy()
		saved = frappe.db.get_single_value("Social Support Settings", "survey_delay_minutes")
		self.addCleanup(frappe.db.set_single_value, "Social Support Settings", "survey_delay_minutes", saved)
		frappe.db.set_single_value("Social Support Settings", "survey_delay_minutes", 0)
		channel = self.channel("X", "99")
		customer = uid("3")
		self.sandbox.x.add_user(customer, "erin", "Erin")
		self.sandbox.x.send_dm_to("99", customer, "cannot log in")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(customer)}
		)
		issue = frappe.get_doc("Issue", ticket)
		issue.status = "Resolved"
		issue.save(ignore_permissions=True)
		frappe.db.commit()
		sending.send_due()
		frappe.db.rollback()  # the scheduler job dies after the sending (before any commit of its own)
		sending.send_due()
		dms = [d for d in self.sandbox.x.sent_dms() if d["_recipient"] == customer]
		self.assertEqual(len(dms), 1)
		self.assertEqual(frappe.db.get_value("Social Survey", {"reference_name": ticket}, "status"), "Sent")
