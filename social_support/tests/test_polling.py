"""Polling against the sandbox over real HTTP: poll -> Issue, cursors, rate limits, token expiry."""

import frappe

from social_support.ingest.poll import due_channels, get_cursor, poll_channel
from social_support.platforms.base import dm_thread_key
from social_support.sandbox.server import Sandbox

from .utils import SocialTestCase, communications, issue_for, make_channel, uid

X_ACCOUNT = "99"  # the sandbox's X support account
PAGE = "1001"  # the sandbox's Facebook Page
IG = "2001"  # the sandbox's Instagram account


class SandboxCase(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sandbox = Sandbox().start()

	@classmethod
	def tearDownClass(cls):
		cls.sandbox.stop()
		super().tearDownClass()


class TestXPolling(SocialTestCase):
	def setUp(self):
		# a fresh emulator per test: state and injected faults never leak between tests
		self.sandbox = Sandbox().start()
		self.addCleanup(self.sandbox.stop)
		self.channel = make_channel(
			"X", X_ACCOUNT, base_url=self.sandbox.url, poll=1, webhooks=0, name="Poll X " + uid()
		)
		self.x = self.sandbox.x

	def test_poll_creates_issue_and_moves_cursor_once(self):
		customer = uid("3")
		self.x.add_user(customer, "carol", "Carol Poll")
		tweet = self.x.post_tweet(customer, "@brand my invoice is wrong")
		result = poll_channel(self.channel.name)
		self.assertIsNone(result["error"])
		msg = frappe.get_doc("Social Message", {"message_key": f"{self.channel.name}:{tweet['id']}"})
		self.assertEqual(msg.reference_doctype, "Issue")
		self.assertEqual(get_cursor(self.channel.name, "mentions"), tweet["id"])
		# nothing new: polling again changes nothing and creates nothing
		before = frappe.db.count("Social Message", {"channel": self.channel.name})
		poll_channel(self.channel.name)
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.channel.name}), before)
		self.assertEqual(frappe.db.get_value("Social Channel", self.channel.name, "status"), "Active")

	def test_pagination_and_cursor_not_moved_on_failure(self):
		customer = uid("3")
		self.x.add_user(customer, "dan", "Dan Pages")
		tweets = [self.x.post_tweet(customer, f"@brand question {i}") for i in range(150)]
		# the second page fails: the first page's items are kept, the cursor stays where it was
		calls = {"n": 0}

		from social_support.core import channels as ch
		from social_support.platforms import make_client

		client = make_client(ch.channel_config(self.channel.name))
		real_poll = client.poll

		def failing_poll(stream, cursor):
			for page in real_poll(stream, cursor):
				calls["n"] += 1
				yield page
				if stream == "mentions" and calls["n"] == 1:
					self.sandbox.inject("server_error", path=r"/mentions")

		client.poll = failing_poll
		result = poll_channel(self.channel.name, client=client)
		self.assertIsNotNone(result["error"])
		self.assertIsNone(get_cursor(self.channel.name, "mentions"))
		stored = frappe.db.count("Social Message", {"channel": self.channel.name})
		self.assertEqual(stored, 100)  # the first page (max_results 100) was committed
		self.assertEqual(frappe.db.get_value("Social Channel", self.channel.name, "status"), "Error")

		# next poll (after the pause) gets everything, duplicates are no-ops, the cursor moves to the newest
		frappe.db.set_value("Social Channel", self.channel.name, "backoff_until", None)
		frappe.db.commit()
		result = poll_channel(self.channel.name)
		self.assertIsNone(result["error"])
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.channel.name}), 150)
		self.assertEqual(get_cursor(self.channel.name, "mentions"), tweets[-1]["id"])

	def test_rate_limit_pauses_channel(self):
		self.sandbox.inject("rate_limit", path=r"/mentions", reset_in=120)
		result = poll_channel(self.channel.name)
		self.assertIn("429", result["error"])
		ch = frappe.get_doc("Social Channel", self.channel.name)
		self.assertEqual(ch.status, "Rate Limited")
		self.assertTrue(ch.backoff_until)
		self.assertNotIn(self.channel.name, due_channels())

	def test_expired_token_flags_channel_notifies_once_and_stops(self):
		self.sandbox.inject("expired_token", path=r"/2/")
		before = frappe.db.count(
			"Notification Log", {"document_type": "Social Channel", "document_name": self.channel.name}
		)
		poll_channel(self.channel.name)
		poll_channel(self.channel.name)
		ch = frappe.get_doc("Social Channel", self.channel.name)
		self.assertEqual((ch.needs_reauthorization, ch.status), (1, "Needs Reauthorization"))
		after = frappe.db.count(
			"Notification Log", {"document_type": "Social Channel", "document_name": self.channel.name}
		)
		self.assertEqual(
			after - before,
			frappe.db.count(
				"Has Role",
				{
					"role": "System Manager",
					"parenttype": "User",
					"parent": ("not in", ("Administrator", "Guest")),
				},
			)
			or 1,
		)
		requests_before = len(self.sandbox.requests)
		poll_channel(self.channel.name)
		self.assertEqual(len(self.sandbox.requests), requests_before)  # stopped hammering
		self.assertNotIn(self.channel.name, due_channels())
		# new credentials resume it
		ch.access_token = "99-fresh"
		ch.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Social Channel", ch.name, "needs_reauthorization"), 0)

	def test_dm_poll(self):
		customer = uid("3")
		self.x.add_user(customer, "erin", "Erin DM")
		self.x.send_dm_to(X_ACCOUNT, customer, "please call me back")
		poll_channel(self.channel.name)
		issue = issue_for(self.channel.name, dm_thread_key(customer))
		self.assertIn("call me back", communications(issue.name)[0].content)


class TestMetaPolling(SandboxCase):
	def test_facebook_feed_and_messenger(self):
		channel = make_channel(
			"Facebook", PAGE, base_url=self.sandbox.url, poll=1, webhooks=0, name="Poll FB " + uid()
		)
		g = self.sandbox.graph
		fan = uid("4")
		g.add_user(fan, "Fiona Fan")
		post = g.page_post(PAGE, "Our new store opens Monday")
		c = g.comment(post["id"], fan, "Is it wheelchair accessible?")
		g.message(PAGE, fan, "Also, my order 881 is late", platform="messenger")
		result = poll_channel(channel.name)
		self.assertIsNone(result["error"], result)
		msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{c['id']}"})
		self.assertTrue(msg.reference_name)
		self.assertIsNotNone(issue_for(channel.name, dm_thread_key(fan)))
		# the page's own post is not a ticket
		self.assertEqual(frappe.db.count("Issue", {"social_channel": channel.name}), 2)

	def test_instagram_comments_and_dms(self):
		channel = make_channel(
			"Instagram", IG, base_url=self.sandbox.url, poll=1, webhooks=0, name="Poll IG " + uid()
		)
		g = self.sandbox.graph
		fan = uid("5")
		g.add_user(fan, "Gus Gram", username="gus")
		media = g.ig_media(IG, "Autumn collection")
		c = g.comment(media["id"], fan, "Price?")
		g.message(IG, fan, "Hej! Har ni storlek 42?", platform="instagram")
		result = poll_channel(channel.name)
		self.assertIsNone(result["error"], result)
		self.assertTrue(
			frappe.db.get_value(
				"Social Message", {"message_key": f"{channel.name}:{c['id']}"}, "reference_name"
			)
		)
		self.assertIsNotNone(issue_for(channel.name, dm_thread_key(fan)))
