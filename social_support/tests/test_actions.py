"""Agent actions (move to DM, thank publicly, like, repost, hide), auto-acknowledgement, incidents."""

import json

import frappe

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply

from .utils import AGENT, APPROVER, ReplyCase, make_channel, set_policy, uid


class TestActions(ReplyCase):
	def fb_ticket(self, text="my order 881 arrived broken", **channel_extra):
		channel = make_channel(
			"Facebook",
			"1001",
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name="Act FB " + uid(),
			**channel_extra,
		)
		fan = uid("4")
		g = self.sandbox.graph
		g.add_user(fan, "Fiona Fan")
		post = g.page_post("1001", "Autumn sale")
		c = g.comment(post["id"], fan, text)
		poll_channel(channel.name)
		msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{c['id']}"})
		return channel, msg, c

	def test_move_to_dm_posts_a_public_note_then_a_private_reply(self):
		_channel, msg, c = self.fb_ticket()
		frappe.set_user(AGENT)
		out = agent.move_to_dm(msg.reference_name, "Could you send us your order email here?")
		frappe.set_user("Administrator")
		self.assertEqual(send_reply(out["public"]["name"]), "Sent")
		self.assertEqual(send_reply(out["private"]["name"]), "Sent")
		public, private = self.sandbox.graph.sent[-2:]
		self.assertEqual((public["object"], public["edge"]), (c["id"], "comments"))
		self.assertIn("private message", public["params"]["message"])
		self.assertEqual(json.loads(private["params"]["recipient"]), {"comment_id": c["id"]})

	def test_thank_publicly_needs_a_public_thread(self):
		_channel, msg, c = self.fb_ticket()
		r = agent.thank_publicly(msg.reference_name, "Thanks for your patience, glad it is sorted!")
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "purpose"), "Thank Publicly")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.sandbox.graph.sent[-1]["object"], c["id"])

	def test_like_and_hide_only_spam_with_audit(self):
		_channel, msg, c = self.fb_ticket("Great job, love the new range!")
		agent.like(msg.name)
		self.assertIn(c["id"], self.sandbox.graph.likes)
		self.assertEqual(frappe.db.get_value("Social Message", msg.name, "liked"), 1)
		_channel, complaint, cc = self.fb_ticket("my order 5512 is broken and nobody answers")
		with self.assertRaises(frappe.ValidationError):
			agent.hide_comment(complaint.name, "Spam", confirmed=1)  # complaints are never buried
		self.assertNotIn(cc["id"], self.sandbox.graph.hidden)
		_channel, spam, sc = self.fb_ticket("Win a free iPhone!!! click here http://spam.example")
		with self.assertRaises(frappe.ValidationError):
			agent.hide_comment(spam.name, " ", confirmed=1)  # a reason is required
		agent.hide_comment(spam.name, "Spam", details="spam link", confirmed=1)
		self.assertTrue(self.sandbox.graph.hidden[sc["id"]])
		self.assertIn(
			"spam link",
			" ".join(frappe.get_all("Comment", filters={"reference_name": spam.name}, pluck="content")),
		)

	def test_auto_acknowledgement_once_per_thread_and_not_a_first_response(self):
		channel, msg, c = self.fb_ticket(
			auto_acknowledge=1, support_hours_start="00:00:00", support_hours_end="23:59:59"
		)
		ack = frappe.get_all(
			"Social Reply",
			filters={"reference_name": msg.reference_name, "purpose": "Acknowledgement"},
			pluck="name",
		)
		self.assertEqual(len(ack), 1)
		self.assertEqual(send_reply(ack[0]), "Sent")
		self.assertIn("Thanks Fiona! We got your message", self.sandbox.graph.sent[-1]["params"]["message"])
		issue = frappe.get_doc("Issue", msg.reference_name)
		self.assertFalse(issue.first_responded_on)  # the SLA waits for a person
		self.assertEqual(issue.status, "Open")
		# the same customer again on the same post within the window: no second acknowledgement
		self.sandbox.graph.comment(c["_object"], msg.author_id, "hello?")
		poll_channel(channel.name)
		self.assertEqual(
			frappe.db.count(
				"Social Reply", {"reference_name": msg.reference_name, "purpose": "Acknowledgement"}
			),
			1,
		)

	def test_spam_is_never_acknowledged(self):
		_channel, msg, _c = self.fb_ticket(
			"Win a free iPhone!!! click here http://spam.example", auto_acknowledge=1
		)
		self.assertFalse(msg.reference_name)
		self.assertEqual(
			frappe.db.count("Social Reply", {"purpose": "Acknowledgement", "in_reply_to": msg.name}), 0
		)


class TestIncidents(ReplyCase):
	def test_link_post_update_answer_all_with_bulk_approval_and_resolve(self):
		set_policy(approve_public=1)
		x = make_channel("X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Inc X " + uid())
		tickets = []
		for i in range(3):
			user = uid("5")
			self.sandbox.x.add_user(user, f"user{i}", f"User {i}")
			t = self.sandbox.x.post_tweet(user, f"@brand is the app down? error {i}")
			poll_channel(x.name)
			tickets.append(
				frappe.db.get_value(
					"Social Message", {"message_key": f"{x.name}:{t['id']}"}, "reference_name"
				)
			)
		inc = frappe.get_doc(
			{
				"doctype": "Social Incident",
				"title": "Login outage " + uid(),
				"status_update": "We know about the login problem and are fixing it. Updates here.",
				"channels": x.name,
				"answer_template": "Hi {first_name}, it is a known outage and we are on it.",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.assertEqual(len(agent.incident_action(inc.name, "link", json.dumps(tickets))["linked"]), 3)
		# the status update is a public word like any other: under "approve public replies" it waits
		update = agent.incident_action(inc.name, "post_update")[x.name]
		self.assertEqual(update["status"], "Pending Approval")
		answers = agent.incident_action(inc.name, "answer_all")["replies"]
		self.assertEqual([a["status"] for a in answers], ["Pending Approval"] * 3)
		frappe.set_user(APPROVER)
		approved = agent.approve_replies(names=json.dumps([update["name"]] + [a["name"] for a in answers]))
		frappe.set_user("Administrator")
		self.assertEqual(len(approved["approved"]), 4)
		self.assertEqual(send_reply(update["name"]), "Sent")
		self.assertEqual(
			frappe.db.get_value("Social Reply", update["name"], "external_id"),
			self.sandbox.x.sent_tweets()[-1]["id"],
		)
		for a in answers:
			self.assertEqual(send_reply(a["name"]), "Sent")
		self.assertEqual(len([t for t in self.sandbox.x.sent_tweets() if "known outage" in t["text"]]), 3)
		# a second "answer all" does not answer twice
		self.assertEqual(agent.incident_action(inc.name, "answer_all")["replies"], [])
		agent.incident_action(inc.name, "resolve")
		self.assertEqual({frappe.db.get_value("Issue", t, "status") for t in tickets}, {"Resolved"})
		self.assertEqual(frappe.db.get_value("Social Incident", inc.name, "status"), "Resolved")
