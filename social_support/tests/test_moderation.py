"""Hide only what breaks the rules, "Ignore" for trolls.

A comment is hidden only as spam or as a breach of a published community rule, named and stored; a
person confirms every time, whatever triage said; a complaint (the message's or its ticket's) is never
hidden, refused by the server; the hidden state cannot be written through the generic REST door.
"Ignore" closes the item and its ticket without hiding and without posting anything, audited."""

import json
import unittest

import frappe

from social_support.api import agent
from social_support.api import inbox as inbox_api
from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply

from .utils import (
	AGENT,
	APPROVER,
	CHROMIUM,
	OUTSIDER,
	TRAINEE,
	ReplyCase,
	api_user,
	make_channel,
	open_desk,
	request,
	serve_site,
	sync_playwright,
	uid,
)

RULES = ("No insults or harassment", "No advertising")


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


def published_rules() -> list[dict]:
	rows = frappe.get_single("Social Support Settings").community_rules
	return [{"rule": r.rule, "description": r.description} for r in rows]


def set_rules(rules) -> None:
	"""The published rules: names, or rows with their description."""
	settings = frappe.get_single("Social Support Settings")
	settings.set("community_rules", [r if isinstance(r, dict) else {"rule": r} for r in rules])
	settings.save(ignore_permissions=True)
	frappe.db.commit()


class TestModeration(ReplyCase):
	def setUp(self):
		super().setUp()
		self.addCleanup(set_rules, published_rules())  # the site's own rules come back afterwards
		set_rules(RULES)
		self.channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Mod FB " + uid()
		)

	def comment(self, text, fan=None, post=None):
		g = self.sandbox.graph
		fan = fan or uid("4")
		g.add_user(fan, "Fiona Fan")
		post = post or g.page_post("1001", "Autumn sale")["id"]
		c = g.comment(post, fan, text)
		poll_channel(self.channel.name)
		return frappe.get_doc("Social Message", {"message_key": f"{self.channel.name}:{c['id']}"}), c

	def test_a_hide_names_spam_or_a_published_rule_and_is_confirmed_every_time(self):
		spam, sc = self.comment("Win a free iPhone!!! click here http://spam.example")
		self.assertEqual(spam.intent, "spam")
		# triage says spam, and still nothing is hidden without a person's confirmation
		with self.assertRaises(frappe.ValidationError):
			as_user(AGENT, agent.hide_comment, spam.name, "Spam")
		with self.assertRaises(frappe.ValidationError):
			as_user(AGENT, agent.hide_comment, spam.name, "I do not like it", confirmed=1)
		self.assertEqual(self.sandbox.graph.hidden, {})
		out = as_user(AGENT, agent.hide_comment, spam.name, "Spam", details="link farm", confirmed=1)
		self.assertEqual(out["status"], "Sent")
		self.assertTrue(self.sandbox.graph.hidden[sc["id"]])
		reply = frappe.get_doc("Social Reply", out["name"])
		self.assertEqual((reply.mode, reply.community_rule), ("Hide", None))
		self.assertIn("Spam", reply.action_reason)
		self.assertIn("link farm", reply.action_reason)

		rude, rc = self.comment("you people are clowns lol")
		self.assertNotEqual(rude.intent, "complaint")
		with self.assertRaises(frappe.ValidationError):  # which rule?
			as_user(AGENT, agent.hide_comment, rude.name, "Community Rule", confirmed=1)
		with self.assertRaises(frappe.ValidationError):  # a rule nobody published
			as_user(AGENT, agent.hide_comment, rude.name, "Community Rule", rule="Be positive", confirmed=1)
		with self.assertRaises(frappe.ValidationError):  # named, but not confirmed
			as_user(AGENT, agent.hide_comment, rude.name, "Community Rule", rule=RULES[0])
		self.assertNotIn(rc["id"], self.sandbox.graph.hidden)
		out = as_user(AGENT, agent.hide_comment, rude.name, "Community Rule", rule=RULES[0], confirmed=1)
		self.assertTrue(self.sandbox.graph.hidden[rc["id"]])
		self.assertEqual(frappe.db.get_value("Social Reply", out["name"], "community_rule"), RULES[0])
		self.assertEqual(frappe.db.get_value("Social Message", rude.name, "hidden"), 1)
		self.assertIn(RULES[0], comments_on("Social Message", rude.name))
		self.assertEqual(agent.community_rules(), list(RULES))

	def test_no_rules_published_means_only_spam_can_be_hidden(self):
		set_rules(())
		rude, _rc = self.comment("you people are clowns lol")
		with self.assertRaises(frappe.ValidationError):
			as_user(AGENT, agent.hide_comment, rude.name, "Community Rule", rule=RULES[0], confirmed=1)
		self.assertEqual(self.sandbox.graph.hidden, {})

	def test_a_complaint_is_never_hidden_nor_a_message_of_a_complaint_ticket(self):
		complaint, cc = self.comment("my order 5512 is broken and nobody answers")
		self.assertEqual(complaint.intent, "complaint")
		for reason, rule in (("Spam", None), ("Community Rule", RULES[0])):
			with self.assertRaises(frappe.ValidationError):
				as_user(AGENT, agent.hide_comment, complaint.name, reason, rule=rule, confirmed=1)
		# a message that is not itself a complaint, on a ticket that is one
		other, _oc = self.comment("hello??? you clowns", fan=complaint.author_id, post=cc["_object"])
		self.assertEqual(other.reference_name, complaint.reference_name)
		frappe.db.set_value("Issue", complaint.reference_name, "social_intent", "complaint")
		with self.assertRaises(frappe.ValidationError):
			as_user(AGENT, agent.hide_comment, other.name, "Community Rule", rule=RULES[0], confirmed=1)
		self.assertEqual(self.sandbox.graph.hidden, {})
		self.assertFalse(frappe.db.get_value("Social Message", other.name, "hidden"))

	def test_a_hide_waiting_for_approval_is_not_sent_once_the_ticket_is_a_complaint(self):
		rude, rc = self.comment("you people are clowns lol")
		pending = as_user(
			TRAINEE, agent.hide_comment, rude.name, "Community Rule", rule=RULES[0], confirmed=1
		)
		self.assertEqual(pending["status"], "Pending Approval")
		frappe.db.set_value("Issue", rude.reference_name, "social_intent", "complaint")
		as_user(APPROVER, agent.approve_reply, pending["name"])
		self.assertNotEqual(send_reply(pending["name"]), "Sent")
		self.assertNotIn(rc["id"], self.sandbox.graph.hidden)
		self.assertIn(
			"complaints are not hidden", frappe.db.get_value("Social Reply", pending["name"], "error")
		)

	def test_rest_cannot_set_the_hidden_state_or_an_inbox_decision(self):
		rude, rc = self.comment("you people are clowns lol")
		manager = api_user(f"mod.{uid()}.social@example.com", "Social Manager", "Support Team")
		for values in ({"hidden": 1}, {"liked": 1}, {"inbox_status": "Ignored"}):
			r = request(
				"PUT",
				f"/api/resource/Social Message/{rude.name}",
				data=json.dumps(values).encode(),
				headers={"Authorization": manager},
			)
			self.assertEqual(r.status_code, 403, r.get_data(as_text=True)[:300])
		self.assertEqual(
			frappe.db.get_value("Social Message", rude.name, ["hidden", "liked", "inbox_status"]),
			(0, 0, None),
		)
		# nor by making a hide out of a Social Reply written directly
		r = request(
			"POST",
			"/api/resource/Social Reply",
			data=json.dumps(
				{
					"channel": self.channel.name,
					"mode": "Hide",
					"purpose": "Hide",
					"in_reply_to": rude.name,
					"status": "Approved",
					"reference_doctype": "Social Message",
					"reference_name": rude.name,
				}
			).encode(),
			headers={"Authorization": manager},
		)
		self.assertIn(r.status_code, (403, 417), r.get_data(as_text=True)[:300])
		self.assertNotIn(rc["id"], self.sandbox.graph.hidden)
		# the whitelisted method with a complaint flag from the client changes nothing either
		r = request(
			"POST",
			"/api/method/social_support.api.agent.hide_comment",
			data=json.dumps({"message": rude.name, "reason": "Spam"}).encode(),
			headers={"Authorization": manager},
		)
		self.assertEqual(r.status_code, 417, r.get_data(as_text=True)[:300])  # not confirmed
		self.assertNotIn(rc["id"], self.sandbox.graph.hidden)
		r = request(
			"POST",
			"/api/method/social_support.api.agent.hide_comment",
			data=json.dumps(
				{"message": rude.name, "reason": "Community Rule", "rule": RULES[0], "confirmed": 1}
			).encode(),
			headers={"Authorization": manager},
		)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		self.assertTrue(self.sandbox.graph.hidden[rc["id"]])

	def test_ignore_closes_the_ticket_without_hiding_or_posting(self):
		troll, tc = self.comment("lol this brand is a joke")
		ticket = troll.reference_name
		self.assertTrue(ticket)
		sent = len(self.sandbox.graph.sent)
		with self.assertRaises(frappe.PermissionError):
			as_user(OUTSIDER, agent.ignore, message=troll.name)  # may not read social messages
		out = as_user(AGENT, agent.ignore, message=troll.name, note="troll, left alone")
		self.assertEqual((out["ticket"], out["closed"]), (ticket, True))
		self.assertEqual(frappe.db.get_value("Issue", ticket, "status"), "Resolved")
		self.assertEqual(len(self.sandbox.graph.sent), sent)  # nothing posted
		self.assertNotIn(tc["id"], self.sandbox.graph.hidden)  # nothing hidden
		self.assertEqual(frappe.db.get_value("Social Message", troll.name, "hidden"), 0)
		self.assertFalse(frappe.db.exists("Social Survey", {"reference_name": ticket}))  # no survey either
		self.assertIn("Ignored by " + AGENT, comments_on("Issue", ticket))
		self.assertIn("troll, left alone", comments_on("Issue", ticket))
		self.assertEqual(frappe.db.get_value("Social Message", troll.name, "decided_by"), AGENT)
		# and from the ticket itself
		other, _oc = self.comment("boring brand, boring posts")
		out = as_user(AGENT, agent.ignore, ticket=other.reference_name)
		self.assertEqual(frappe.db.get_value("Issue", other.reference_name, "status"), "Resolved")
		self.assertIn("Ignored by " + AGENT, comments_on("Issue", other.reference_name))

	def test_ignore_from_the_social_inbox(self):
		rule = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test mod log " + uid(),
				"sequence": 1,
				"intent": "question",
				"action": "Log Only",
			}
		).insert(ignore_permissions=True)
		self.addCleanup(frappe.db.commit)
		self.addCleanup(
			frappe.delete_doc, "Social Triage Rule", rule.name, force=True, ignore_permissions=True
		)
		frappe.db.commit()
		logged, _c = self.comment("Do you ship to Iceland?")
		self.assertEqual((logged.inbox_status, logged.reference_name), ("Needs Decision", None))
		# a logged-in user without a social role reaches the method and is refused; nothing changes
		with self.assertRaises(frappe.ValidationError):
			as_user(OUTSIDER, inbox_api.ignore, json.dumps([logged.name]), "not mine to decide")
		self.assertEqual(frappe.db.get_value("Social Message", logged.name, "inbox_status"), "Needs Decision")
		out = as_user(AGENT, inbox_api.ignore, json.dumps([logged.name]), "not worth an answer")
		self.assertEqual(out["ignored"], [logged.name])
		self.assertEqual(
			frappe.db.get_value("Social Message", logged.name, ["inbox_status", "decided_by", "hidden"]),
			("Ignored", AGENT, 0),
		)
		self.assertIn("not worth an answer", comments_on("Social Message", logged.name))
		self.assertEqual(self.sandbox.graph.sent, [])


@unittest.skipUnless(CHROMIUM and sync_playwright, "needs Debian's chromium and the playwright package")
class TestHideDialogInBrowser(ReplyCase):
	def test_the_confirmation_is_never_pre_ticked_not_even_for_spam(self):
		self.addCleanup(set_rules, published_rules())  # the site's own rules come back afterwards
		set_rules(RULES)
		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Mod B " + uid()
		)
		g = self.sandbox.graph
		fan = uid("4")
		g.add_user(fan, "Fiona Fan")
		c = g.comment(
			g.page_post("1001", "Autumn sale")["id"],
			fan,
			"Win a free iPhone!!! click here http://spam.example",
		)
		poll_channel(channel.name)
		spam = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{c['id']}"})
		self.assertEqual(spam.intent, "spam")
		frappe.db.commit()
		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser, page = open_desk(p, base, {"width": 1400, "height": 1000})
			page.goto(f"{base}/app/social-message/{spam.name}")
			page.get_by_role("button", name="Hide Comment").click(timeout=60_000)
			box = page.locator(".modal.show input[data-fieldname='confirmed']")
			box.wait_for(timeout=20_000)
			self.assertFalse(box.is_checked())  # triage said spam; a person still confirms
			options = page.locator(".modal.show select[data-fieldname='reason'] option").all_inner_texts()
			self.assertEqual([o for o in options if o.strip()], ["Spam", "Community Rule"])
			page.select_option(".modal.show select[data-fieldname='reason']", "Community Rule")
			rules = page.locator(".modal.show select[data-fieldname='rule'] option").all_inner_texts()
			self.assertEqual([r for r in rules if r.strip()], list(RULES))
			page.select_option(".modal.show select[data-fieldname='reason']", "Spam")
			box.check()
			page.locator(".modal.show .btn-primary").click()
			page.wait_for_selector(
				".modal.show input[data-fieldname='confirmed']", state="detached", timeout=20_000
			)
			browser.close()
		frappe.db.commit()
		self.assertTrue(self.sandbox.graph.hidden[c["id"]])
		self.assertEqual(frappe.db.get_value("Social Message", spam.name, "hidden"), 1)
