"""X: signatures (PLATFORMS.md vectors), webhook and v2 parsing, the real tweepy client against the sandbox."""

import time
from datetime import datetime, timezone

import pytest

from social_support.platforms import ChannelConfig, make_client
from social_support.platforms.base import (
	AuthError,
	BadRequest,
	Duplicate,
	NotFound,
	RateLimited,
	TransientError,
)
from social_support.platforms.x import (
	crc_response,
	parse_poll,
	parse_webhook,
	signature,
	verify_signature,
	webhook_account_ids,
)

SECRET = "s3cr3t"


def test_crc_vector():
	assert crc_response("abc123", SECRET) == {
		"response_token": "sha256=Boi2w+Ie6BRKhhklYGXkIhrulXuXOQj7HdyZ4QIanbk="
	}


def test_signature_vector_and_rejections():
	body = b'{"for_user_id":"99","tweet_create_events":[]}'
	good = "sha256=0LFb5wKhg7lLroQhwQUOCh/JQJI7IE+5QCQ9CbBPEyI="
	assert signature(body, SECRET) == good
	assert verify_signature(body, good, [SECRET])
	assert verify_signature(body, good, ["other", SECRET])  # several apps
	assert not verify_signature(body + b" ", good, [SECRET])  # tampered body
	assert not verify_signature(body, good, ["wrong"])
	assert not verify_signature(body, None, [SECRET])
	assert not verify_signature(body, "sha256=", [SECRET])
	assert not verify_signature(body, good, [])


def tweet_event(tid, uid, text, reply_to=None, reply_user=None, **extra):
	return {
		"id_str": tid,
		"created_at": "Fri Dec 13 04:48:09 +0000 2019",
		"text": text,
		"in_reply_to_status_id_str": reply_to,
		"in_reply_to_user_id_str": reply_user,
		"user": {"id_str": uid, "screen_name": f"u{uid}", "name": f"User {uid}", "followers_count": 12},
		**extra,
	}


def test_webhook_tweets_threads_and_direction():
	payload = {
		"for_user_id": "99",
		"tweet_create_events": [
			tweet_event("1", "7", "@brand help"),
			tweet_event("2", "99", "@u7 on it", reply_to="1", reply_user="7"),
			tweet_event("3", "7", "short", extended_tweet={"full_text": "the long version of the text"}),
			tweet_event("4", "8", "RT", retweeted_status={"id_str": "1"}),
		],
	}
	assert webhook_account_ids(payload) == ["99"]
	items = parse_webhook(payload, "99")
	assert [i.external_id for i in items] == ["1", "2", "3"]  # plain retweets are not conversations
	first, ours, long = items
	assert (first.direction, first.kind, first.thread_key) == ("Inbound", "post", "public:1:7")
	assert first.created_at == datetime(2019, 12, 13, 4, 48, 9, tzinfo=timezone.utc)
	assert first.author.follower_count == 12 and first.permalink == "https://x.com/u7/status/1"
	assert (ours.direction, ours.kind, ours.parent_external_id, ours.thread_key) == (
		"Outbound",
		"comment",
		"1",
		"public:1:7",
	)
	assert long.text == "the long version of the text"
	assert parse_webhook(payload, "100") == []  # another account's delivery


def test_webhook_dms_echo_and_deletes():
	payload = {
		"for_user_id": "99",
		"direct_message_events": [
			{
				"type": "message_create",
				"id": "501",
				"created_timestamp": "1700000000123",
				"message_create": {
					"target": {"recipient_id": "99"},
					"sender_id": "7",
					"message_data": {"text": "hi"},
				},
			},
			{
				"type": "message_create",
				"id": "502",
				"created_timestamp": "1700000001000",
				"message_create": {
					"target": {"recipient_id": "7"},
					"sender_id": "99",
					"message_data": {"text": "hello"},
				},
			},
		],
		"users": {
			"7": {"id": "7", "screen_name": "cust", "name": "Cust"},
			"99": {"id": "99", "screen_name": "brand"},
		},
		"tweet_delete_events": [{"status": {"id": "1", "user_id": "7"}, "timestamp_ms": "1700000002000"}],
	}
	dm, echo, deleted = parse_webhook(payload, "99")
	assert (dm.kind, dm.direction, dm.thread_key, dm.author.handle) == ("dm", "Inbound", "dm:7", "cust")
	assert dm.created_at == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc)
	assert (echo.direction, echo.thread_key) == ("Outbound", "dm:7")
	assert (deleted.action, deleted.external_id) == ("delete", "1")


def test_v2_parsing_conversations_and_outbound():
	raw = {
		"data": [
			{
				"id": "11",
				"text": "@brand hi",
				"author_id": "7",
				"conversation_id": "11",
				"created_at": "2024-01-02T03:04:05.000Z",
			},
			{
				"id": "12",
				"text": "@u7 hello",
				"author_id": "99",
				"conversation_id": "11",
				"in_reply_to_user_id": "7",
				"referenced_tweets": [{"type": "replied_to", "id": "11"}],
				"created_at": "2024-01-02T03:05:05.000Z",
			},
			{
				"id": "13",
				"text": "RT x",
				"author_id": "8",
				"referenced_tweets": [{"type": "retweeted", "id": "11"}],
			},
		],
		"includes": {
			"users": [
				{"id": "7", "username": "u7", "name": "Seven", "public_metrics": {"followers_count": 3}}
			]
		},
	}
	a, b = parse_poll("mentions", raw, "99")
	assert (a.thread_key, a.author.handle, a.author.follower_count) == ("public:11:7", "u7", 3)
	assert a.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
	assert (b.direction, b.thread_key, b.parent_external_id, b.root_external_id) == (
		"Outbound",
		"public:11:7",
		"11",
		"11",
	)
	dms = parse_poll(
		"dms",
		{
			"data": [
				{
					"id": "5",
					"event_type": "MessageCreate",
					"text": "x",
					"sender_id": "99",
					"dm_conversation_id": "7-99",
					"created_at": "2024-01-02T03:04:05.000Z",
				}
			]
		},
		"99",
	)
	assert (dms[0].direction, dms[0].thread_key) == ("Outbound", "dm:7")


@pytest.fixture()
def client(sandbox):
	config = ChannelConfig(
		"X",
		"99",
		"brand",
		sandbox.url,
		{
			"consumer_key": "k",
			"consumer_secret": "s",
			"access_token": "99-tok",
			"access_token_secret": "ts",
			"bearer_token": "b",
		},
		["brand", "two words", "#brandhelp"],
		timeout=2,
	)
	return make_client(config)


def test_search_query_shape(client):
	assert client.search_query() == '(brand OR "two words" OR #brandhelp) -is:retweet -from:brand'
	client.config.listening_terms = [f"term{i:03d}" for i in range(200)]
	assert len(client.search_query()) <= 512


def test_mentions_paginate_and_cursor(sandbox, client):
	sandbox.x.add_user("7", "cust", "Customer")
	tweets = [sandbox.x.post_tweet("7", f"@brand question {i}") for i in range(230)]
	pages = list(client.poll("mentions", None))
	assert len(pages) == 3 and [p.cursor for p in pages[:-1]] == [None, None]
	assert pages[-1].cursor == tweets[-1]["id"]  # newest, only on the last page
	ids = [i.external_id for p in pages for i in parse_poll("mentions", p.raw, "99")]
	assert sorted(ids, key=int) == [t["id"] for t in tweets]
	assert pages[0].rate_limit.remaining is not None
	# since_id: only what is newer than the cursor
	new = sandbox.x.post_tweet("7", "@brand one more")
	again = list(client.poll("mentions", pages[-1].cursor))
	assert [i.external_id for p in again for i in parse_poll("mentions", p.raw, "99")] == [new["id"]]
	assert again[-1].cursor == new["id"]
	nothing = list(client.poll("mentions", new["id"]))
	assert nothing[-1].cursor == new["id"] and parse_poll("mentions", nothing[-1].raw, "99") == []
	req = sandbox.requests_to(r"/mentions")[-1]
	assert req.query["since_id"] == new["id"] and "tweet.fields" in req.query


def test_search_and_dm_streams(sandbox, client):
	sandbox.x.add_user("7", "cust", "Customer")
	hit = sandbox.x.post_tweet("7", "anyone tried the two words product?")
	sandbox.x.post_tweet("7", "unrelated")
	sandbox.x.post_tweet("99", "brand news from brand")  # -from:brand
	found = [i.external_id for p in client.poll("search", None) for i in parse_poll("search", p.raw, "99")]
	assert found == [hit["id"]]
	first = sandbox.x.send_dm_to("99", "7", "hi")
	pages = list(client.poll("dms", None))
	assert pages[-1].cursor == first["id"]
	second = sandbox.x.send_dm_to("99", "7", "again")
	pages = list(client.poll("dms", first["id"]))
	assert [i.external_id for p in pages for i in parse_poll("dms", p.raw, "99")] == [second["id"]]


def test_sends_reach_the_platform_as_tweepy_sends_them(sandbox, client):
	sandbox.x.add_user("7", "cust", "Customer")
	t = sandbox.x.post_tweet("7", "@brand help")
	r = client.reply_public(t["id"], "@cust we are on it")
	body = sandbox.requests_to(r"^/2/tweets$", "POST")[-1].json()
	assert body == {"text": "@cust we are on it", "reply": {"in_reply_to_tweet_id": t["id"]}}
	assert sandbox.x.tweet(r.external_id)["conversation_id"] == t["id"]
	assert r.permalink.endswith(r.external_id)
	assert sandbox.requests_to(r"^/2/tweets$")[-1].headers["authorization"].startswith("OAuth ")
	dm = client.send_dm("7", "details please")
	assert sandbox.requests_to(r"/dm_conversations/with/7/messages")[-1].json() == {"text": "details please"}
	assert dm.external_id == sandbox.x.sent_dms()[-1]["id"]
	client.like(t["id"])
	client.repost(t["id"])
	assert sandbox.x.likes == [("99", t["id"])] and sandbox.x.retweets == [("99", t["id"])]
	with pytest.raises(Duplicate):
		client.reply_public(t["id"], "@cust we are on it")
	with pytest.raises(BadRequest):
		client.private_reply(t["id"], "x")


def test_errors_are_classified_through_real_http(sandbox, client):
	sandbox.inject("rate_limit", path="/mentions", reset_in=90)
	t0 = time.time()
	with pytest.raises(RateLimited) as e:
		list(client.poll("mentions", None))
	assert time.time() - t0 < 2  # tweepy must not sleep on a 429
	assert 80 <= e.value.retry_after <= 91 and e.value.status == 429
	sandbox.inject("server_error", path="/mentions")
	with pytest.raises(TransientError):
		list(client.poll("mentions", None))
	sandbox.inject("expired_token", path="/mentions")
	with pytest.raises(AuthError) as e:
		list(client.poll("mentions", None))
	assert e.value.needs_reauth
	sandbox.inject("timeout", path="/mentions", delay=3)
	with pytest.raises(TransientError):
		list(client.poll("mentions", None))
	with pytest.raises(NotFound):
		client.like("424242")
	sandbox.x.set_rate_limit("mentions", 1)
	pages = list(client.poll("mentions", None))
	assert pages[-1].rate_limit.exhausted
	with pytest.raises(RateLimited):
		list(client.poll("mentions", None))


def test_revoked_token_is_auth_error(sandbox, client):
	sandbox.x.revoke_token("b")
	with pytest.raises(AuthError):
		list(client.poll("mentions", None))


def test_webhook_delivery_helper_signs_like_x(sandbox):
	sandbox.x.add_user("7", "cust", "Customer")
	t = sandbox.x.post_tweet("7", "x" * 200)
	payload = sandbox.x.webhook_payload("tweet", tweet_id=t["id"])
	(item,) = parse_webhook(payload, "99")
	assert item.text == "x" * 200 and item.external_id == t["id"]
