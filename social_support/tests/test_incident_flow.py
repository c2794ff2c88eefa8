"""Outages as the guides describe them: the affected conversations linked to an incident in one action
(a keyword search, or the messages selected in the Social Inbox / a spike alert's list), one public
status update through the gate, short answers pointing to the status post, the resolution update and
the linked tickets resolved, and every step written on the incident."""

import json

import frappe

from social_support.api import agent
from social_support.api import inbox as inbox_api
from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply

from .utils import AGENT, OUTSIDER, ReplyCase, make_channel, uid


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


class TestIncidentFlow(ReplyCase):
	def setUp(self):
		super().setUp()
		self.x = make_channel("X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Inc X " + uid())
		self.word = "zq" + uid()[:6]  # the outage's word, unique to this test
		self.incidents = []
		self.addCleanup(self.remove_incidents)

	def remove_incidents(self):
		for name in self.incidents:
			frappe.delete_doc("Social Incident", name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def tweet(self, text):
		user = uid("5")
		self.sandbox.x.add_user(user, "u" + user[-6:], "Una User")
		t = self.sandbox.x.post_tweet(user, text)
		poll_channel(self.x.name)
		return frappe.get_doc("Social Message", {"message_key": f"{self.x.name}:{t['id']}"})

	def incident(self, **values):
		doc = frappe.get_doc(
			{"doctype": "Social Incident", "title": "Outage " + uid(), "channels": self.x.name, **values}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.incidents.append(doc.name)
		return doc

	def test_keyword_link_status_post_short_answers_resolution_and_audit(self):
		affected = [self.tweet(f"@brand {self.word} login is broken, error {i}") for i in range(3)]
		unrelated = self.tweet("@brand my parcel 5512 is late")
		self.assertTrue(all(m.reference_name for m in affected))
		inc = self.incident(
			status_update=f"Login ({self.word}) is down for some of you. We are on it; updates in this thread.",
			resolution_update="Login works again. Sorry for the trouble, and thanks for your patience.",
		)
		# one action: every conversation that mentions the word in the last hours
		out = as_user(AGENT, agent.incident_action, inc.name, "link_search", keyword=self.word, hours=2)
		self.assertEqual(sorted(out["linked"]), sorted(m.reference_name for m in affected))
		self.assertNotIn(unrelated.reference_name, out["linked"])
		# the answers point to the status post: none before it is out
		with self.assertRaises(frappe.ValidationError):
			as_user(AGENT, agent.incident_action, inc.name, "answer_all")
		update = as_user(AGENT, agent.incident_action, inc.name, "post_update")[self.x.name]
		self.assertEqual(update["status"], "Sent")
		link = f"https://x.com/brand/status/{update['external_id']}"
		answers = as_user(AGENT, agent.incident_action, inc.name, "answer_all")["replies"]
		self.assertEqual(len(answers), 3)
		for a in answers:
			text = frappe.db.get_value("Social Reply", a["name"], "final_text")
			self.assertIn(link, text)
			self.assertIn("we know about this problem", text)
			self.assertEqual(send_reply(a["name"]), "Sent")
		replies = [t for t in self.sandbox.x.sent_tweets() if "we know about this problem" in t["text"]]
		self.assertEqual(len(replies), 3)
		# resolved: the resolution update goes out, then every linked ticket is resolved
		resolved = as_user(AGENT, agent.incident_action, inc.name, "resolve")
		self.assertEqual(resolved["update"][self.x.name]["status"], "Sent")
		self.assertIn("Login works again", self.sandbox.x.sent_tweets()[-1]["text"])
		self.assertEqual(
			{frappe.db.get_value("Issue", m.reference_name, "status") for m in affected}, {"Resolved"}
		)
		self.assertNotEqual(frappe.db.get_value("Issue", unrelated.reference_name, "status"), "Resolved")
		self.assertEqual(frappe.db.get_value("Social Incident", inc.name, "status"), "Resolved")
		audit = comments_on("Social Incident", inc.name)
		for step in (
			f"{AGENT} linked 3 conversation(s) by the keyword",
			f"{AGENT} submitted the status update",
			"Status update posted on",
			f"{AGENT} answered 3 conversation(s)",
			f"{AGENT} submitted the resolution update",
			f"{AGENT} resolved the incident and 3 linked ticket(s)",
		):
			self.assertIn(step, audit)

	def test_one_action_from_the_social_inbox_makes_and_links_a_new_incident(self):
		rule = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test inc log " + uid(),
				"sequence": 1,
				"intent": "question",
				"action": "Log Only",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(
			frappe.delete_doc, "Social Triage Rule", rule.name, force=True, ignore_permissions=True
		)
		ticketed = self.tweet(f"@brand checkout {self.word} fails with error 500")
		logged = self.tweet(f"@brand is checkout {self.word} down?")
		self.assertEqual((logged.inbox_status, logged.reference_name), ("Needs Decision", None))
		names = json.dumps([ticketed.name, logged.name])
		with self.assertRaises(frappe.PermissionError):
			as_user(OUTSIDER, inbox_api.link_to_incident, names, title="Checkout outage")
		out = as_user(AGENT, inbox_api.link_to_incident, names, title="Checkout outage " + uid())
		self.incidents.append(out["incident"])
		logged_ticket = frappe.db.get_value("Social Message", logged.name, "reference_name")
		self.assertTrue(logged_ticket)  # made from the inbox on the way
		self.assertEqual(sorted(out["linked"]), sorted([ticketed.reference_name, logged_ticket]))
		rows = frappe.get_all("Social Incident Ticket", filters={"parent": out["incident"]}, pluck="ticket")
		self.assertEqual(sorted(rows), sorted(out["linked"]))
		self.assertIn(
			f"{AGENT} linked 2 conversation(s) from 2 selected message(s)",
			comments_on("Social Incident", out["incident"]),
		)
