"""One conversation across public and private: move to DM keeps one ticket on X, Facebook and
Instagram (both directions), the public thread moved to private never gets anything automatic, and
follow-ups stay private by default, signed, once per wait, in the customer's language."""

import frappe
from frappe.utils import add_days, add_to_date, now_datetime

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound import constants as out
from social_support.outbound import follow_ups, gate
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key
from social_support.surveys import sending

from .utils import AGENT, ReplyCase, make_channel, resolve, set_survey_settings, uid

PAGE, IG = "1001", "2001"  # the sandbox's Facebook Page and Instagram account


def comments_on(ticket: str) -> str:
	return " ".join(
		frappe.get_all(
			"Comment", filters={"reference_doctype": "Issue", "reference_name": ticket}, pluck="content"
		)
	)


def ticket_of(channel: str, external_id: str) -> str | None:
	return frappe.db.get_value(
		"Social Message", {"message_key": f"{channel}:{external_id}"}, "reference_name"
	)


def contents(ticket: str) -> list[str]:
	return frappe.get_all(
		"Communication",
		filters={"reference_doctype": "Issue", "reference_name": ticket, "sent_or_received": "Received"},
		pluck="content",
		order_by="communication_date asc, creation asc",
	)


class Conversation:
	"""A customer on one channel who can write in public and in private, per platform."""

	def __init__(self, case, platform: str):
		self.case, self.platform = case, platform
		sandbox = case.sandbox
		if platform == "X":
			self.channel = make_channel(
				"X", "99", base_url=sandbox.url, poll=1, webhooks=0, name="Cont X " + uid()
			)
			self.customer = uid("3")
			sandbox.x.add_user(self.customer, "carla", "Carla Customer")
		else:
			account = PAGE if platform == "Facebook" else IG
			self.channel = make_channel(
				platform, account, base_url=sandbox.url, poll=1, webhooks=0, name=f"Cont {platform} " + uid()
			)
			self.customer = uid("4")
			sandbox.graph.add_user(self.customer, "Fiona Fan", username="fiona")
			self.account = account
			self.post = (
				sandbox.graph.page_post(PAGE, "Autumn sale")
				if platform == "Facebook"
				else sandbox.graph.ig_media(IG, "Autumn drop")
			)

	def public(self, text: str) -> str:
		"""The customer writes in public; returns the message's ticket."""
		sb = self.case.sandbox
		if self.platform == "X":
			item = sb.x.post_tweet(self.customer, f"@brand {text}")
		else:
			item = sb.graph.comment(self.post["id"], self.customer, text)
		poll_channel(self.channel.name)
		return ticket_of(self.channel.name, item["id"])

	def private(self, text: str) -> str:
		"""The customer writes a private message; returns the message's ticket."""
		sb = self.case.sandbox
		if self.platform == "X":
			item = sb.x.send_dm_to("99", self.customer, text)
		else:
			platform = "messenger" if self.platform == "Facebook" else "instagram"
			item = sb.graph.message(self.account, self.customer, text, platform=platform)
		poll_channel(self.channel.name)
		return ticket_of(self.channel.name, item["id"])


class TestMoveToPrivateKeepsOneTicket(ReplyCase):
	def setUp(self):
		super().setUp()
		set_survey_settings()

	def move(self, ticket: str, text: str | None = "Could you send us your order number here?"):
		frappe.set_user(AGENT)
		try:
			moved = agent.move_to_dm(ticket, text)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(send_reply(moved["public"]["name"]), out.SENT)
		if moved["private"]:
			self.assertEqual(send_reply(moved["private"]["name"]), out.SENT)
		return moved

	def test_public_to_private_and_back_on_every_platform(self):
		for platform in ("X", "Facebook", "Instagram"):
			with self.subTest(platform=platform):
				c = Conversation(self, platform)
				ticket = c.public("my order 5512 arrived broken")
				self.assertTrue(ticket)
				self.move(ticket)
				self.assertTrue(frappe.db.get_value("Issue", ticket, "social_moved_to_private_on"))
				self.assertIn("Moved to private messages", comments_on(ticket))
				# the customer answers privately: the same ticket, marked private on its timeline
				self.assertEqual(c.private("it is order 5512, the screen is cracked"), ticket)
				self.assertEqual(c.private("and here is a photo"), ticket)
				# and writes publicly again, on a new post or tweet: still the same ticket
				self.assertEqual(c.public("still waiting for the replacement"), ticket)
				timeline = contents(ticket)
				self.assertEqual(len(timeline), 4)
				self.assertNotIn("Private message", timeline[0])
				self.assertTrue(all("<strong>Private message</strong>" in t for t in timeline[1:3]))
				self.assertNotIn("Private message", timeline[3])
				self.assertIn("continues in private messages", comments_on(ticket))
				self.assertEqual(frappe.db.count("Issue", {"social_channel": c.channel.name}), 1)
				# the agent answers the private part by DM, on the same ticket
				last_dm = frappe.get_all(
					"Social Message",
					filters={"reference_name": ticket, "kind": "DM", "direction": "Inbound"},
					pluck="name",
					order_by="posted_on desc",
					limit=1,
				)[0]
				r = self.send_as(AGENT, ticket, "A replacement is on its way.", in_reply_to=last_dm)
				self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "mode"), out.DM)

	def test_private_conversation_that_continues_in_public_on_every_platform(self):
		for platform in ("X", "Facebook", "Instagram"):
			with self.subTest(platform=platform):
				c = Conversation(self, platform)
				ticket = c.private("my account is locked")
				self.assertEqual(frappe.db.get_value("Issue", ticket, "social_conversation"), "Private")
				self.assertEqual(c.public("why is nobody answering my DM?"), ticket)
				timeline = contents(ticket)
				self.assertIn("<strong>Public message</strong>", timeline[-1])
				self.assertIn("continues in public", comments_on(ticket))
				self.assertEqual(frappe.db.count("Issue", {"social_channel": c.channel.name}), 1)

	def test_continuity_is_configurable_and_ends(self):
		set_survey_settings(continuity_days=0)
		c = Conversation(self, "X")
		ticket = c.public("my order 5512 arrived broken")
		self.move(ticket)
		dm_ticket = c.private("order 5512")
		self.assertNotEqual(dm_ticket, ticket)  # turned off: the private message is its own ticket
		self.assertEqual(
			frappe.db.get_value("Issue", dm_ticket, "social_thread_key"), dm_thread_key(c.customer)
		)

		set_survey_settings(continuity_days=3)
		c = Conversation(self, "Facebook")
		ticket = c.public("the zip broke after a day")
		self.move(ticket, text=None)  # only asks the customer to write privately
		frappe.db.set_value(
			"Issue", ticket, "social_moved_to_private_on", add_days(now_datetime(), -4), update_modified=False
		)
		self.assertNotEqual(c.private("here are the details"), ticket)  # after the window: a new ticket

	def test_nothing_automatic_is_ever_posted_in_a_thread_moved_to_private(self):
		set_survey_settings(followup_public=1, survey_public_fallback=1)
		c = Conversation(self, "Facebook")
		ticket = c.public("the zip broke after a day")
		moved = self.move(ticket, text=None)
		self.assertIsNone(moved["private"])
		sent_before = len(self.sandbox.graph.sent)
		# the gate refuses any automatic public word on the moved thread, and says so on the ticket
		route = gate.ticket_route(ticket, False, gate.first_public_inbound(ticket))
		for purpose in (out.FOLLOW_UP, out.ACKNOWLEDGEMENT, out.SURVEY):
			r = gate.submit(purpose, "Hi Fiona, anything else?", route=route)
			self.assertEqual(r["status"], out.REFUSED)
			self.assertIn("moved to private", r["error"])
			self.assertEqual(send_reply(r["name"]), out.REFUSED)
		# a follow-up on the waiting ticket: none, and the ticket says why
		frappe.db.set_value("Issue", ticket, "status", "Replied")
		backdate(ticket, hours=40)
		self.assertEqual([n for n in follow_ups.follow_up_due() if reference_of(n) == ticket], [])
		self.assertIn("No follow-up sent: the public conversation was moved", comments_on(ticket))
		# the survey: no private way to this commenter, and the public link is not posted on a moved thread
		resolve(ticket)
		sending.send_due()
		survey = frappe.get_doc("Social Survey", {"reference_name": ticket})
		self.assertEqual(survey.status, "Skipped")
		self.assertIn("moved to private", survey.skip_reason)
		self.assertEqual(len(self.sandbox.graph.sent), sent_before)  # nothing reached the platform

	def test_no_automatic_public_word_on_a_moved_thread_on_every_platform(self):
		set_survey_settings(followup_public=1, survey_public_fallback=1)
		for platform in ("X", "Facebook", "Instagram"):
			with self.subTest(platform=platform):
				c = Conversation(self, platform)
				ticket = c.public("the zip broke after a day")
				self.move(ticket, text=None)
				public_before = self.public_posts()
				route = gate.ticket_route(ticket, False, gate.first_public_inbound(ticket))
				for purpose in (out.FOLLOW_UP, out.ACKNOWLEDGEMENT, out.SURVEY):
					r = gate.submit(purpose, "Hi, anything else we can help with?", route=route)
					self.assertEqual(r["status"], out.REFUSED)
				# the customer writes publicly again: it joins the ticket, nothing automatic answers it
				self.assertEqual(c.public("still broken"), ticket)
				frappe.db.set_value("Issue", ticket, "status", "Replied")
				backdate(ticket, hours=40)
				for name in [n for n in follow_ups.follow_up_due() if reference_of(n) == ticket]:
					self.assertNotIn(frappe.db.get_value("Social Reply", name, "mode"), out.PUBLIC_MODES)
					send_reply(name)
				resolve(ticket)
				sending.send_due()
				survey = frappe.get_doc("Social Survey", {"reference_name": ticket})
				self.assertNotEqual(survey.delivery, "Public Reply")
				self.assertEqual(self.public_posts(), public_before)  # nothing public reached the platform

	def public_posts(self) -> int:
		"""What the brand posted in public so far: tweets, Facebook and Instagram comments and replies."""
		graph = [s for s in self.sandbox.graph.sent if s["edge"] in ("comments", "replies", "feed")]
		return len(self.sandbox.x.sent_tweets()) + len(graph)

	def test_an_automatic_reply_queued_before_the_move_is_not_sent_after_it(self):
		set_survey_settings(followup_public=1)
		c = Conversation(self, "X")
		ticket = c.public("my order 5512 is late")
		route = gate.ticket_route(ticket)
		queued = gate.submit(out.FOLLOW_UP, "Hi Carla, anything else we can help with?", route=route)
		self.assertEqual(queued["status"], out.APPROVED)
		self.move(ticket)
		tweets = len(self.sandbox.x.sent_tweets())
		self.assertEqual(send_reply(queued["name"]), out.FAILED)
		self.assertIn("moved to private", frappe.db.get_value("Social Reply", queued["name"], "error"))
		self.assertEqual(len(self.sandbox.x.sent_tweets()), tweets)

	def test_the_survey_of_a_moved_meta_conversation_goes_to_its_private_part(self):
		c = Conversation(self, "Instagram")
		ticket = c.public("the zip broke after a day")
		self.move(ticket)
		self.assertEqual(c.private("here is my order number 7781"), ticket)
		resolve(ticket)
		sending.send_due()
		survey = frappe.get_doc("Social Survey", {"reference_name": ticket})
		self.assertEqual((survey.status, survey.delivery), ("Sent", "Direct Message"))
		self.assertEqual(self.sandbox.graph.sent[-1]["edge"], "messages")


def reference_of(reply: str) -> str | None:
	return frappe.db.get_value("Social Reply", reply, "reference_name")


def backdate(ticket: str, hours: int) -> None:
	"""The customer and we last spoke ``hours`` ago."""
	when = add_to_date(now_datetime(), hours=-hours)
	frappe.db.set_value("Issue", ticket, "social_last_inbound_on", when, update_modified=False)
	for name in frappe.get_all("Social Reply", filters={"reference_name": ticket}, pluck="name"):
		frappe.db.set_value("Social Reply", name, {"sent_on": when, "creation": when}, update_modified=False)


class TestFollowUpsRespectAutomation(ReplyCase):
	def setUp(self):
		super().setUp()
		set_survey_settings()

	def answered(self, c: "Conversation", ticket: str, text: str) -> None:
		r = self.send_as(AGENT, ticket, text)
		self.assertEqual(send_reply(r["name"]), out.SENT)
		self.assertEqual(frappe.db.get_value("Issue", ticket, "status"), "Replied")
		backdate(ticket, hours=40)

	def due(self, ticket: str) -> list[str]:
		return [n for n in follow_ups.follow_up_due() if reference_of(n) == ticket]

	def test_public_threads_get_none_by_default(self):
		c = Conversation(self, "X")
		ticket = c.public("my order 5512 is late")
		self.answered(c, ticket, "Sorry! We are looking into your order now.")
		tweets = len(self.sandbox.x.sent_tweets())
		self.assertEqual(self.due(ticket), [])
		self.assertEqual(self.due(ticket), [])  # settled for this wait, not retried every minute
		self.assertEqual(len(self.sandbox.x.sent_tweets()), tweets)
		self.assertEqual(
			frappe.db.count("Social Reply", {"reference_name": ticket, "purpose": out.FOLLOW_UP}), 0
		)

	def test_private_follow_up_in_the_customers_language_signed_once_per_wait(self):
		c = Conversation(self, "X")
		ticket = c.private("Hallo, mein Konto ist gesperrt und ich kann nichts bestellen")
		self.assertEqual(frappe.db.get_value("Issue", ticket, "social_language"), "de")
		self.answered(c, ticket, "Hallo! Wir schauen uns das an.")
		followups = self.due(ticket)
		self.assertEqual(len(followups), 1)
		self.assertEqual(self.due(ticket), [])  # one per wait
		reply = frappe.get_doc("Social Reply", followups[0])
		self.assertEqual((reply.purpose, reply.mode, reply.author), (out.FOLLOW_UP, out.DM, "Administrator"))
		self.assertEqual(send_reply(reply.name), out.SENT)
		dm = self.sandbox.x.sent_dms()[-1]["text"]
		self.assertTrue(dm.startswith("Hallo Carla, wir wollten kurz nachfragen"), dm)
		self.assertTrue(dm.endswith(" ^SB"), dm)  # signed by the agent the customer talked to

	def test_a_moved_conversation_is_followed_up_only_in_private(self):
		set_survey_settings(followup_public=1)
		c = Conversation(self, "X")
		ticket = c.public("my order 5512 is late")
		frappe.set_user(AGENT)
		moved = agent.move_to_dm(ticket, "Could you send us your order email here?")
		frappe.set_user("Administrator")
		for part in ("public", "private"):
			self.assertEqual(send_reply(moved[part]["name"]), out.SENT)
		self.assertEqual(c.private("it is carla@example.com"), ticket)
		self.answered(c, ticket, "Thanks, we are checking.")
		followups = self.due(ticket)
		self.assertEqual(len(followups), 1)
		self.assertEqual(frappe.db.get_value("Social Reply", followups[0], "mode"), out.DM)
