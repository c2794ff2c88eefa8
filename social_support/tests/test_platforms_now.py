"""The platforms as they are now: the Graph API version as a setting, X's reply rule for
pay-per-use apps in the reply planner, and actions the platform refuses shown on the channel."""

import frappe

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound.gate import ReplyNotAllowed
from social_support.outbound.send import send_reply

from .utils import AGENT, ReplyCase, make_channel, uid


def replies_of(ticket):
	return frappe.get_all("Social Reply", filters={"reference_name": ticket}, pluck="name")


class TestXReplyRule(ReplyCase):
	def test_a_customers_own_follow_up_is_answered_under_the_post_that_called_us(self):
		channel = make_channel(
			"X",
			"99",
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name="Rule X " + uid(),
			listening_terms="acme",
		)
		customer = uid("3")
		self.sandbox.x.add_user(customer, "carla", "Carla Customer")
		mention = self.sandbox.x.post_tweet(customer, "@brand my acme order 5512 is late")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{mention['id']}"}, "reference_name"
		)
		# the customer's own follow-up in their thread mentions nobody: X's search finds it
		follow = self.sandbox.x.post_tweet(customer, "acme: still nothing today", in_reply_to=mention["id"])
		poll_channel(channel.name)
		own = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{follow['id']}"})
		self.assertEqual((own.reference_name, own.summoned), (ticket, 0))
		self.assertEqual(
			frappe.db.get_value(
				"Social Message", {"message_key": f"{channel.name}:{mention['id']}"}, "summoned"
			),
			1,
		)
		# picked explicitly: refused before anything is stored, with what can be done instead
		frappe.set_user(AGENT)
		with self.assertRaises(ReplyNotAllowed) as e:
			agent.reply(ticket, "Checking now.", in_reply_to=own.name)
		frappe.set_user("Administrator")
		msg = str(e.exception)
		self.assertIn("mention the account or quote one of its posts", msg)
		self.assertIn("direct message", msg)
		self.assertIn(f"https://x.com/carla/status/{follow['id']}", msg)
		self.assertEqual(replies_of(ticket), [])
		# not picked: the reply goes under the customer's post that mentioned the account
		r = self.send_as(AGENT, ticket, "Checking now.")
		self.assertEqual(send_reply(r["name"]), "Sent")
		body = self.sandbox.requests_to(r"^/2/tweets$", "POST")[-1].json()
		self.assertEqual(body["reply"], {"in_reply_to_tweet_id": mention["id"]})
		# a direct message is always offered
		d = self.send_as(AGENT, ticket, "Could you send the order number here?", private=1)
		self.assertEqual(send_reply(d["name"]), "Sent")
		self.assertEqual(self.sandbox.x.sent_dms()[-1]["_recipient"], mention["author_id"])

	def test_a_ticket_with_no_summoning_post_offers_dm_or_x_and_enterprise_may_answer(self):
		frappe.db.set_single_value("Social Support Settings", "untargeted_mentions", "Create Ticket")
		self.addCleanup(
			frappe.db.set_single_value, "Social Support Settings", "untargeted_mentions", "Log for Review"
		)
		for access in ("Pay-per-use", "Enterprise"):
			channel = make_channel(
				"X",
				"99",
				base_url=self.sandbox.url,
				poll=1,
				webhooks=0,
				name="Rule X " + uid(),
				listening_terms="acme",
				x_access=access,
			)
			self.assertEqual(
				channel.unavailable_actions, "like, follow, quote-post" if access == "Pay-per-use" else None
			)
			customer = uid("3")
			self.sandbox.x.add_user(customer, "tess", "Tess Talker")
			talk = self.sandbox.x.post_tweet(customer, f"acme blender {uid()} broke after two days")
			poll_channel(channel.name)
			ticket = frappe.db.get_value(
				"Social Message", {"message_key": f"{channel.name}:{talk['id']}"}, "reference_name"
			)
			self.assertTrue(ticket)
			if access == "Pay-per-use":
				frappe.set_user(AGENT)
				with self.assertRaises(ReplyNotAllowed) as e:
					agent.reply(ticket, "Sorry to hear that!")
				frappe.set_user("Administrator")
				self.assertIn("open the post on X", str(e.exception))
				self.assertEqual(replies_of(ticket), [])
			else:
				self.sandbox.x.access = "enterprise"
				r = self.send_as(AGENT, ticket, "Sorry to hear that!")
				self.assertEqual(send_reply(r["name"]), "Sent")
				body = self.sandbox.requests_to(r"^/2/tweets$", "POST")[-1].json()
				self.assertEqual(body["reply"], {"in_reply_to_tweet_id": talk["id"]})

	def test_likes_are_refused_on_pay_per_use_channels_before_anything_is_sent(self):
		channel, _ticket, mention = self.x_ticket("@brand thanks, all sorted")
		msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{mention['id']}"})
		self.assertEqual(channel.unavailable_actions, "like, follow, quote-post")
		frappe.set_user(AGENT)
		try:
			with self.assertRaises(ReplyNotAllowed):
				agent.like(msg.name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.get_all("Social Reply", filters={"in_reply_to": msg.name}), [])
		self.assertEqual(self.sandbox.requests_to(r"/likes$", "POST"), [])
		# Enterprise access may like
		frappe.db.set_value("Social Channel", channel.name, "x_access", "Enterprise")
		frappe.clear_document_cache("Social Channel", channel.name)
		self.sandbox.x.access = "enterprise"
		frappe.set_user(AGENT)
		try:
			out = agent.like(msg.name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(out["status"], "Sent")
		self.assertEqual(self.sandbox.x.likes, [("99", mention["id"])])


class TestGraphVersion(ReplyCase):
	def fb_channel(self, **extra):
		channel = make_channel(
			"Facebook",
			"1001",
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name="Version FB " + uid(),
			**extra,
		)
		self.sandbox.graph.page_post("1001", "Autumn sale")
		return channel

	def set_site_version(self, value):
		frappe.db.set_single_value("Social Support Settings", "graph_api_version", value)
		frappe.db.commit()

	def test_the_version_is_a_setting_shown_on_the_channel(self):
		field = frappe.get_meta("Social Support Settings").get_field("graph_api_version")
		self.assertEqual(field.default, "v26.0")
		self.addCleanup(self.set_site_version, "v26.0")
		self.set_site_version("")  # blank: the app's default
		channel = self.fb_channel()
		self.assertIsNone(channel.graph_api_version)
		self.assertEqual(channel.graph_api_version_in_use, "v26.0: available, no end date announced")
		self.assertIsNone(poll_channel(channel.name)["error"])
		self.assertEqual({r.path.split("/")[1] for r in self.sandbox.requests}, {"v26.0"})
		# the site's setting moves every channel that has no version of its own
		self.set_site_version("v25.0")
		self.sandbox.requests.clear()
		self.assertIsNone(poll_channel(channel.name)["error"])
		self.assertEqual({r.path.split("/")[1] for r in self.sandbox.requests}, {"v25.0"})
		channel.reload()
		channel.save()
		self.assertEqual(channel.graph_api_version_in_use, "v25.0: available until 2028-07-29")

	def test_an_expired_version_tells_the_admin_what_to_change(self):
		channel = self.fb_channel(graph_api_version="19")
		self.assertEqual(channel.graph_api_version, "v19.0")
		self.assertEqual(channel.graph_api_version_in_use, "v19.0: expired on 2026-05-21; change it to v26.0")
		result = poll_channel(channel.name)
		self.assertTrue(result["error"])
		status, error = frappe.db.get_value("Social Channel", channel.name, ["status", "last_error"])
		self.assertEqual(status, "Error")
		self.assertIn("v19.0 was refused", error)
		self.assertIn("Change 'Graph API Version'", error)
		self.assertIn("v26.0", error)
		channel.reload()
		channel.graph_api_version = "latest"
		with self.assertRaises(frappe.ValidationError):
			channel.save()
		channel.reload()
		channel.graph_api_version = ""
		channel.save()
		self.assertIsNone(poll_channel(channel.name)["error"])
