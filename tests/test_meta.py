"""Meta: signature vector, handshake, webhook and Graph parsing, the real facebook-sdk client against the sandbox."""

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from social_support.platforms import ChannelConfig, make_client
from social_support.platforms.base import (
	AuthError,
	BadRequest,
	Duplicate,
	OutsideWindow,
	PermissionDenied,
	RateLimited,
	TransientError,
)
from social_support.platforms.meta import (
	messaging_window,
	parse_poll,
	parse_webhook,
	signature,
	verify_signature,
	verify_subscription,
	webhook_account_ids,
	webhook_platform,
)

PAGE, IG = "1001", "2001"


def test_signature_vector():
	body = b'{"object":"page","entry":[]}'
	good = "sha256=0e9e0080a310f376450c46d999aa4d49ed772bfe43c13205f38a3a6e6611ed2b"
	assert signature(body, "appsecret") == good
	assert verify_signature(body, good, ["appsecret"])
	assert verify_signature(body, good.upper().replace("SHA256=", "sha256="), ["x", "appsecret"])
	assert not verify_signature(body + b"\n", good, ["appsecret"])
	assert not verify_signature(body, good, ["nope"])
	assert not verify_signature(body, None, ["appsecret"])
	assert not verify_signature(body, "0e9e0080", ["appsecret"])


def test_non_ascii_is_signed_over_the_escaped_bytes():
	escaped = json.dumps({"message": "zażółć 😡"}, ensure_ascii=True).encode()
	raw_utf8 = json.dumps({"message": "zażółć 😡"}, ensure_ascii=False).encode()
	sig = signature(escaped, "k")
	assert verify_signature(escaped, sig, ["k"])
	assert not verify_signature(raw_utf8, sig, ["k"])  # a re-serialization is not what was signed


def test_subscription_handshake():
	assert verify_subscription("subscribe", "tok", "123", ["other", "tok"]) == "123"
	assert verify_subscription("subscribe", "bad", "123", ["tok"]) is None
	assert verify_subscription("unsubscribe", "tok", "123", ["tok"]) is None
	assert verify_subscription("subscribe", None, "123", ["tok"]) is None


def feed(value, page=PAGE):
	return {
		"object": "page",
		"entry": [{"id": page, "time": 1, "changes": [{"field": "feed", "value": value}]}],
	}


def test_feed_comments_posts_edits_removes():
	top = feed(
		{
			"item": "comment",
			"verb": "add",
			"comment_id": "P_1",
			"post_id": "P",
			"parent_id": "P",
			"from": {"id": "7", "name": "Ann"},
			"message": "hi",
			"created_time": 1700000000,
		}
	)
	(c,) = parse_webhook(top, PAGE)
	assert (c.kind, c.thread_key, c.parent_external_id, c.root_external_id) == (
		"comment",
		"public:P:7",
		"P",
		"P",
	)
	assert c.created_at == datetime.fromtimestamp(1700000000, tz=timezone.utc)
	reply = feed(
		{
			"item": "comment",
			"verb": "add",
			"comment_id": "P_2",
			"post_id": "P",
			"parent_id": "P_1",
			"from": {"id": "8", "name": "Bo"},
			"message": "me too",
			"created_time": 1700000001,
		}
	)
	assert parse_webhook(reply, PAGE)[0].thread_key == "public:P:8"  # each commenter has a thread
	own = feed(
		{
			"item": "comment",
			"verb": "add",
			"comment_id": "P_3",
			"post_id": "P",
			"parent_id": "P_1",
			"from": {"id": PAGE, "name": "Brand"},
			"message": "DM us",
			"created_time": 1700000002,
		}
	)
	assert parse_webhook(own, PAGE)[0].direction == "Outbound"
	post = feed(
		{
			"item": "status",
			"verb": "add",
			"post_id": "V",
			"from": {"id": "9", "name": "Vi"},
			"message": "closed?",
			"created_time": 1700000003,
		}
	)
	assert (parse_webhook(post, PAGE)[0].kind, parse_webhook(post, PAGE)[0].thread_key) == (
		"post",
		"public:V:9",
	)
	edited = feed(
		{
			"item": "comment",
			"verb": "edited",
			"comment_id": "P_1",
			"post_id": "P",
			"parent_id": "P",
			"from": {"id": "7"},
			"message": "hi!",
			"created_time": 1700000000,
		}
	)
	removed = feed(
		{
			"item": "comment",
			"verb": "remove",
			"comment_id": "P_1",
			"post_id": "P",
			"parent_id": "P",
			"from": {"id": "7"},
			"created_time": 1700000000,
		}
	)
	assert (
		parse_webhook(edited, PAGE)[0].action == "edit" and parse_webhook(removed, PAGE)[0].action == "delete"
	)
	assert (
		parse_webhook(feed({"item": "reaction", "verb": "add", "post_id": "P", "from": {"id": "7"}}), PAGE)
		== []
	)


def messaging(entry_id, events, obj="page"):
	return {"object": obj, "entry": [{"id": entry_id, "time": 1, "messaging": events}]}


def test_messenger_text_attachments_echo_and_receipts():
	payload = messaging(
		PAGE,
		[
			{
				"sender": {"id": "7"},
				"recipient": {"id": PAGE},
				"timestamp": 1700000000000,
				"message": {"mid": "m1", "text": "hej"},
			},
			{
				"sender": {"id": "7"},
				"recipient": {"id": PAGE},
				"timestamp": 1700000001000,
				"message": {
					"mid": "m2",
					"attachments": [{"type": "image", "payload": {"url": "https://cdn.example/x.jpg"}}],
				},
			},
			{
				"sender": {"id": PAGE},
				"recipient": {"id": "7"},
				"timestamp": 1700000002000,
				"message": {"mid": "m3", "text": "svar", "is_echo": True},
			},
			{
				"sender": {"id": "7"},
				"recipient": {"id": PAGE},
				"timestamp": 1700000003000,
				"read": {"watermark": 1},
			},
			{
				"sender": {"id": "7"},
				"recipient": {"id": PAGE},
				"timestamp": 1700000003000,
				"delivery": {"mids": ["m3"]},
			},
		],
	)
	items = parse_webhook(payload, PAGE)
	assert [i.external_id for i in items] == ["m1", "m2", "m3"]
	assert items[0].thread_key == "dm:7" and items[0].created_at == datetime.fromtimestamp(
		1700000000, tz=timezone.utc
	)
	assert [(m.kind, m.url) for m in items[1].media] == [("image", "https://cdn.example/x.jpg")]
	assert items[1].text == ""
	assert (items[2].direction, items[2].thread_key) == ("Outbound", "dm:7")


def test_instagram_comments_dms_and_multi_entry_filter():
	payload = {
		"object": "instagram",
		"entry": [
			{
				"id": IG,
				"time": 1,
				"changes": [
					{
						"field": "comments",
						"value": {
							"id": "c1",
							"text": "price?",
							"from": {"id": "7", "username": "ann"},
							"media": {"id": "M"},
						},
					}
				],
			},
			{
				"id": IG,
				"time": 1,
				"changes": [
					{
						"field": "comments",
						"value": {
							"id": "c2",
							"text": "thanks",
							"from": {"id": "8", "username": "bo"},
							"media": {"id": "M"},
							"parent_id": "c1",
						},
					}
				],
			},
			{
				"id": "other",
				"time": 1,
				"changes": [
					{
						"field": "comments",
						"value": {"id": "c3", "text": "x", "from": {"id": "9"}, "media": {"id": "N"}},
					}
				],
			},
		],
	}
	assert webhook_platform(payload) == "Instagram" and webhook_account_ids(payload) == [IG, "other"]
	c1, c2 = parse_webhook(payload, IG)
	assert (c1.platform, c1.thread_key, c1.author.handle) == ("Instagram", "public:M:7", "ann")
	assert (c2.parent_external_id, c2.thread_key) == ("c1", "public:M:8")
	dm = messaging(
		IG,
		[
			{
				"sender": {"id": "7"},
				"recipient": {"id": IG},
				"timestamp": 1700000000000,
				"message": {"mid": "ig1", "text": "hallo"},
			}
		],
		"instagram",
	)
	(d,) = parse_webhook(dm, IG)
	assert (d.platform, d.kind, d.thread_key) == ("Instagram", "dm", "dm:7")


def test_rest_time_and_window_helper():
	now = datetime(2024, 1, 10, tzinfo=timezone.utc)
	assert messaging_window(now - timedelta(hours=23), now, False) == "RESPONSE"
	assert messaging_window(now - timedelta(hours=25), now, True) == "HUMAN_AGENT"
	assert messaging_window(now - timedelta(hours=25), now, False) is None
	assert messaging_window(now - timedelta(days=8), now, True) is None
	raw = {
		"data": [
			{
				"id": "P",
				"message": "x",
				"created_time": "2017-08-31T18:10:30+0000",
				"from": {"id": "5", "name": "V"},
			}
		]
	}
	(post,) = parse_poll("feed", raw, PAGE)
	assert post.created_at == datetime(2017, 8, 31, 18, 10, 30, tzinfo=timezone.utc)


@pytest.fixture()
def fb(sandbox):
	return make_client(
		ChannelConfig(
			"Facebook", PAGE, None, sandbox.url, {"access_token": "page-token", "app_secret": "s"}, timeout=2
		)
	)


@pytest.fixture()
def ig(sandbox):
	return make_client(
		ChannelConfig("Instagram", IG, "brand", sandbox.url, {"access_token": "page-token"}, timeout=2)
	)


def items_of(client, stream, cursor=None):
	pages = list(client.poll(stream, cursor))
	return pages, [i for p in pages for i in parse_poll(stream, p.raw, client.account_id)]


def test_feed_stream_paginates_and_moves_cursor(sandbox, fb):
	g = sandbox.graph
	g.add_user("7", "Ann Example")
	posts = [g.page_post(PAGE, f"post {i}", at=time.time() - 100 + i) for i in range(30)]
	for p in posts:
		g.comment(p["id"], "7", f"comment on {p['message']}", at=time.time() - 50)
	visitor = g.visitor_post(PAGE, "7", "is the shop open?")
	pages, items = items_of(fb, "feed")
	assert len(pages) == 2 and pages[0].cursor is None and pages[-1].cursor
	assert len([i for i in items if i.kind == "comment"]) == 30
	assert [i.external_id for i in items if i.kind == "post"] == [
		visitor["id"]
	]  # the page's own posts are not customer posts
	assert "after" in sandbox.requests_to(r"/feed")[-1].query  # followed paging.next
	late = g.comment(posts[0]["id"], "7", "one more")  # a new comment on an old post
	_, again = items_of(fb, "feed", pages[-1].cursor)
	assert late["id"] in [i.external_id for i in again]
	assert len(again) < len(items)


def test_messenger_and_instagram_streams(sandbox, fb, ig):
	g = sandbox.graph
	g.add_user("7", "Ann Example", username="ann")
	g.message(PAGE, "7", "where is my order?")
	fb.send_dm("7", "checking")
	_, items = items_of(fb, "messenger")
	assert [(i.direction, i.thread_key) for i in items] == [("Inbound", "dm:7"), ("Outbound", "dm:7")]
	m = g.ig_media(IG, "autumn")
	c = g.comment(m["id"], "7", "price?")
	g.comment(m["id"], "7", "and colours?", parent_id=c["id"])
	g.message(IG, "7", "hej", platform="instagram")
	_, comments = items_of(ig, "ig_comments")
	assert [(i.parent_external_id, i.thread_key) for i in comments] == [
		(m["id"], f"public:{m['id']}:7"),
		(c["id"], f"public:{m['id']}:7"),
	]
	_, dms = items_of(ig, "ig_dms")
	assert [(i.platform, i.text) for i in dms] == [("Instagram", "hej")]


def test_sends_and_windows(sandbox, fb, ig):
	g = sandbox.graph
	g.add_user("7", "Ann")
	post = g.page_post(PAGE, "hello")
	c = g.comment(post["id"], "7", "question")
	r = fb.reply_public(c["id"], "answer")
	assert sandbox.graph.sent[-1] == {"object": c["id"], "edge": "comments", "params": {"message": "answer"}}
	assert r.external_id == sandbox.graph.comments[-1]["id"]
	g.message(PAGE, "7", "dm")
	fb.send_dm("7", "inside 24 h")
	sent = sandbox.graph.sent[-1]["params"]
	assert sent["messaging_type"] == "RESPONSE" and json.loads(sent["recipient"]) == {"id": "7"}
	assert json.loads(sent["message"]) == {"text": "inside 24 h"}
	g.set_last_message_at(PAGE, "7", time.time() - 3 * 86400)
	with pytest.raises(OutsideWindow):
		fb.send_dm("7", "late RESPONSE")
	fb.send_dm("7", "late but human", tag="HUMAN_AGENT")
	assert (
		sandbox.graph.sent[-1]["params"]["tag"] == "HUMAN_AGENT"
		and sandbox.graph.sent[-1]["params"]["messaging_type"] == "MESSAGE_TAG"
	)
	g.set_last_message_at(PAGE, "7", time.time() - 8 * 86400)
	with pytest.raises(OutsideWindow):
		fb.send_dm("7", "too late", tag="HUMAN_AGENT")
	fb.private_reply(c["id"], "private")
	assert json.loads(sandbox.graph.sent[-1]["params"]["recipient"]) == {"comment_id": c["id"]}
	with pytest.raises(Duplicate):
		fb.private_reply(c["id"], "private again")
	fb.hide(c["id"])
	assert sandbox.graph.hidden[c["id"]] is True and sandbox.graph.sent[-1]["params"] == {"is_hidden": "true"}
	m = g.ig_media(IG, "x")
	ic = g.comment(m["id"], "7", "hi")
	ig.reply_public(ic["id"], "hello")
	assert sandbox.graph.sent[-1]["edge"] == "replies"
	ig.hide(ic["id"])
	assert sandbox.graph.sent[-1]["params"] == {"hide": "true"}
	with pytest.raises(BadRequest):
		fb.repost(post["id"])
	with pytest.raises(PermissionDenied):
		fb.send_dm("never-wrote", "hi")  # 551: person unavailable


def test_errors_are_classified_through_real_http(sandbox, fb):
	sandbox.inject("rate_limit", path="/feed", reset_in=300)
	with pytest.raises(RateLimited) as e:
		list(fb.poll("feed", None))
	assert e.value.retry_after == 300 and e.value.code == 4
	sandbox.inject("server_error", path="/feed")
	with pytest.raises(TransientError):
		list(fb.poll("feed", None))
	sandbox.inject("expired_token", path="/feed")
	with pytest.raises(AuthError) as e:
		list(fb.poll("feed", None))
	assert e.value.code == 190 and e.value.needs_reauth
	sandbox.inject("timeout", path="/feed", delay=3)
	with pytest.raises(TransientError):
		list(fb.poll("feed", None))
	sandbox.inject("outside_window", path="/messages")
	with pytest.raises(OutsideWindow) as e:
		fb.send_dm("7", "x")
	assert e.value.subcode == 2018278
	sandbox.graph.revoke_token("page-token")
	with pytest.raises(AuthError):
		list(fb.poll("feed", None))


def test_usage_header_is_read(sandbox, fb):
	pages = list(fb.poll("feed", None))
	assert pages[-1].rate_limit.usage_percent == 1
