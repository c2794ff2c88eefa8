"""X Account Activity webhooks: CRC and signature (known-answer vectors), v1.1 payload parsing, and the
sandbox's signed delivery to a real HTTP endpoint."""

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from social_support.platforms import get_family
from social_support.platforms.x import (
	crc_response,
	parse_webhook,
	signature,
	verify_signature,
	webhook_account_ids,
)

SECRET = "s3cr3t"
BODY = b'{"for_user_id":"99","tweet_create_events":[]}'
BODY_SIG = "sha256=0LFb5wKhg7lLroQhwQUOCh/JQJI7IE+5QCQ9CbBPEyI="


# --- known-answer vectors (secret "s3cr3t") ----------------------------------------------------
def test_crc_vector():
	assert crc_response("abc123", SECRET) == {
		"response_token": "sha256=Boi2w+Ie6BRKhhklYGXkIhrulXuXOQj7HdyZ4QIanbk="
	}


def test_body_signature_vector():
	assert signature(BODY, SECRET) == BODY_SIG
	assert verify_signature(BODY, BODY_SIG, [SECRET])


@pytest.mark.parametrize(
	"body, header, secrets",
	[
		(BODY + b" ", BODY_SIG, [SECRET]),  # tampered body
		(BODY.replace(b"99", b"98"), BODY_SIG, [SECRET]),
		(BODY, BODY_SIG, ["wrong"]),  # wrong key
		(BODY, None, [SECRET]),  # missing header
		(BODY, "", [SECRET]),
		(BODY, "sha256=", [SECRET]),
		(BODY, BODY_SIG[len("sha256=") :], [SECRET]),  # no prefix
		(BODY, BODY_SIG.lower(), [SECRET]),  # base64 is case-sensitive
		(BODY, BODY_SIG, []),  # no secret configured: nothing verifies
	],
)
def test_signature_rejections(body, header, secrets):
	assert not verify_signature(body, header, secrets)


def test_any_of_several_secrets_is_accepted():
	# rotating the consumer secret, or two apps on one account
	assert verify_signature(BODY, BODY_SIG, ["old", SECRET])
	assert verify_signature(BODY, BODY_SIG, [SECRET, "new"])
	assert verify_signature(BODY, signature(BODY, "new"), [SECRET, "new"])


def test_family_is_reached_through_get_family():
	family = get_family("X")
	for name in ("make_client", "parse_poll", "verify_signature", "webhook_account_ids", "parse_webhook"):
		assert callable(getattr(family, name))
	assert family.parse_webhook is parse_webhook and family.verify_signature is verify_signature


# --- parsing -----------------------------------------------------------------------------------
def v1_tweet(tid, uid, text, reply_to=None, reply_user=None, **extra):
	return {
		"id": int(tid),
		"id_str": tid,
		"created_at": "Fri Dec 13 04:48:09 +0000 2019",
		"text": text,
		"in_reply_to_status_id_str": reply_to,
		"in_reply_to_user_id_str": reply_user,
		"user": {
			"id": int(uid),
			"id_str": uid,
			"screen_name": f"u{uid}",
			"name": f"User {uid}",
			"followers_count": 12,
			"profile_image_url_https": f"https://pbs.example/{uid}.jpg",
		},
		**extra,
	}


def dm_event(eid, sender, recipient, text, ms="1700000000123", **extra):
	return {
		"type": "message_create",
		"id": eid,
		"created_timestamp": ms,
		"message_create": {
			"target": {"recipient_id": recipient},
			"sender_id": sender,
			"message_data": {"text": text, "entities": {}},
		},
		**extra,
	}


def test_account_ids():
	assert webhook_account_ids({"for_user_id": "99", "tweet_create_events": []}) == ["99"]
	assert webhook_account_ids({"for_user_id": 99}) == ["99"]
	assert webhook_account_ids({}) == []


def test_customer_mention_is_an_inbound_post():
	(item,) = parse_webhook(
		{"for_user_id": "99", "tweet_create_events": [v1_tweet("10", "7", "@brand help")]}, "99"
	)
	assert (item.platform, item.account_id, item.external_id) == ("X", "99", "10")
	assert (item.kind, item.direction, item.action) == ("post", "Inbound", "create")
	assert item.thread_key == "public:10:7"
	assert (item.root_external_id, item.parent_external_id) == ("10", None)
	assert item.text == "@brand help"
	assert item.author.user_id == "7" and item.author.handle == "u7" and item.author.name == "User 7"
	assert item.author.follower_count == 12 and item.author.avatar_url == "https://pbs.example/7.jpg"
	assert item.permalink == "https://x.com/u7/status/10"
	assert item.created_at == datetime(2019, 12, 13, 4, 48, 9, tzinfo=timezone.utc)
	assert item.created_at.utcoffset().total_seconds() == 0
	assert item.stream == "webhook"


def test_timestamp_ms_gives_millisecond_precision():
	tweet = v1_tweet("10", "7", "@brand hi", timestamp_ms="1576212489123")
	(item,) = parse_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")
	assert item.created_at == datetime(2019, 12, 13, 4, 48, 9, 123000, tzinfo=timezone.utc)


def test_created_at_in_another_offset_is_converted_to_utc():
	tweet = v1_tweet("10", "7", "@brand hi", created_at="Fri Dec 13 06:48:09 +0200 2019")
	(item,) = parse_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")
	assert item.created_at == datetime(2019, 12, 13, 4, 48, 9, tzinfo=timezone.utc)
	assert item.created_at.tzinfo == timezone.utc


def test_customer_reply_is_a_comment_threaded_under_its_parent():
	tweet = v1_tweet("11", "7", "@brand still broken", reply_to="5", reply_user="99")
	(item,) = parse_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")
	assert (item.kind, item.direction, item.parent_external_id) == ("comment", "Inbound", "5")
	# v1.1 carries no conversation id: the app resolves the real root through the parent
	assert item.root_external_id is None
	assert item.thread_key == "public:5:7"


def test_own_reply_is_outbound_addressed_to_the_customer():
	tweet = v1_tweet("12", "99", "@u7 sorry, DM us", reply_to="11", reply_user="7")
	(item,) = parse_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")
	assert (item.direction, item.kind, item.parent_external_id) == ("Outbound", "comment", "11")
	assert item.thread_key == "public:11:7"
	assert item.author.handle == "u99"


def test_own_standalone_post_is_outbound_not_skipped():
	(item,) = parse_webhook(
		{"for_user_id": "99", "tweet_create_events": [v1_tweet("13", "99", "New release today")]}, "99"
	)
	assert (item.direction, item.kind, item.thread_key) == ("Outbound", "post", "public:13:99")


def test_extended_tweet_full_text_wins_over_truncated_text():
	long = "x" * 250
	tweet = v1_tweet("14", "7", long[:140] + "…", truncated=True, extended_tweet={"full_text": long})
	(item,) = parse_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")
	assert item.text == long


def test_plain_retweets_are_skipped():
	retweet = v1_tweet("15", "8", "RT @brand: news", retweeted_status=v1_tweet("13", "99", "news"))
	items = parse_webhook({"for_user_id": "99", "tweet_create_events": [retweet]}, "99")
	assert items == []


def test_media_of_a_v1_tweet_become_typed_media():
	tweet = v1_tweet(
		"16",
		"7",
		"@brand look",
		extended_entities={
			"media": [
				{"id_str": "51", "type": "photo", "media_url_https": "https://pbs.twimg.com/media/a.jpg"},
				{
					"id_str": "52",
					"type": "video",
					"media_url_https": "https://pbs.twimg.com/ext_tw_video_thumb/52/b.jpg",
					"video_info": {
						"variants": [
							{
								"content_type": "application/x-mpegURL",
								"url": "https://video.twimg.com/v/52.m3u8",
							},
							{
								"content_type": "video/mp4",
								"bitrate": 256000,
								"url": "https://video.twimg.com/v/52-s.mp4",
							},
							{
								"content_type": "video/mp4",
								"bitrate": 832000,
								"url": "https://video.twimg.com/v/52-l.mp4",
							},
						]
					},
				},
				{"type": "x"},
			]
		},
	)
	(item,) = parse_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")
	assert [(m.kind, m.url, m.media_id, m.mime_type) for m in item.media] == [
		("image", "https://pbs.twimg.com/media/a.jpg", "51", None),
		("video", "https://video.twimg.com/v/52-l.mp4", "52", "video/mp4"),
	]


def test_direct_messages_inbound_and_echo():
	payload = {
		"for_user_id": "99",
		"direct_message_events": [
			dm_event("501", "7", "99", "my order is late"),
			dm_event("502", "99", "7", "which order?", ms="1700000001000"),
		],
		"users": {
			"7": {"id": "7", "id_str": "7", "screen_name": "cust", "name": "Cust", "followers_count": 3},
			"99": {"id": "99", "id_str": "99", "screen_name": "brand", "name": "Brand"},
		},
	}
	dm, echo = parse_webhook(payload, "99")
	assert (dm.kind, dm.direction, dm.thread_key, dm.external_id) == ("dm", "Inbound", "dm:7", "501")
	assert (dm.author.handle, dm.author.name, dm.author.follower_count) == ("cust", "Cust", 3)
	assert dm.text == "my order is late" and dm.is_private
	assert dm.created_at == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc)
	# the account's own DM comes back as an echo: recorded as outbound in the customer's thread
	assert (echo.direction, echo.thread_key, echo.author.handle) == ("Outbound", "dm:7", "brand")
	assert echo.created_at == datetime(2023, 11, 14, 22, 13, 21, tzinfo=timezone.utc)


def test_other_dm_event_types_are_ignored():
	payload = {"for_user_id": "99", "direct_message_events": [{"type": "read_receipt", "id": "1"}]}
	assert parse_webhook(payload, "99") == []


def test_tweet_delete_events():
	payload = {
		"for_user_id": "99",
		"tweet_delete_events": [{"status": {"id": "10", "user_id": "7"}, "timestamp_ms": "1700000002000"}],
	}
	(item,) = parse_webhook(payload, "99")
	assert (item.action, item.external_id, item.author.user_id) == ("delete", "10", "7")
	assert item.created_at == datetime(2023, 11, 14, 22, 13, 22, tzinfo=timezone.utc)


def test_mixed_payload_keeps_order_tweets_dms_deletes():
	payload = {
		"for_user_id": "99",
		"tweet_create_events": [v1_tweet("10", "7", "@brand hi")],
		"direct_message_events": [dm_event("501", "7", "99", "hi")],
		"users": {},
		"tweet_delete_events": [{"status": {"id": "9", "user_id": "7"}, "timestamp_ms": "1700000002000"}],
	}
	assert [(i.kind, i.action) for i in parse_webhook(payload, "99")] == [
		("post", "create"),
		("dm", "create"),
		("post", "delete"),
	]


def test_a_delivery_for_another_account_yields_nothing():
	payload = {"for_user_id": "100", "tweet_create_events": [v1_tweet("10", "7", "@brand hi")]}
	assert parse_webhook(payload, "99") == []


# --- the sandbox builds and delivers the same payloads over real HTTP ---------------------------
class _Receiver:
	"""A tiny webhook endpoint that answers CRC and records signed POSTs like the app does."""

	def __init__(self, secret):
		received = self.received = []

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def _answer(self, status, body):
				data = json.dumps(body).encode()
				self.send_response(status)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				self.wfile.write(data)

			def do_GET(self):
				token = parse_qs(urlsplit(self.path).query).get("crc_token", [""])[0]
				self._answer(200, crc_response(token, secret))

			def do_POST(self):
				body = self.rfile.read(int(self.headers["Content-Length"]))
				if not verify_signature(body, self.headers.get("x-twitter-webhooks-signature"), [secret]):
					return self._answer(403, {"error": "bad signature"})
				received.append(json.loads(body))
				self._answer(200, {"ok": True})

		self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
		threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

	def close(self):
		self.httpd.shutdown()
		self.httpd.server_close()


@pytest.fixture()
def receiver():
	r = _Receiver(SECRET)
	yield r
	r.close()


def test_crc_check_against_a_real_endpoint(sandbox, receiver):
	assert sandbox.x.crc_check(receiver.url, SECRET)
	assert not sandbox.x.crc_check(receiver.url, "another secret")


def test_signed_delivery_round_trip(sandbox, receiver):
	sandbox.x.add_user("7", "cust", "Customer", followers=40)
	root = sandbox.x.post_tweet("99", "We are live")
	reply = sandbox.x.post_tweet("7", "@brand " + "why? " * 40, in_reply_to=root["id"])
	status, _ = sandbox.x.deliver_webhook(
		receiver.url, SECRET, sandbox.x.webhook_payload("tweet", tweet_id=reply["id"])
	)
	assert status == 200
	(item,) = parse_webhook(receiver.received[-1], "99")
	assert item.text == reply["text"]  # over 140 characters: came through extended_tweet.full_text
	assert (item.kind, item.parent_external_id, item.thread_key) == (
		"comment",
		root["id"],
		f"public:{root['id']}:7",
	)
	assert item.author.follower_count == 40
	# a wrong secret is refused by the receiver
	status, _ = sandbox.x.deliver_webhook(
		receiver.url, "nope", sandbox.x.webhook_payload("tweet", tweet_id=root["id"])
	)
	assert status == 403 and len(receiver.received) == 1


def test_sandbox_dm_and_delete_payloads_parse(sandbox, receiver):
	sandbox.x.add_user("7", "cust", "Customer")
	event = sandbox.x.send_dm_to("99", "7", "help please")
	sandbox.x.deliver_webhook(receiver.url, SECRET, sandbox.x.webhook_payload("dm", event_id=event["id"]))
	(dm,) = parse_webhook(receiver.received[-1], "99")
	assert (dm.external_id, dm.thread_key, dm.author.handle, dm.text) == (
		event["id"],
		"dm:7",
		"cust",
		"help please",
	)
	assert dm.created_at.tzinfo == timezone.utc
	tweet = sandbox.x.post_tweet("7", "@brand oops")
	sandbox.x.deliver_webhook(receiver.url, SECRET, sandbox.x.webhook_payload("delete", tweet_id=tweet["id"]))
	(deleted,) = parse_webhook(receiver.received[-1], "99")
	assert (deleted.action, deleted.external_id) == ("delete", tweet["id"])
