"""Outside text is data: names never break a ticket, markup never runs, tokens are never stored.

Everything arrives the way it does in production: through the signed webhook or a poll of the
sandbox, then the worker's drain.
"""

import importlib
import json
import re
import secrets
import time

import frappe

from social_support.ingest.poll import poll_channel
from social_support.ingest.profiles import profile_name
from social_support.platforms.base import public_thread_key
from social_support.sandbox.server import Sandbox

from .utils import (
	SocialTestCase,
	communications,
	deliver_meta,
	deliver_x,
	issue_for,
	make_channel,
	remove_channel_and_everything_it_made,
	uid,
	work,
)

HOSTILE_IMG = '<img src=x onerror="window.__xss=1">'
HOSTILE_SCRIPT = "<script>window.__xss=1</script>"
PAGE = "1001"  # the sandbox's Facebook Page


def fb_comment(page, post, who, text, *, name="Carla Customer", cid=None, **extra):
	value = {
		"item": "comment",
		"verb": "add",
		"comment_id": cid or f"{post}_{uid()}",
		"post_id": post,
		"parent_id": post,
		"message": text,
		"created_time": int(time.time()),
		**extra,
	}
	if who is not None:
		value["from"] = {"id": who, "name": name}
	return {
		"object": "page",
		"entry": [{"id": page, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}],
	}


def x_tweet(account, tweet_id, user, text):
	return {"for_user_id": account, "tweet_create_events": [{"id_str": tweet_id, "text": text, "user": user}]}


def message(channel, external_id):
	name = frappe.db.get_value("Social Message", {"message_key": f"{channel}:{external_id}"})
	return frappe.get_doc("Social Message", name) if name else None


class ChannelCase(SocialTestCase):
	"""A Facebook and an X channel of its own; everything they made is removed afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.page, cls.x_account = uid(), uid()
		cls.fb = make_channel("Facebook", cls.page, name="Trust FB " + uid())
		cls.x = make_channel("X", cls.x_account, name="Trust X " + uid())
		cls._create_contacts = frappe.db.get_single_value("Social Support Settings", "create_contacts")
		frappe.db.set_single_value("Social Support Settings", "create_contacts", 1)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		for channel in (cls.fb.name, cls.x.name):
			remove_channel_and_everything_it_made(channel)
		frappe.db.set_single_value("Social Support Settings", "create_contacts", cls._create_contacts)
		frappe.db.commit()
		super().tearDownClass()

	def event_of(self, channel):
		return frappe.get_last_doc("Social Inbound Event", filters={"channel": channel})


class TestNamesAndAuthors(ChannelCase):
	def test_a_display_name_with_markup_characters_still_gets_its_ticket(self):
		post, eve = f"{self.page}_{uid()}", uid()
		cid = f"{post}_{uid()}"
		deliver_meta(fb_comment(self.page, post, eve, "my order never came", name="Eve <3 >:(", cid=cid))
		work(self.fb.name)
		event = self.event_of(self.fb.name)
		self.assertEqual(event.status, "Processed", event.error)
		issue = issue_for(self.fb.name, public_thread_key(post, eve))
		self.assertIsNotNone(issue)
		profile = frappe.get_doc("Social Profile", f"Facebook-{eve}")
		self.assertEqual(profile.display_name, "Eve <3 >:(")
		contact = frappe.get_doc("Contact", profile.contact)
		# the name of the document is a safe label; the person's name keeps what they wrote
		self.assertNotRegex(contact.name, r"[<>]")
		self.assertEqual((contact.first_name, contact.last_name), ("Eve", "<3 >:("))
		self.assertEqual(issue.contact, contact.name)
		self.assertEqual(message(self.fb.name, cid).author_name, "Eve <3 >:(")

	def test_a_name_that_is_only_markup_gets_a_readable_contact(self):
		post, who = f"{self.page}_{uid()}", uid()
		deliver_meta(fb_comment(self.page, post, who, "hello", name="<<>>"))
		work(self.fb.name)
		self.assertEqual(self.event_of(self.fb.name).status, "Processed")
		contact = frappe.db.get_value("Social Profile", f"Facebook-{who}", "contact")
		self.assertTrue(contact.startswith(f"Facebook user {who}"), contact)

	def test_an_item_without_an_author_id_is_refused_visibly(self):
		post = f"{self.page}_{uid()}"
		cid = f"{post}_{uid()}"
		profiles_before = frappe.db.count("Social Profile")
		deliver_meta(fb_comment(self.page, post, None, "who am I?", cid=cid))
		work(self.fb.name)
		event = self.event_of(self.fb.name)
		self.assertEqual(event.status, "Failed")
		self.assertIn("no valid author id", event.error)
		self.assertIsNone(message(self.fb.name, cid))

		tid = uid()
		deliver_x(x_tweet(self.x_account, tid, {"screen_name": "nobody", "name": "No Id"}, "@brand hi"))
		work(self.x.name)
		event = self.event_of(self.x.name)
		self.assertEqual(event.status, "Failed")
		self.assertIn("no valid author id", event.error)
		self.assertIsNone(message(self.x.name, tid))

		self.assertEqual(frappe.db.count("Social Profile"), profiles_before)
		for shared in ("X-None", "X-", "Facebook-", "Facebook-None"):
			self.assertFalse(frappe.db.exists("Social Profile", shared), shared)

	def test_profile_names_refuse_missing_ids(self):
		self.assertEqual(profile_name("X", "123"), "X-123")
		for bad in (None, "", "None", "<b>", "12 34"):
			self.assertRaises(ValueError, profile_name, "X", bad)  # InvalidItem, a ValueError


class TestMarkupStaysText(ChannelCase):
	def test_a_hostile_comment_is_stored_as_text_and_shown_inert(self):
		post, who = f"{self.page}_{uid()}", uid()
		cid = f"{post}_{uid()}"
		text = (
			f"{HOSTILE_SCRIPT} {HOSTILE_IMG} a < b <3 [x](javascript:alert(1)) "
			'see https://example.com/?a=1&b="2" and javascript:alert(2)'
		)
		deliver_meta(
			fb_comment(
				self.page,
				post,
				who,
				text,
				name=HOSTILE_IMG,
				cid=cid,
				photo="https://evil.example/track.png",
			)
		)
		work(self.fb.name)
		self.assertEqual(self.event_of(self.fb.name).status, "Processed")
		msg = message(self.fb.name, cid)
		# the agent reads exactly what was written, in a field the desk shows as text
		self.assertEqual(msg.text, text)
		self.assertEqual(frappe.get_meta("Social Message").get_field("text").fieldtype, "Code")
		# names live in Data fields, which the desk renders as HTML: defused, still readable
		self.assertEqual(msg.author_name, '< img src=x onerror="window.__xss=1">')
		self.assertEqual(msg.permalink, f"https://www.facebook.com/{cid}")
		self.assertFalse(msg.media)  # not on a Meta media host
		profile = frappe.get_doc("Social Profile", msg.social_profile)
		contact = frappe.get_doc("Contact", profile.contact)
		for value in (profile.display_name, contact.first_name, contact.last_name or "", contact.full_name):
			self.assertNotRegex(value, r"<[A-Za-z/!?]", value)

		issue = issue_for(self.fb.name, public_thread_key(post, who))
		self.assertNotRegex(issue.subject, r"<[A-Za-z/!?]")
		comm = communications(issue.name)[0]
		self.assertNotIn("<script", comm.content)
		self.assertNotIn("<img", comm.content)
		self.assertIn("&lt;script&gt;", comm.content)
		hrefs = re.findall(r'href="([^"]*)"', comm.content)
		self.assertEqual(hrefs, ["https://example.com/?a=1&amp;b="])  # http(s) only, escaped
		sender = frappe.db.get_value("Communication", comm.name, "sender_full_name")
		self.assertNotRegex(sender, r"<[A-Za-z/!?]")

	def test_links_are_built_by_us_and_media_only_from_media_hosts(self):
		# a visitor post whose own "link" is a script, with a photo from elsewhere
		post, visitor = f"{self.page}_{uid()}", uid()
		deliver_meta(
			{
				"object": "page",
				"entry": [
					{
						"id": self.page,
						"time": int(time.time()),
						"changes": [
							{
								"field": "feed",
								"value": {
									"item": "post",
									"verb": "add",
									"post_id": post,
									"from": {"id": visitor, "name": "Vera"},
									"message": "look at this",
									"link": "javascript:alert(document.cookie)",
									"photo": "https://scontent.xx.fbcdn.net/v/t1/p.jpg?oh=1&oe=2",
									"created_time": int(time.time()),
								},
							}
						],
					}
				],
			}
		)
		work(self.fb.name)
		msg = message(self.fb.name, post)
		self.assertEqual(msg.permalink, f"https://www.facebook.com/{post}")
		self.assertEqual(
			[m["url"] for m in json.loads(msg.media)], ["https://scontent.xx.fbcdn.net/v/t1/p.jpg?oh=1&oe=2"]
		)
		issue = issue_for(self.fb.name, public_thread_key(post, visitor))
		self.assertEqual(issue.social_permalink, f"https://www.facebook.com/{post}")

		# an X author whose handle, name and media are markup
		tid, author = uid(), uid()
		payload = x_tweet(
			self.x_account,
			tid,
			{
				"id_str": author,
				"screen_name": HOSTILE_IMG,
				"name": HOSTILE_SCRIPT,
				"profile_image_url_https": "javascript:alert(1)",
			},
			"@brand help",
		)
		payload["tweet_create_events"][0]["entities"] = {
			"media": [
				{"media_url_https": "https://evil.example/x.png"},
				{"media_url_https": "https://pbs.twimg.com/media/ok.jpg"},
			]
		}
		deliver_x(payload)
		work(self.x.name)
		msg = message(self.x.name, tid)
		self.assertIsNone(msg.author_handle)
		self.assertEqual(msg.author_name, "< script>window.__xss=1< /script>")
		self.assertIsNone(msg.permalink)
		self.assertEqual([m["url"] for m in json.loads(msg.media)], ["https://pbs.twimg.com/media/ok.jpg"])
		profile = frappe.get_doc("Social Profile", f"X-{author}")
		self.assertEqual((profile.handle, profile.avatar_url, profile.profile_url), (None, None, None))

	def test_rows_stored_before_are_cleaned_by_the_patch(self):
		post, who = f"{self.page}_{uid()}", uid()
		cid = f"{post}_{uid()}"
		deliver_meta(fb_comment(self.page, post, who, HOSTILE_SCRIPT, name="Ann", cid=cid))
		work(self.fb.name)
		msg = message(self.fb.name, cid)
		issue = issue_for(self.fb.name, public_thread_key(post, who))
		profile = frappe.get_doc("Social Profile", msg.social_profile)
		# what the old pipeline wrote with db_insert / db.set_value
		frappe.db.set_value(
			"Social Message",
			msg.name,
			{
				"author_name": HOSTILE_IMG,
				"author_handle": HOSTILE_IMG,
				"permalink": "javascript:alert(1)",
			},
		)
		# sites from before media: the former attachments column, moved by its own patch
		old_column = frappe.db.has_column("Social Message", "attachments")
		if old_column:
			frappe.db.sql(
				"update `tabSocial Message` set attachments=%s, media=null where name=%s",
				("https://evil.example/a.png\nhttps://scontent.xx.fbcdn.net/ok.jpg", msg.name),
			)
		frappe.db.set_value(
			"Social Profile",
			profile.name,
			{"display_name": HOSTILE_SCRIPT, "handle": HOSTILE_IMG, "avatar_url": "javascript:x"},
		)
		frappe.db.set_value("Contact", profile.contact, {"first_name": HOSTILE_IMG, "last_name": "<b>x</b>"})
		frappe.db.set_value("Issue", issue.name, "social_permalink", "javascript:alert(1)")
		frappe.db.commit()

		importlib.import_module("social_support.patches.clean_stored_outside_text").execute()
		importlib.import_module("social_support.patches.move_attachments_to_media").execute()
		frappe.db.commit()

		msg.reload()
		self.assertEqual(msg.author_name, '< img src=x onerror="window.__xss=1">')
		self.assertEqual((msg.author_handle, msg.permalink), (None, None))
		if old_column:
			self.assertEqual(
				[(m["kind"], m["url"]) for m in json.loads(msg.media)],
				[("image", "https://scontent.xx.fbcdn.net/ok.jpg")],
			)
			self.assertFalse(
				frappe.db.sql("select attachments from `tabSocial Message` where name=%s", msg.name)[0][0]
			)
		self.assertEqual(msg.text, HOSTILE_SCRIPT)  # kept: the Code field shows it as text
		profile.reload()
		self.assertEqual(profile.display_name, "< script>window.__xss=1< /script>")
		self.assertEqual((profile.handle, profile.avatar_url), (None, None))
		contact = frappe.db.get_value("Contact", profile.contact, ["first_name", "last_name"], as_dict=True)
		self.assertEqual(
			(contact.first_name, contact.last_name), ('< img src=x onerror="window.__xss=1">', "< b>x< /b>")
		)
		self.assertIsNone(frappe.db.get_value("Issue", issue.name, "social_permalink"))


class TestNoTokensStored(SocialTestCase):
	"""Graph ``paging.next`` links carry the Page token; poll pages are stored on events."""

	def setUp(self):
		self.sandbox = Sandbox().start()
		self.addCleanup(self.sandbox.stop)
		self.token = "EAAG" + secrets.token_hex(24)
		self.channel = make_channel(
			"Facebook", PAGE, base_url=self.sandbox.url, poll=1, webhooks=0, name="Trust Poll FB " + uid()
		)
		self.channel.access_token = self.token
		self.channel.save(ignore_permissions=True)
		frappe.db.commit()
		self.started = frappe.utils.now_datetime()
		self.addCleanup(remove_channel_and_everything_it_made, self.channel.name)

	def stored_text(self) -> str:
		events = frappe.get_all(
			"Social Inbound Event",
			filters={"channel": self.channel.name},
			fields=["payload", "error", "summary"],
		)
		logs = frappe.get_all(
			"Error Log", filters={"creation": (">=", self.started)}, fields=["method", "error"]
		)
		last_error = frappe.db.get_value("Social Channel", self.channel.name, "last_error") or ""
		return json.dumps([events, logs, last_error], default=str)

	def test_poll_pages_are_stored_without_the_token(self):
		g = self.sandbox.graph
		fans = [uid("4") for _ in range(30)]
		for i, fan in enumerate(fans):
			g.add_user(fan, f"Fan {i}")
			g.visitor_post(PAGE, fan, f"question number {i}")  # more than one page of 25
		result = poll_channel(self.channel.name)
		self.assertIsNone(result["error"], result)
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.channel.name}), 30)
		payloads = frappe.get_all(
			"Social Inbound Event", filters={"channel": self.channel.name}, pluck="payload"
		)
		paged = [p for p in payloads if '"next"' in p]
		self.assertTrue(paged, "the sandbox pages the feed, so a stored page has paging.next")
		self.assertIn("access_token=REDACTED", paged[0])
		self.assertNotIn(self.token, self.stored_text())
		self.assertTrue(self.sandbox.requests_to(r"/feed"))

	def test_failed_polls_store_no_token_in_errors_or_logs(self):
		self.sandbox.inject("server_error", path=r"/feed", status=502)
		poll_channel(self.channel.name)
		frappe.db.set_value("Social Channel", self.channel.name, "backoff_until", None)
		frappe.db.commit()
		self.sandbox.inject("expired_token", path=r"/")
		poll_channel(self.channel.name)
		self.assertTrue(frappe.db.get_value("Social Channel", self.channel.name, "last_error"))
		self.assertNotIn(self.token, self.stored_text())

	def test_tokens_stored_before_are_redacted_by_the_patch(self):
		leaked = json.dumps(
			{
				"data": [{"id": f"{PAGE}_1", "message": "my password is hunter2"}],
				"paging": {
					"next": f"https://graph.facebook.com/v19.0/{PAGE}/feed?access_token={self.token}&after=QQ"
				},
			}
		)
		event = frappe.get_doc(
			{
				"doctype": "Social Inbound Event",
				"source": "Poll",
				"platform": "Facebook",
				"channel": self.channel.name,
				"stream": "feed",
				"payload": leaked,
				"status": "Processed",
				"received_on": frappe.utils.now_datetime(),
				"error": f"ConnectionError: /feed?access_token={self.token}&limit=25",
			}
		)
		event.db_insert()
		frappe.db.commit()
		importlib.import_module("social_support.patches.redact_stored_secrets").execute()
		frappe.db.commit()
		row = frappe.db.get_value("Social Inbound Event", event.name, ["payload", "error"], as_dict=True)
		self.assertNotIn(self.token, row.payload + row.error)
		self.assertIn("access_token=REDACTED&after=QQ", row.payload)
		self.assertEqual(json.loads(row.payload)["data"][0]["message"], "my password is hunter2")


class TestNoTokensStoredX(SocialTestCase):
	"""X: next_token is a cursor, not a secret; no bearer or user token ends up in what is stored."""

	def test_x_poll_pages_and_errors_carry_no_bearer_or_access_token(self):
		sandbox = Sandbox().start()
		self.addCleanup(sandbox.stop)
		bearer = "AAAAAAAAAAAAAAAAAAAAA" + secrets.token_hex(20)
		access = "99-" + secrets.token_hex(20)
		channel = make_channel(
			"X", "99", base_url=sandbox.url, poll=1, webhooks=0, name="Trust Poll X " + uid()
		)
		self.addCleanup(remove_channel_and_everything_it_made, channel.name)
		channel.bearer_token, channel.access_token = bearer, access
		channel.save(ignore_permissions=True)
		frappe.db.commit()
		started = frappe.utils.now_datetime()
		customer = uid("3")
		sandbox.x.add_user(customer, "pat", "Pat Pages")
		for i in range(120):  # more than one page of 100: the stored page has meta.next_token
			sandbox.x.post_tweet(customer, f"@brand question {i}")
		self.assertIsNone(poll_channel(channel.name)["error"])
		frappe.db.set_value("Social Channel", channel.name, "last_polled_on", None)
		sandbox.inject("server_error", path=r"/mentions")
		poll_channel(channel.name)
		stored = json.dumps(
			[
				frappe.get_all(
					"Social Inbound Event",
					filters={"channel": channel.name},
					fields=["payload", "error", "summary"],
				),
				frappe.get_all("Error Log", filters={"creation": (">=", started)}, fields=["error"]),
				frappe.db.get_value("Social Channel", channel.name, "last_error"),
			],
			default=str,
		)
		self.assertIn("next_token", stored)  # the cursor is kept
		self.assertNotIn(bearer, stored)
		self.assertNotIn(access, stored)
