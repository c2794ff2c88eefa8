"""The same conversation on either ticket system: ERPNext Issue and Frappe Helpdesk's HD Ticket.

Inbound messages, an agent's reply from the ticket screen (the desk's email composer on an Issue,
Helpdesk's ``reply_via_agent`` on an HD Ticket), approval, the survey on resolve and a report run once per
ticket system (``TicketSystemCase`` switches the setting and restores it). The Helpdesk variant is skipped,
saying why, on a site without the helpdesk app.
"""

import json
import unittest
from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, now_datetime

from social_support import tickets as ticket_systems
from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.insights import cards
from social_support.outbound import follow_ups
from social_support.outbound.send import send_reply
from social_support.social_support.report.social_response_times import social_response_times
from social_support.surveys import sending

from .utils import (
	AGENT,
	APPROVER,
	HELPDESK_MISSING,
	OUTSIDER,
	SocialTestCase,
	TicketSystemCase,
	card_value,
	request,
	resolve,
	set_policy,
	set_survey_settings,
	ticket_system_skip_reason,
	uid,
)


class SameOnEitherSystem:
	"""The tests; mixed into one TicketSystemCase per ticket system."""

	def setUp(self):
		super().setUp()
		self.tickets = ticket_systems.get_adapter()
		self.assertEqual(self.tickets.doctype, self.expected_doctype)

	def communications(self, ticket):
		return frappe.get_all(
			"Communication",
			filters={"reference_doctype": self.tickets.doctype, "reference_name": ticket},
			fields=["name", "communication_medium", "sent_or_received", "sender", "content"],
			order_by="creation asc",
		)

	def notes(self, ticket) -> str:
		"""What the ticket shows agents between the messages (the app's notes)."""
		if self.tickets.doctype == "HD Ticket":
			rows = frappe.get_all("HD Ticket Comment", filters={"reference_ticket": ticket}, pluck="content")
		else:
			rows = frappe.get_all(
				"Comment",
				filters={"reference_doctype": self.tickets.doctype, "reference_name": ticket},
				pluck="content",
			)
		return "\n".join(rows)

	def ticket_system_mails_on_new_tickets(self):
		"""Turn on what the ticket system mails a customer about a new ticket (ERPNext: nothing)."""

	def mails_about(self, ticket) -> int:
		"""Mail queued about the ticket, sent or not (the Email Queue guard keeps a dropped one as Error)."""
		return frappe.db.count(
			"Email Queue", {"reference_doctype": self.tickets.doctype, "reference_name": str(ticket)}
		)

	def mails_to(self, address) -> int:
		return frappe.db.count(
			"Email Queue Recipient", {"recipient": address, "status": ("in", ("Not Sent", "Sent"))}
		)

	def reply_from_ticket_screen(self, user, ticket, html, expect_ok=True):
		"""What the ticket screen calls when an agent answers, over HTTP as that agent."""
		u = frappe.get_doc("User", user)
		secret = frappe.generate_hash(length=15)
		u.api_key = u.api_key or frappe.generate_hash(length=15)
		u.api_secret = secret
		u.save(ignore_permissions=True)
		raised_by = self.tickets.get(ticket, "raised_by")
		if self.tickets.doctype == "HD Ticket":
			path = "/api/method/run_doc_method"
			body = {
				"dt": self.tickets.doctype,
				"dn": ticket,
				"method": "reply_via_agent",
				"args": json.dumps({"message": html}),
			}
		else:
			path = "/api/method/frappe.core.doctype.communication.email.make"
			body = {
				"doctype": self.tickets.doctype,
				"name": ticket,
				"recipients": raised_by,
				"subject": "Re: order",
				"content": html,
				"send_email": 1,
			}
		r = request(
			"POST",
			path,
			data=json.dumps(body).encode(),
			headers={"Authorization": f"token {u.api_key}:{secret}"},
		)
		if not expect_ok:
			return r
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:800])
		return frappe.get_all(
			"Communication",
			filters={
				"reference_doctype": self.tickets.doctype,
				"reference_name": ticket,
				"sent_or_received": "Sent",
			},
			order_by="creation desc",
			limit=1,
			pluck="name",
		)[0]

	def test_the_desk_is_told_which_doctype_holds_the_tickets(self):
		bootinfo = frappe._dict()
		ticket_systems.boot_session(bootinfo)
		self.assertEqual(bootinfo.social_support_ticket_doctype, self.expected_doctype)
		self.assertIn("social_support.tickets.boot_session", frappe.get_hooks("boot_session"))

	# --- inbound -------------------------------------------------------------------------------------
	def test_messages_become_one_ticket_with_the_customer_as_sender_and_nothing_mailed(self):
		self.ticket_system_mails_on_new_tickets()
		channel, ticket, tweet = self.x_ticket()
		self.assertEqual(self.mails_about(ticket), 0)  # not even an acknowledgement dropped by the guard
		doc = frappe.get_doc(self.tickets.doctype, ticket)
		raised_by = doc.raised_by
		self.assertTrue(raised_by.endswith(".invalid"))
		self.assertTrue(doc.contact)
		self.assertEqual((doc.social_channel, doc.social_platform), (channel.name, "X"))
		self.assertEqual(doc.status, self.tickets.waiting_status)
		self.assertIn("5512", doc.description)
		first = self.communications(ticket)
		# one first message, like every other: medium Chat, from the customer
		self.assertEqual(
			[(c.communication_medium, c.sent_or_received, c.sender) for c in first],
			[("Chat", "Received", raised_by)],
		)
		self.assertEqual(self.tickets.context(ticket).contact, doc.contact)
		self.assertEqual(self.tickets.ref(ticket).name, str(ticket))

		# the customer writes again in the thread: the same ticket, one more received message
		self.sandbox.x.post_tweet(tweet["author_id"], "@brand still waiting", in_reply_to=tweet["id"])
		poll_channel(channel.name)
		self.assertEqual([c.sent_or_received for c in self.communications(ticket)], ["Received", "Received"])
		# resolved, then the customer comes back: reopened (the ticket system's own rule on a message)
		resolve(ticket)
		self.sandbox.x.post_tweet(tweet["author_id"], "@brand it broke again", in_reply_to=tweet["id"])
		poll_channel(channel.name)
		self.assertEqual(self.tickets.get(ticket, "status"), self.tickets.waiting_status)
		self.assertIn("Reopened", self.notes(ticket))
		self.assertEqual(self.mails_to(raised_by), 0)  # no acknowledgement, no notification

	# --- replies ---------------------------------------------------------------------------------------
	def test_an_agents_reply_from_the_ticket_screen_goes_through_the_gate_and_mails_nothing(self):
		_channel, ticket, _tweet = self.x_ticket()
		raised_by = self.tickets.get(ticket, "raised_by")
		comm = self.reply_from_ticket_screen(AGENT, ticket, "<p>Thanks, checking now</p>")
		reply = frappe.get_doc("Social Reply", {"communication": comm})
		self.assertEqual(reply.reference_name, str(ticket))
		self.assertEqual(reply.text, "@carla Thanks, checking now")
		self.assertEqual(reply.status, "Approved", (reply.approval_reasons, reply.warnings))
		self.assertEqual(send_reply(reply.name), "Sent")
		self.assertEqual(send_reply(reply.name), "Sent")  # at most once
		self.assertEqual(self.sandbox.x.sent_tweets()[-1]["text"], "@carla Thanks, checking now ^SB")
		self.assertEqual(len([t for t in self.sandbox.x.sent_tweets() if "checking now" in t["text"]]), 1)
		self.assertEqual(frappe.db.get_value("Social Reply", reply.name, "communication"), comm)
		self.assertEqual(self.mails_to(raised_by), 0)
		self.assertTrue(self.tickets.get(ticket, "first_responded_on"))
		self.assertEqual(self.tickets.get(ticket, "status"), self.tickets.replied_status)

	def test_a_user_who_may_not_post_gets_nothing_out_from_the_ticket_screen(self):
		_channel, ticket, _tweet = self.x_ticket()
		r = self.reply_from_ticket_screen(OUTSIDER, ticket, "<p>Hello from outside</p>", expect_ok=False)
		self.assertIn(r.status_code, (403, 417), r.get_data(as_text=True)[:300])
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": ticket}), 0)
		self.assertFalse(self.sandbox.x.sent_tweets())
		self.assertEqual(self.mails_to(self.tickets.get(ticket, "raised_by")), 0)

	def test_a_reply_that_needs_approval_waits_and_the_ticket_shows_its_state(self):
		set_policy(approve_public=1, approval_tiers=1)
		_channel, ticket, _tweet = self.x_ticket()
		comm = self.reply_from_ticket_screen(AGENT, ticket, "<p>Sorry, we are on it</p>")
		reply = frappe.get_doc("Social Reply", {"communication": comm})
		self.assertEqual(reply.status, "Pending Approval")
		self.assertFalse(self.sandbox.x.sent_tweets())
		self.assertIn("approval", self.notes(ticket).lower())
		frappe.set_user(APPROVER)
		try:
			self.assertEqual(agent.approve_reply(reply.name)["status"], "Approved")
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(send_reply(reply.name), "Sent")
		self.assertEqual(self.sandbox.x.sent_tweets()[-1]["text"], "@carla Sorry, we are on it ^SB")
		self.assertIn("approved (1/1)", self.notes(ticket).lower())
		self.assertIn("sent on x", self.notes(ticket).lower())

	# --- surveys ---------------------------------------------------------------------------------------
	def test_resolving_sends_the_survey_in_the_channel(self):
		set_survey_settings()
		_channel, ticket, _tweet = self.x_ticket()
		resolve(ticket)
		survey = frappe.get_doc("Social Survey", {"reference_name": ticket})
		self.assertEqual((survey.reference_doctype, survey.status), (self.tickets.doctype, "Scheduled"))
		sending.send_due()
		survey.reload()
		self.assertEqual((survey.status, survey.delivery), ("Sent", "Direct Message"))
		self.assertIn("/social-survey?token=", self.sandbox.x.sent_dms()[-1]["text"])

	# --- continuity ------------------------------------------------------------------------------------
	def test_moved_to_private_the_conversation_stays_one_ticket(self):
		channel, ticket, tweet = self.x_ticket()
		frappe.set_user(AGENT)
		try:
			moved = agent.move_to_dm(ticket, "Could you send us your order number here?")
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(send_reply(moved["public"]["name"]), "Sent")
		self.assertEqual(send_reply(moved["private"]["name"]), "Sent")
		self.assertTrue(self.tickets.get(ticket, "moved_to_private_on"))
		self.assertIn("Moved to private messages", self.notes(ticket))
		dm = self.sandbox.x.send_dm_to("99", tweet["author_id"], "it is order 5512")
		poll_channel(channel.name)
		self.assertEqual(
			frappe.db.get_value(
				"Social Message", {"message_key": f"{channel.name}:{dm['id']}"}, "reference_name"
			),
			str(ticket),
		)
		self.assertEqual(frappe.db.count(self.tickets.doctype, {"social_channel": channel.name}), 1)
		self.assertEqual(
			[c.sent_or_received for c in self.communications(ticket) if c.sent_or_received == "Received"],
			["Received", "Received"],
		)

	# --- incidents -------------------------------------------------------------------------------------
	def test_an_incident_links_answers_and_resolves_the_tickets(self):
		channel, ticket, _tweet = self.x_ticket("@brand is the app down? error 5")
		inc = frappe.get_doc(
			{
				"doctype": "Social Incident",
				"title": "Login outage " + uid(),
				"status_update": "We know about the login problem and are fixing it.",
				"channels": channel.name,
				"answer_template": "Hi {first_name}, it is a known outage and we are on it.",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.assertEqual(
			agent.incident_action(inc.name, "link", json.dumps([ticket]))["linked"], [str(ticket)]
		)
		row = frappe.get_doc("Social Incident", inc.name).tickets[0]
		self.assertEqual((row.ticket_doctype, row.ticket), (self.tickets.doctype, str(ticket)))
		self.assertEqual(row.subject, self.tickets.get(ticket, "subject"))
		answers = agent.incident_action(inc.name, "answer_all")["replies"]
		self.assertEqual([a["status"] for a in answers], ["Approved"])
		self.assertEqual(send_reply(answers[0]["name"]), "Sent")
		self.assertIn("known outage", self.sandbox.x.sent_tweets()[-1]["text"])
		agent.incident_action(inc.name, "resolve")
		self.assertEqual(self.tickets.get(ticket, "status"), self.tickets.resolved_status)

	# --- follow-ups ------------------------------------------------------------------------------------
	def test_a_quiet_replied_ticket_gets_one_follow_up(self):
		set_survey_settings(followup_public=1)
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(AGENT, ticket, "Which size did you order?")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.tickets.get(ticket, "status"), self.tickets.replied_status)
		when = add_to_date(now_datetime(), hours=-40)
		self.tickets.set(ticket, {"last_inbound_on": when})
		frappe.db.set_value(
			"Social Reply", r["name"], {"sent_on": when, "creation": when}, update_modified=False
		)
		due = [
			n
			for n in follow_ups.follow_up_due()
			if frappe.db.get_value("Social Reply", n, "reference_name") == ticket
		]
		self.assertEqual(len(due), 1)
		self.assertEqual(send_reply(due[0]), "Sent")
		self.assertIn("just checking in", self.sandbox.x.sent_tweets()[-1]["text"])
		self.assertTrue(self.tickets.get(ticket, "followup_sent_on"))
		self.assertIn("Follow-up", self.notes(ticket))

	# --- reports -------------------------------------------------------------------------------------
	def test_the_response_times_report_reads_the_ticket_systems_table(self):
		channel, answered, _tweet = self.x_ticket()
		reply = self.send_as(AGENT, answered, "We are checking it")
		self.assertEqual(send_reply(reply["name"]), "Sent")
		resolve(answered)
		other = uid("3")
		self.sandbox.x.add_user(other, "ed", "Ed Else")
		self.sandbox.x.post_tweet(other, "@brand hello?")
		poll_channel(channel.name)
		_columns, data, _msg, _chart, _summary = social_response_times.execute(
			{"channel": channel.name, "from_date": now_datetime().date(), "to_date": now_datetime().date()}
		)
		row = next(d for d in data if d["group"] == channel.name)
		# the workspace's ticket cards count the active system's social tickets
		self.assertEqual(
			card_value("Open Social Tickets"),
			frappe.db.count(
				self.tickets.doctype,
				{"social_channel": ("is", "set"), "status": ("in", self.tickets.open_statuses)},
			),
		)
		self.assertEqual(self.tickets.get(answered, "status"), self.tickets.resolved_status)
		# the wallboard's queue: the unanswered ticket waits on this channel, the resolved one does not
		by_channel = {c["channel"]: c for c in cards.queue()["channels"]}
		self.assertEqual(by_channel[channel.name]["total"], 1)
		self.assertEqual((row["tickets"], row["handled"], row["unhandled"]), (2, 1, 1))
		# resolution times where the ticket system records when a ticket was resolved (ERPNext: with an SLA)
		self.assertEqual(row["res_median"] is not None, bool(self.tickets.get(answered, "resolved_on")))


class TestOnERPNextIssues(SameOnEitherSystem, TicketSystemCase):
	ticket_system = ticket_systems.ERPNEXT
	expected_doctype = "Issue"


class TestOnFrappeHelpdesk(SameOnEitherSystem, TicketSystemCase):
	ticket_system = ticket_systems.HELPDESK
	expected_doctype = "HD Ticket"

	def ticket_system_mails_on_new_tickets(self):
		before = frappe.db.get_single_value("HD Settings", "send_acknowledgement_email")
		frappe.db.set_single_value("HD Settings", "send_acknowledgement_email", 1)
		self.addCleanup(frappe.db.set_single_value, "HD Settings", "send_acknowledgement_email", before or 0)

	def test_the_contacts_hd_customer_becomes_the_tickets_customer(self):
		channel, first, tweet = self.x_ticket()
		contact = self.tickets.get(first, "contact")
		self.assertFalse(self.tickets.get(first, "customer"))  # no HD Customer linked yet
		customer = frappe.get_doc({"doctype": "HD Customer", "customer_name": f"Test HD {uid()}"}).insert(
			ignore_permissions=True
		)
		self.addCleanup(frappe.delete_doc, "HD Customer", customer.name, force=True, ignore_permissions=True)
		doc = frappe.get_doc("Contact", contact)
		doc.append("links", {"link_doctype": "HD Customer", "link_name": customer.name})
		doc.save(ignore_permissions=True)
		self.sandbox.x.post_tweet(tweet["author_id"], "@brand and another thing: my invoice 7781")
		poll_channel(channel.name)
		second = frappe.db.get_value(
			"Social Message", {"channel": channel.name, "reference_name": ("!=", first)}, "reference_name"
		)
		self.assertTrue(second)
		self.assertEqual(
			(self.tickets.get(second, "contact"), self.tickets.get(second, "customer")),
			(contact, customer.name),
		)
		self.assertEqual(self.tickets.who(second), customer.name)


class TestTicketSystemSetting(SocialTestCase):
	"""Where Helpdesk is missing: the setting refuses it and the Helpdesk variant is skipped, saying why."""

	def test_helpdesk_is_refused_and_its_tests_skipped_where_it_is_not_installed(self):
		with patch.object(ticket_systems.helpdesk, "installed", return_value=False):
			self.assertEqual(ticket_system_skip_reason(ticket_systems.HELPDESK), HELPDESK_MISSING)
			self.assertIsNone(ticket_system_skip_reason(ticket_systems.ERPNEXT))
			with self.assertRaises(frappe.ValidationError):
				ticket_systems.validate_system(ticket_systems.HELPDESK)
			with patch.object(
				frappe, "get_cached_value", return_value=ticket_systems.HELPDESK
			):  # a setting left behind after an uninstall
				self.assertEqual(ticket_systems.get_adapter().doctype, "Issue")
			result = unittest.TestResult()
			unittest.defaultTestLoader.loadTestsFromTestCase(TestOnFrappeHelpdesk).run(result)
			self.assertEqual(result.testsRun, 0)
			self.assertEqual(len(result.skipped), 1)
			self.assertIn("not installed", result.skipped[0][1])
		ticket_systems.validate_system(ticket_systems.ERPNEXT)
		with self.assertRaises(frappe.ValidationError):
			ticket_systems.validate_system("Something Else")
