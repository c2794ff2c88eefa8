"""Webhook -> stored event -> worker -> Issue, for every platform and message kind."""

import json
import time

import frappe

from social_support.platforms.base import dm_thread_key, public_thread_key

from .utils import (
	META_SECRET,
	VERIFY_TOKEN,
	X_SECRET,
	SocialTestCase,
	communications,
	deliver_meta,
	deliver_x,
	events_of,
	issue_for,
	make_channel,
	meta_signature,
	post_webhook,
	request,
	uid,
	work,
	x_signature,
)


def x_tweet(tweet_id, user_id, text, reply_to=None, screen_name="alice", name="Alice Example"):
	return {
		"id_str": tweet_id,
		"created_at": "Fri Dec 13 04:48:09 +0000 2019",
		"text": text,
		"in_reply_to_status_id_str": reply_to,
		"user": {"id_str": user_id, "screen_name": screen_name, "name": name},
	}


def fb_change(page, value):
	return {
		"object": "page",
		"entry": [{"id": page, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}],
	}


class TestWebhooks(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.x_account = uid()
		cls.page = uid()
		cls.ig = uid()
		cls.x = make_channel("X", cls.x_account)
		cls.fb = make_channel("Facebook", cls.page)
		cls.insta = make_channel("Instagram", cls.ig)

	# --- handshakes ---------------------------------------------------------------------------
	def test_x_crc(self):
		r = request(
			"GET",
			"/api/method/social_support.api.webhooks.x",
			query={"crc_token": "abc123", "channel": self.x.name},
		)
		self.assertEqual(r.status_code, 200)
		from social_support.platforms.x import crc_response

		self.assertEqual(r.json, crc_response("abc123", X_SECRET))

	def test_meta_challenge(self):
		path = "/api/method/social_support.api.webhooks.meta"
		ok = request(
			"GET",
			path,
			query={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "4242"},
		)
		self.assertEqual((ok.status_code, ok.get_data(as_text=True)), (200, "4242"))
		bad = request(
			"GET", path, query={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "4242"}
		)
		self.assertEqual(bad.status_code, 403)
		self.assertNotIn("4242", bad.get_data(as_text=True))

	# --- rejections ---------------------------------------------------------------------------
	def test_bad_or_missing_signature_stores_nothing(self):
		before = frappe.db.count("Social Inbound Event")
		body = json.dumps(
			{"for_user_id": self.x_account, "tweet_create_events": [x_tweet(uid(), uid(), "hi")]}
		).encode()
		r = post_webhook("x", body, x_signature(body, "wrong-secret"), "X-Twitter-Webhooks-Signature")
		self.assertEqual(r.status_code, 401)
		r = post_webhook("x", body, None, "X-Twitter-Webhooks-Signature")
		self.assertEqual(r.status_code, 401)
		body = json.dumps(fb_change(self.page, {"item": "comment", "verb": "add"})).encode()
		r = post_webhook("meta", body + b" ", meta_signature(body), "X-Hub-Signature-256")
		self.assertEqual(r.status_code, 403)
		self.assertEqual(frappe.db.count("Social Inbound Event"), before)

	def test_oversized_and_malformed(self):
		big = b'{"object":"page","entry":[],"pad":"' + b"x" * (1100 * 1024) + b'"}'
		r = post_webhook("meta", big, meta_signature(big), "X-Hub-Signature-256")
		self.assertEqual(r.status_code, 413)
		# a JSON content type is parsed by Frappe before any app code runs (it answers that itself);
		# every other malformed body reaches us and gets 400 + an Error Log
		bad = b'{"object": "page", "entry": [}'
		logs = frappe.db.count("Error Log")
		r = request(
			"POST",
			"/api/method/social_support.api.webhooks.meta",
			data=bad,
			headers={"Content-Type": "text/plain", "X-Hub-Signature-256": meta_signature(bad)},
		)
		self.assertEqual(r.status_code, 400)
		self.assertEqual(frappe.db.count("Error Log"), logs + 1)
		not_object = b"[1, 2]"
		r = post_webhook("meta", not_object, meta_signature(not_object), "X-Hub-Signature-256")
		self.assertEqual(r.status_code, 400)

	def test_unknown_account_is_answered_and_recorded(self):
		stranger = uid()
		r = deliver_meta(
			fb_change(
				stranger,
				{
					"item": "comment",
					"verb": "add",
					"comment_id": uid(),
					"post_id": uid(),
					"from": {"id": uid(), "name": "Z"},
					"message": "hi",
					"created_time": int(time.time()),
				},
			)
		)
		self.assertEqual(r.status_code, 200)
		ignored = frappe.get_all(
			"Social Inbound Event", filters={"status": "Ignored", "account_ids": stranger}, pluck="name"
		)
		self.assertEqual(len(ignored), 1)

	# --- X ------------------------------------------------------------------------------------
	def test_x_mention_becomes_issue_and_redelivery_is_one(self):
		customer, tweet = uid(), uid()
		payload = {
			"for_user_id": self.x_account,
			"tweet_create_events": [x_tweet(tweet, customer, "@brand my order 4411 never arrived")],
		}
		for _ in range(3):  # X and Meta redeliver; we must not duplicate
			self.assertEqual(deliver_x(payload).status_code, 200)
		work(self.x.name)
		issue = issue_for(self.x.name, public_thread_key(tweet, customer))
		self.assertIsNotNone(issue)
		self.assertEqual(frappe.db.count("Social Message", {"channel": self.x.name, "external_id": tweet}), 1)
		self.assertEqual(
			frappe.db.count(
				"Issue",
				{"social_channel": self.x.name, "social_thread_key": public_thread_key(tweet, customer)},
			),
			1,
		)
		self.assertIn("4411", issue.subject)
		self.assertTrue(issue.raised_by.endswith(".invalid"))
		self.assertTrue(issue.contact)
		self.assertEqual(issue.social_platform, "X")
		comms = communications(issue.name)
		self.assertEqual(len(comms), 1)
		self.assertEqual((comms[0].sent_or_received, comms[0].communication_medium), ("Received", "Chat"))
		statuses = {e.status for e in events_of(self.x.name)}
		self.assertEqual(statuses, {"Processed"})

	def test_x_reply_thread_and_own_reply_is_outbound(self):
		customer, first, ours, second = uid(), uid(), uid(), uid()
		deliver_x(
			{
				"for_user_id": self.x_account,
				"tweet_create_events": [x_tweet(first, customer, "@brand app crashes on login")],
			}
		)
		deliver_x(
			{
				"for_user_id": self.x_account,
				"tweet_create_events": [
					x_tweet(
						ours,
						self.x_account,
						"@alice sorry! DM us",
						reply_to=first,
						screen_name="brand",
						name="Brand",
					)
				],
			}
		)
		deliver_x(
			{
				"for_user_id": self.x_account,
				"tweet_create_events": [x_tweet(second, customer, "@brand done", reply_to=ours)],
			}
		)
		work(self.x.name)
		issue = issue_for(self.x.name, public_thread_key(first, customer))
		comms = communications(issue.name)
		self.assertEqual([c.sent_or_received for c in comms], ["Received", "Sent", "Received"])
		own = frappe.get_doc("Social Message", {"message_key": f"{self.x.name}:{ours}"})
		self.assertEqual(own.direction, "Outbound")
		self.assertEqual(
			frappe.db.count(
				"Issue", {"social_channel": self.x.name, "social_profile": f"X-{self.x_account}"}
			),
			0,
		)

	def test_x_dm(self):
		customer, event = uid(), uid()
		payload = {
			"for_user_id": self.x_account,
			"direct_message_events": [
				{
					"type": "message_create",
					"id": event,
					"created_timestamp": str(int(time.time() * 1000)),
					"message_create": {
						"target": {"recipient_id": self.x_account},
						"sender_id": customer,
						"message_data": {"text": "my card was charged twice"},
					},
				}
			],
			"users": {
				customer: {"id": customer, "name": "Dee M", "screen_name": "dee"},
				self.x_account: {"id": self.x_account, "name": "Brand", "screen_name": "brand"},
			},
		}
		deliver_x(payload)
		work(self.x.name)
		issue = issue_for(self.x.name, dm_thread_key(customer))
		self.assertEqual(issue.social_conversation, "Private")
		self.assertIn("charged twice", communications(issue.name)[0].content)

	# --- Facebook -----------------------------------------------------------------------------
	def test_facebook_comments_each_commenter_own_thread(self):
		post = f"{self.page}_{uid()}"
		alice, bob = uid(), uid()
		now = int(time.time())
		for who, cid, text in (
			(alice, uid(), "where is my refund?"),
			(bob, uid(), "<script>alert(1)</script> same here"),
		):
			deliver_meta(
				fb_change(
					self.page,
					{
						"item": "comment",
						"verb": "add",
						"comment_id": cid,
						"post_id": post,
						"parent_id": post,
						"from": {"id": who, "name": f"User {who[:4]}"},
						"message": text,
						"created_time": now,
					},
				)
			)
		work(self.fb.name)
		a = issue_for(self.fb.name, public_thread_key(post, alice))
		b = issue_for(self.fb.name, public_thread_key(post, bob))
		self.assertTrue(a and b and a.name != b.name)
		content = communications(b.name)[0].content
		self.assertNotIn("<script>", content)
		self.assertIn("&lt;script&gt;", content)

	def test_facebook_visitor_post_edit_and_remove(self):
		post, visitor = f"{self.page}_{uid()}", uid()
		base = {
			"item": "post",
			"post_id": post,
			"from": {"id": visitor, "name": "Vera Visitor"},
			"created_time": int(time.time()),
		}
		deliver_meta(
			fb_change(self.page, {**base, "verb": "add", "message": "The store on Main St is closed?"})
		)
		deliver_meta(
			fb_change(
				self.page, {**base, "verb": "edited", "message": "The store on Main St was closed at 10am"}
			)
		)
		deliver_meta(fb_change(self.page, {**base, "verb": "remove"}))
		work(self.fb.name)
		msg = frappe.get_doc("Social Message", {"message_key": f"{self.fb.name}:{post}"})
		self.assertEqual(msg.status, "Deleted")
		self.assertIn("10am", msg.text)  # edits update, deletions mark, never erase
		self.assertEqual(
			frappe.db.count(
				"Issue",
				{"social_channel": self.fb.name, "social_thread_key": public_thread_key(post, visitor)},
			),
			1,
		)

	def test_messenger_and_echo(self):
		psid, mid, echo = uid(), "m_" + uid(), "m_" + uid()
		ts = int(time.time() * 1000)
		deliver_meta(
			{
				"object": "page",
				"entry": [
					{
						"id": self.page,
						"time": ts,
						"messaging": [
							{
								"sender": {"id": psid},
								"recipient": {"id": self.page},
								"timestamp": ts,
								"message": {"mid": mid, "text": "hej, var är mitt paket?"},
							}
						],
					}
				],
			}
		)
		deliver_meta(
			{
				"object": "page",
				"entry": [
					{
						"id": self.page,
						"time": ts,
						"messaging": [
							{
								"sender": {"id": self.page},
								"recipient": {"id": psid},
								"timestamp": ts + 5,
								"message": {"mid": echo, "text": "Vi kollar!", "is_echo": True},
							}
						],
					}
				],
			}
		)
		work(self.fb.name)
		issue = issue_for(self.fb.name, dm_thread_key(psid))
		self.assertEqual([c.sent_or_received for c in communications(issue.name)], ["Received", "Sent"])
		self.assertEqual(
			frappe.db.get_value("Social Message", {"message_key": f"{self.fb.name}:{echo}"}, "direction"),
			"Outbound",
		)

	# --- Instagram ----------------------------------------------------------------------------
	def test_instagram_comment_and_dm(self):
		media, cid, user, dm_user = uid(), uid(), uid(), uid()
		deliver_meta(
			{
				"object": "instagram",
				"entry": [
					{
						"id": self.ig,
						"time": int(time.time()),
						"changes": [
							{
								"field": "comments",
								"value": {
									"id": cid,
									"text": "Zamówienie nie dotarło 😡",
									"from": {"id": user, "username": "ola"},
									"media": {"id": media},
								},
							}
						],
					}
				],
			}
		)
		ts = int(time.time() * 1000)
		deliver_meta(
			{
				"object": "instagram",
				"entry": [
					{
						"id": self.ig,
						"time": ts,
						"messaging": [
							{
								"sender": {"id": dm_user},
								"recipient": {"id": self.ig},
								"timestamp": ts,
								"message": {"mid": "ig_" + uid(), "text": "Hallo, ich habe eine Frage"},
							}
						],
					}
				],
			}
		)
		work(self.insta.name)
		c = issue_for(self.insta.name, public_thread_key(media, user))
		d = issue_for(self.insta.name, dm_thread_key(dm_user))
		self.assertTrue(c and d)
		self.assertEqual(c.social_platform, "Instagram")
		self.assertIn("😡", communications(c.name)[0].content)
