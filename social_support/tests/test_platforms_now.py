"""The platforms as they are now: the Graph API version as a setting, X's reply rule for
pay-per-use apps in the reply planner, and actions the platform refuses shown on the channel."""

import time

import frappe
from frappe.utils import add_to_date

from social_support.api import agent
from social_support.core.notify import users_of_first_staffed_role
from social_support.ingest.poll import poll_channel
from social_support.outbound.gate import ReplyNotAllowed
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key

from .utils import (
	AGENT,
	ReplyCase,
	deliver_meta,
	deliver_x,
	make_channel,
	post_webhook,
	uid,
	work,
	x_signature,
)


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


class TestXCosts(ReplyCase):
	def usage_of(self, channel):
		return {
			r.kind: (r.resources, round(r.cost, 4))
			for r in frappe.get_all(
				"Social API Usage",
				filters={"channel": channel},
				fields=["kind", "resources", "cost", "month"],
			)
		}

	def test_reads_and_writes_are_counted_by_kind_and_priced_by_the_settings(self):
		self.addCleanup(frappe.db.set_single_value, "Social Support Settings", "x_prices", None)
		channel, ticket, _mention = self.x_ticket("@brand my order 5512 is late")
		self.assertEqual(self.usage_of(channel.name), {"Owned Read": (1, 0.001), "User Read": (1, 0.01)})
		self.assertEqual(
			frappe.db.get_value("Social API Usage", {"channel": channel.name}, "month"),
			frappe.utils.now_datetime().strftime("%Y-%m"),
		)
		r = self.send_as(AGENT, ticket, "Checking now.")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.usage_of(channel.name)["Summoned Reply"], (1, 0.01))
		self.assertAlmostEqual(frappe.db.get_value("Social Channel", channel.name, "spent_this_month"), 0.021)
		# the price table is a setting: the owner of a channel that is not the app's pays full reads
		settings = frappe.get_single("Social Support Settings")
		settings.x_prices = '{"Owned Read": 0.005}'
		settings.save(ignore_permissions=True)
		self.sandbox.x.post_tweet(_mention["author_id"], "@brand any news?")
		poll_channel(channel.name)
		self.assertEqual(self.usage_of(channel.name)["Owned Read"], (2, 0.006))
		settings.x_prices = '{"Free Lunch": 0}'
		with self.assertRaises(frappe.ValidationError):
			settings.save(ignore_permissions=True)
		# the report per month
		from social_support.social_support.report.social_api_costs.social_api_costs import execute

		month = frappe.utils.now_datetime().strftime("%Y-%m")
		_cols, rows = execute({"channel": channel.name, "from_month": month, "by_kind": 0})
		self.assertEqual(len(rows), 1)
		self.assertEqual((rows[0].month, rows[0].resources), (month, 5))
		self.assertAlmostEqual(rows[0].cost, 0.036)
		_cols, rows = execute({"channel": channel.name})
		self.assertEqual({r.kind for r in rows}, {"Owned Read", "User Read", "Summoned Reply"})

	def test_the_budget_slows_then_pauses_polling_tells_once_and_never_holds_a_reply(self):
		from social_support.core import usage

		channel, ticket, _mention = self.x_ticket("@brand my order 5512 is late")
		frappe.db.set_value("Social Channel", channel.name, "monthly_budget", 0.05)
		frappe.db.commit()
		self.assertTrue(usage.may_poll(channel.name))  # 0.011 spent
		usage.record(channel.name, {"Post Read": 6})  # 0.041: past 80 %
		self.assertEqual(usage.budget_state(channel.name)[0], usage.SLOW)
		now = frappe.utils.now_datetime()
		frappe.db.set_value("Social Channel", channel.name, "last_polled_on", add_to_date(now, minutes=-2))
		self.assertFalse(usage.may_poll(channel.name, now))  # interval 1 min, slowed to 4
		frappe.db.set_value("Social Channel", channel.name, "last_polled_on", add_to_date(now, minutes=-4))
		self.assertTrue(usage.may_poll(channel.name, now))
		notes = {"document_type": "Social Channel", "document_name": channel.name}
		self.assertEqual(frappe.db.count("Notification Log", notes), 0)
		usage.record(channel.name, {"Post Read": 2})  # 0.051: the budget is reached
		self.assertFalse(usage.may_poll(channel.name, add_to_date(now, days=1)))
		told = len(users_of_first_staffed_role("Social Manager", "System Manager"))
		self.assertEqual(frappe.db.count("Notification Log", notes), told)
		usage.record(channel.name, {"Post Read": 2})
		self.assertEqual(frappe.db.count("Notification Log", notes), told)  # once a month
		doc = frappe.get_doc("Social Channel", channel.name)
		doc.run_method("onload")
		self.assertIn("Polling paused", doc.budget_status)
		# replies are never held by the budget
		r = self.send_as(AGENT, ticket, "Checking now.", private=1)
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.usage_of(channel.name)["DM Create"], (1, 0.015))
		# a raised budget resumes polling
		frappe.db.set_value("Social Channel", channel.name, "monthly_budget", 1)
		self.assertTrue(usage.may_poll(channel.name, add_to_date(now, days=1)))


class TestMessagingTags(ReplyCase):
	def messenger_ticket(self, hours_ago):
		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Tags FB " + uid()
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		self.sandbox.graph.message("1001", fan, "Where is my order?", at=time.time() - hours_ago * 3600)
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(fan)}, "name"
		)
		return channel, ticket, fan

	def age_customer_message(self, ticket, fan, hours):
		"""The customer's last message is now ``hours`` old, on the platform and in the app."""
		when = time.time() - hours * 3600
		self.sandbox.graph.set_last_message_at("1001", fan, when)
		frappe.db.set_value(
			"Social Message",
			{"reference_name": ticket, "direction": "Inbound"},
			"posted_on",
			add_to_date(frappe.utils.now_datetime(), hours=-hours),
		)

	def test_the_tag_is_decided_when_the_message_leaves(self):
		# written inside the 24 hours, approved after them: HUMAN_AGENT, a person's reply
		_channel, ticket, fan = self.messenger_ticket(hours_ago=20)
		r = self.send_as(AGENT, ticket, "Checking with the warehouse")
		self.assertIsNone(frappe.db.get_value("Social Reply", r["name"], "messaging_tag"))
		self.age_customer_message(ticket, fan, 30)
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(self.sandbox.graph.sent[-1]["params"]["tag"], "HUMAN_AGENT")
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "messaging_tag"), "HUMAN_AGENT")
		# written with HUMAN_AGENT, and the customer wrote again since: no tag inside the 24 hours
		r = self.send_as(AGENT, ticket, "Here is the tracking number")
		self.assertEqual(frappe.db.get_value("Social Reply", r["name"], "messaging_tag"), "HUMAN_AGENT")
		self.age_customer_message(ticket, fan, 1)
		self.assertEqual(send_reply(r["name"]), "Sent")
		sent = self.sandbox.graph.sent[-1]["params"]
		self.assertEqual((sent["messaging_type"], sent.get("tag")), ("RESPONSE", None))
		self.assertIsNone(frappe.db.get_value("Social Reply", r["name"], "messaging_tag"))
		# a stored retired tag is never what goes out
		r = self.send_as(AGENT, ticket, "One more thing")
		frappe.db.set_value("Social Reply", r["name"], "messaging_tag", "ACCOUNT_UPDATE")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertIsNone(self.sandbox.graph.sent[-1]["params"].get("tag"))
		# past 7 days by the time it leaves: not sent, and the reason says why
		r = self.send_as(AGENT, ticket, "Sorry for the wait")
		self.age_customer_message(ticket, fan, 8 * 24)
		sent_before = len(self.sandbox.graph.sent)
		self.assertEqual(send_reply(r["name"]), "Failed")
		self.assertEqual(len(self.sandbox.graph.sent), sent_before)
		self.assertIn("window has closed", frappe.db.get_value("Social Reply", r["name"], "error"))


class TestInstagramLogin(ReplyCase):
	def ig_channel(self, token):
		channel = make_channel(
			"Instagram",
			"2001",
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name="IG Login " + uid(),
			instagram_login="Instagram Login",
		)
		channel.access_token = token
		channel.app_secret = "ig-app-secret"
		channel.save(ignore_permissions=True)
		frappe.db.commit()
		return channel

	def test_a_short_token_is_exchanged_then_refreshed_daily_and_a_dead_one_flags_the_channel(self):
		from social_support import tasks
		from social_support.api import channel as channel_api

		g = self.sandbox.graph
		channel = self.ig_channel(g.issue_instagram_token())
		result = channel_api.exchange_instagram_token(channel.name)
		self.assertTrue(result["ok"])
		token = frappe.get_doc("Social Channel", channel.name).get_password("access_token")
		self.assertTrue(token.startswith("IGLL-"))
		expires = frappe.db.get_value("Social Channel", channel.name, "token_expires_on")
		self.assertAlmostEqual((expires - frappe.utils.now_datetime()).days, 59, delta=1)
		# the channel works on the Instagram Login path: comments come in
		g.add_user("4003", "Ines", username="ines")
		cm = g.comment(g.ig_media("2001", "New colours")["id"], "4003", "is the blue one back?")
		self.assertIsNone(poll_channel(channel.name)["error"])
		self.assertTrue(frappe.db.exists("Social Message", {"message_key": f"{channel.name}:{cm['id']}"}))
		# the daily job leaves a fresh token alone and refreshes one with less than 10 days left
		tasks.refresh_instagram_tokens()
		self.assertEqual(frappe.get_doc("Social Channel", channel.name).get_password("access_token"), token)
		aged = g.issue_instagram_token(long_lived=True, age=55 * 86400)
		doc = frappe.get_doc("Social Channel", channel.name)
		doc.access_token = aged
		doc.save(ignore_permissions=True)
		frappe.db.set_value(
			"Social Channel",
			channel.name,
			"token_expires_on",
			add_to_date(frappe.utils.now_datetime(), days=5),
		)
		frappe.db.commit()
		tasks.refresh_instagram_tokens()
		fresh = frappe.get_doc("Social Channel", channel.name).get_password("access_token")
		self.assertNotEqual(fresh, aged)
		self.assertEqual(self.sandbox.requests_to(r"^/refresh_access_token$")[-1].query["access_token"], aged)
		# a token the platform no longer accepts: flagged, System Managers told once
		dead = g.issue_instagram_token(long_lived=True, age=61 * 86400)
		doc = frappe.get_doc("Social Channel", channel.name)
		doc.access_token = dead
		doc.save(ignore_permissions=True)
		frappe.db.set_value("Social Channel", channel.name, "token_expires_on", None)
		frappe.db.commit()
		tasks.refresh_instagram_tokens()
		flagged = frappe.db.get_value(
			"Social Channel", channel.name, ["needs_reauthorization", "status"], as_dict=True
		)
		self.assertEqual((flagged.needs_reauthorization, flagged.status), (1, "Needs Reauthorization"))
		self.assertEqual(
			frappe.db.count(
				"Notification Log", {"document_type": "Social Channel", "document_name": channel.name}
			),
			len(users_of_first_staffed_role("System Manager")),
		)
		tasks.refresh_instagram_tokens()  # a flagged channel is not tried again until new credentials
		self.assertEqual(len(self.sandbox.requests_to(r"^/refresh_access_token$")), 2)


class TestDmAuthorNames(ReplyCase):
	def test_messenger_authors_get_their_name_once_and_a_refusal_keeps_the_ticket_working(self):
		from social_support.ingest import names

		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=0, webhooks=1, name="Names FB " + uid()
		)
		g = self.sandbox.graph
		fan, shy = uid("4"), uid("4")
		g.add_user(fan, "Fiona Fan")
		g.add_user(shy, "Sam Shy")
		g.private_profiles.add(shy)
		for who in (fan, shy):
			m = g.message("1001", who, "Where is my order?")
			deliver_meta(g.webhook_payload("message", message_id=m["id"]))
		work(channel.name)
		for who in (fan, shy):
			profile = frappe.get_doc("Social Profile", f"Facebook-{who}")
			self.assertEqual(profile.display_name, who)  # the webhook carries the id only
			self.assertEqual(
				frappe.db.get_value("Contact", profile.contact, ["first_name", "last_name"]),
				("Facebook", f"user {who}"),
			)
		result = names.look_up_names()
		self.assertEqual((result[f"Facebook-{fan}"], result[f"Facebook-{shy}"]), ("found", "refused"))
		profile = frappe.get_doc("Social Profile", f"Facebook-{fan}")
		self.assertEqual((profile.display_name, profile.name_looked_up), ("Fiona Fan", 1))
		self.assertEqual(profile.avatar_url, f"https://scontent.xx.fbcdn.net/v/{fan}.jpg")
		self.assertEqual(
			frappe.db.get_value("Contact", profile.contact, ["first_name", "last_name"]), ("Fiona", "Fan")
		)
		self.assertEqual(
			frappe.db.get_value("Social Message", {"social_profile": profile.name}, "author_name"),
			"Fiona Fan",
		)
		shy_profile = frappe.get_doc("Social Profile", f"Facebook-{shy}")
		self.assertEqual((shy_profile.display_name, shy_profile.name_looked_up), (shy, 1))
		# the profile is the cache: nobody is asked twice
		asked = len(self.sandbox.requests_to(rf"/v26.0/({fan}|{shy})$"))
		self.assertEqual(asked, 2)
		names.look_up_names()
		self.assertEqual(len(self.sandbox.requests_to(rf"/v26.0/({fan}|{shy})$")), asked)
		# and the refused one still has a ticket an agent can answer
		ticket = frappe.db.get_value("Social Message", {"social_profile": shy_profile.name}, "reference_name")
		r = self.send_as(AGENT, ticket, "Let me check that for you")
		self.assertEqual(send_reply(r["name"]), "Sent")


class TestXActivityWebhooks(ReplyCase):
	def test_activity_api_deliveries_are_verified_routed_and_become_tickets(self):
		channel = make_channel("X", "99", base_url=self.sandbox.url, poll=0, webhooks=1, name="XAA " + uid())
		x = self.sandbox.x
		customer = uid("3")
		x.add_user(customer, "carla", "Carla Customer")
		mention = x.post_tweet(customer, "@brand my order 5512 is late")
		dm = x.send_dm_to("99", customer, "order 5512, can you check?")
		for payload in (
			x.activity_payload("post.mention.create", tweet_id=mention["id"]),
			x.activity_payload("dm.received", event_id=dm["id"]),
		):
			self.assertEqual(deliver_x(payload).status_code, 200)
		work(channel.name)
		for external_id in (mention["id"], dm["id"]):
			msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{external_id}"})
			self.assertTrue(msg.reference_name)
			self.assertEqual(msg.author_handle, "carla")
		self.assertEqual(
			frappe.db.get_value(
				"Social Message", {"message_key": f"{channel.name}:{mention['id']}"}, "summoned"
			),
			1,
		)
		# a delivery signed with another secret is refused, as for Account Activity payloads
		body = frappe.as_json(x.activity_payload("post.mention.create", tweet_id=mention["id"])).encode()
		self.assertEqual(
			post_webhook(
				"x", body, x_signature(body, "not-the-secret"), "x-twitter-webhooks-signature"
			).status_code,
			401,
		)
