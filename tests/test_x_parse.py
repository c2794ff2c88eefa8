"""X API v2 pages (mentions, search, DM events) -> InboundItem."""

import json
from datetime import datetime, timezone

from social_support.platforms.x import STREAMS, parse_poll


def tweet(tid, author, text, conversation=None, reply_to=None, reply_user=None, **extra):
	t = {
		"id": tid,
		"text": text,
		"edit_history_tweet_ids": [tid],
		"author_id": author,
		"conversation_id": conversation or tid,
		"created_at": "2024-01-02T03:04:05.000Z",
		**extra,
	}
	if reply_to:
		t["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
		t["in_reply_to_user_id"] = reply_user
	return t


USERS = {
	"users": [
		{
			"id": "7",
			"username": "cust",
			"name": "Customer",
			"profile_image_url": "https://pbs.example/7.jpg",
			"public_metrics": {"followers_count": 321},
		},
		{"id": "99", "username": "brand", "name": "Brand"},
	]
}


def test_items_carry_the_stream_they_came_from():
	for stream in STREAMS:
		page = (
			{"data": [dm("90", "7", "hi")]} if stream == "dms" else {"data": [tweet("90", "7", "@brand hi")]}
		)
		assert [i.stream for i in parse_poll(stream, page, "99")] == [stream]


def test_mention_with_author_from_includes():
	raw = {"data": [tweet("11", "7", "@brand hi")], "includes": USERS, "meta": {"result_count": 1}}
	(item,) = parse_poll("mentions", raw, "99")
	assert (item.platform, item.account_id, item.external_id, item.stream) == ("X", "99", "11", "mentions")
	assert (item.kind, item.direction, item.action) == ("post", "Inbound", "create")
	assert (item.root_external_id, item.parent_external_id, item.thread_key) == ("11", None, "public:11:7")
	assert (item.author.handle, item.author.name, item.author.follower_count) == ("cust", "Customer", 321)
	assert item.author.avatar_url == "https://pbs.example/7.jpg"
	assert item.permalink == "https://x.com/cust/status/11"
	assert item.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_milliseconds_are_kept_and_time_is_aware_utc():
	raw = {"data": [tweet("11", "7", "hi", created_at="2024-01-02T03:04:05.678Z")]}
	(item,) = parse_poll("mentions", raw, "99")
	assert item.created_at == datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
	assert item.created_at.utcoffset().total_seconds() == 0


def test_deep_reply_is_threaded_under_the_conversation_root():
	# 20 is the brand's post, 21 the customer's first reply, 22 the brand's answer, 23 the customer again
	raw = {
		"data": [
			tweet("23", "7", "@brand still no", conversation="20", reply_to="22", reply_user="99"),
			tweet("22", "99", "@cust sorry!", conversation="20", reply_to="21", reply_user="7"),
		],
		"includes": USERS,
	}
	customer, ours = parse_poll("mentions", raw, "99")
	assert (customer.kind, customer.direction) == ("comment", "Inbound")
	assert (customer.root_external_id, customer.parent_external_id) == ("20", "22")
	assert customer.thread_key == "public:20:7"
	# the account's own reply is outbound, in the thread of the customer it answers
	assert (ours.direction, ours.thread_key, ours.parent_external_id) == ("Outbound", "public:20:7", "21")
	assert ours.root_external_id == "20"
	assert ours.permalink == "https://x.com/brand/status/22"


def test_each_commenter_on_the_same_post_gets_a_thread():
	raw = {
		"data": [
			tweet("31", "7", "@brand a", conversation="30", reply_to="30", reply_user="99"),
			tweet("32", "8", "@brand b", conversation="30", reply_to="30", reply_user="99"),
		]
	}
	assert [i.thread_key for i in parse_poll("mentions", raw, "99")] == ["public:30:7", "public:30:8"]


def test_own_standalone_post_is_outbound():
	(item,) = parse_poll("search", {"data": [tweet("40", "99", "We are live")]}, "99")
	assert (item.direction, item.kind, item.thread_key, item.stream) == (
		"Outbound",
		"post",
		"public:40:99",
		"search",
	)


def test_retweets_skipped_quotes_kept():
	raw = {
		"data": [
			tweet("50", "8", "RT @brand: x", referenced_tweets=[{"type": "retweeted", "id": "40"}]),
			tweet("51", "8", "look at this @brand", referenced_tweets=[{"type": "quoted", "id": "40"}]),
		]
	}
	(item,) = parse_poll("search", raw, "99")
	assert (item.external_id, item.kind, item.parent_external_id) == ("51", "post", None)


def test_author_missing_from_includes_still_parses():
	(item,) = parse_poll("mentions", {"data": [tweet("60", "8", "@brand ?")]}, "99")
	assert item.author.user_id == "8" and item.author.handle is None and item.permalink is None


def test_empty_pages():
	assert parse_poll("mentions", {"meta": {"result_count": 0}}, "99") == []
	assert parse_poll("dms", {"meta": {"result_count": 0}}, "99") == []


def dm(eid, sender, text, conversation="7-99", **extra):
	return {
		"id": eid,
		"event_type": "MessageCreate",
		"text": text,
		"sender_id": sender,
		"dm_conversation_id": conversation,
		"created_at": "2024-01-02T03:04:05.000Z",
		**extra,
	}


def test_dm_events_inbound_and_outbound():
	raw = {
		"data": [dm("71", "99", "which order?"), dm("70", "7", "my order")],
		"includes": USERS,
	}
	ours, theirs = parse_poll("dms", raw, "99")
	assert (theirs.kind, theirs.direction, theirs.thread_key) == ("dm", "Inbound", "dm:7")
	assert (theirs.author.handle, theirs.stream) == ("cust", "dms")
	assert theirs.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
	# the partner of an outbound DM comes from the one-to-one conversation id "<low>-<high>"
	assert (ours.direction, ours.thread_key) == ("Outbound", "dm:7")


def test_outbound_dm_partner_when_the_customer_id_is_larger():
	(item,) = parse_poll("dms", {"data": [dm("72", "99", "hi", conversation="99-1234")]}, "99")
	assert item.thread_key == "dm:1234"
	(item,) = parse_poll(
		"dms", {"data": [dm("73", "99", "hi", conversation="", participant_ids=["99", "55"])]}, "99"
	)
	assert item.thread_key == "dm:55"


def test_non_message_dm_events_are_ignored():
	raw = {"data": [{"id": "80", "event_type": "ParticipantsJoin", "dm_conversation_id": "7-99"}]}
	assert parse_poll("dms", raw, "99") == []


def test_raw_survives_storage_and_reparsing():
	raw = {"data": [tweet("11", "7", "@brand hi")], "includes": USERS, "meta": {"newest_id": "11"}}
	stored = json.loads(json.dumps(raw))
	assert [i.to_dict() for i in parse_poll("mentions", stored, "99")] == [
		i.to_dict() for i in parse_poll("mentions", raw, "99")
	]
