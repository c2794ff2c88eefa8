"""Outside values at the boundary (platforms/base.py): text, ids, handles, links, media, secrets."""

import json
from datetime import datetime, timezone

import pytest

from social_support.platforms.base import (
	FACEBOOK,
	INSTAGRAM,
	Author,
	InboundItem,
	InvalidItem,
	Media,
	X,
	clean_handle,
	clean_item,
	clean_media_url,
	clean_permalink,
	clean_text,
	facebook_permalink,
	redact_payload,
	redact_secrets,
	valid_message_id,
	valid_object_id,
	valid_user_id,
	x_permalink,
)
from social_support.platforms.meta import parse_poll as meta_poll
from social_support.platforms.meta import parse_webhook as meta_webhook
from social_support.platforms.x import parse_poll as x_poll
from social_support.platforms.x import parse_webhook as x_webhook

HOSTILE_IMG = '<img src=x onerror="window.__xss=1">'
HOSTILE_SCRIPT = "<script>window.__xss=1</script>"


# --- text ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Eve <3 >:(", "a < b", "x <- y", "5<6", "I </3 this", "é<é"])
def test_bodies_are_kept_as_written(text):
	assert clean_text(text) == text


def test_bodies_lose_control_characters_and_are_size_limited():
	assert clean_text("a\x00b\x07c\r\nd\re\tf") == "abc\nd\ne\tf"
	assert len(clean_text("x" * 50_000)) == 20_000
	assert clean_text(None) == ""
	assert clean_text(HOSTILE_SCRIPT) == HOSTILE_SCRIPT  # shown as text by the Code field and to_html


@pytest.mark.parametrize(
	"name, expected",
	[
		("Eve <3 >:(", "Eve <3 >:("),
		("a < b", "a < b"),
		(HOSTILE_IMG, '< img src=x onerror="window.__xss=1">'),
		(HOSTILE_SCRIPT, "< script>window.__xss=1< /script>"),
		("<!-- x -->", "< !-- x -->"),
		("<?php", "< ?php"),
		("Ann\n  Lee\t", "Ann Lee"),
		("\u202emoc.dnarb", "moc.dnarb"),
	],
)
def test_labels_are_defused_for_html_and_kept_readable(name, expected):
	assert clean_text(name, single_line=True) == expected
	assert clean_text(expected, single_line=True) == expected  # idempotent


def test_a_cut_label_never_ends_in_a_lone_tag_opener():
	assert clean_text("ab<cd", single_line=True, limit=3) == "ab"
	assert len(clean_text("<b>" * 100, single_line=True)) <= 140


# --- ids, handles, links, media ----------------------------------------------------------------------
def test_ids():
	assert valid_user_id(X, "12345") and valid_user_id(FACEBOOK, 42)
	for bad in (None, "", "None", "12a", "1 2", "<b>", "1" * 26, True):
		assert not valid_user_id(X, bad)
	assert valid_object_id(FACEBOOK, "1001_2002") and valid_object_id(INSTAGRAM, "17895695668004550")
	assert not valid_object_id(X, "1001_2002") and not valid_object_id(FACEBOOK, "P'")
	assert valid_message_id(FACEBOOK, "dm", "m_AbC-dE_f9") and valid_message_id(INSTAGRAM, "dm", "aWdf+Z/A==")
	assert not valid_message_id(FACEBOOK, "dm", 'm_1"><b>') and not valid_message_id(X, "dm", "m_1")


def test_handles():
	assert clean_handle(X, "@Brand_1") == "Brand_1"
	assert clean_handle(X, "a" * 16) is None and clean_handle(X, "a.b") is None
	assert clean_handle(INSTAGRAM, "gus.gram_2") == "gus.gram_2"
	assert clean_handle(INSTAGRAM, "a" * 31) is None
	for bad in (HOSTILE_IMG, "javascript:alert(1)", "", None, "ann lee"):
		assert clean_handle(X, bad) is None and clean_handle(INSTAGRAM, bad) is None


def test_permalinks_only_from_valid_ids_on_the_platform_host():
	assert x_permalink("cust", "11") == "https://x.com/cust/status/11"
	assert x_permalink(HOSTILE_IMG, "11") is None and x_permalink("cust", "11 onload") is None
	assert facebook_permalink("1001_7") == "https://www.facebook.com/1001_7"
	assert facebook_permalink("javascript:alert(1)") is None
	assert clean_permalink(X, "https://x.com/i/web/status/5") == "https://x.com/i/web/status/5"
	for bad in (
		"javascript:alert(1)",
		"https://x.com.evil.example/a/status/1",
		'https://x.com/a/status/1"onmouseover="x',
		"http://x.com/a/status/1",
	):
		assert clean_permalink(X, bad) is None
	assert clean_permalink(FACEBOOK, "https://www.facebook.com/1001_7") == "https://www.facebook.com/1001_7"
	assert clean_permalink(FACEBOOK, "https://evil.example/phish") is None


def test_media_only_on_the_platforms_media_hosts():
	ok = [
		(X, "https://pbs.twimg.com/media/abc.jpg"),
		(X, "https://video.twimg.com/v/1.mp4"),
		(X, "https://ton.twitter.com/1.1/ton/data/dm/1/2/x.jpg"),
		(FACEBOOK, "https://scontent.xx.fbcdn.net/v/t1.jpg?_nc_cat=1&oh=2"),
		(FACEBOOK, "https://scontent-arn2-1.xx.fbcdn.net/v/x.png"),
		(FACEBOOK, "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=Ab"),
		(INSTAGRAM, "https://scontent.cdninstagram.com/v/x.jpg"),
	]
	for platform, url in ok:
		assert clean_media_url(platform, url) == url, url
	bad = [
		(X, "javascript:alert(1)"),
		(X, "http://pbs.twimg.com/a.jpg"),
		(X, "https://pbs.twimg.com.evil.example/a.jpg"),
		(X, "https://pbs.twimg.com@evil.example/a.jpg"),
		(X, 'https://pbs.twimg.com/a.jpg"onerror="x'),
		(X, "https://scontent.xx.fbcdn.net/a.jpg"),  # not X's host
		(FACEBOOK, "https://fbcdn.net.evil.example/a.jpg"),
		(FACEBOOK, "https://evil.example/?fbcdn.net"),
		(FACEBOOK, "https://cdn.example/x.jpg"),
		(FACEBOOK, "data:image/png;base64,AAAA"),
	]
	for platform, url in bad:
		assert clean_media_url(platform, url) is None, url


# --- the gate ------------------------------------------------------------------------------------------
def item(**kw):
	base = {
		"platform": FACEBOOK,
		"account_id": "1001",
		"external_id": "1001_5_9",
		"kind": "comment",
		"text": "hi",
		"author": Author(user_id="7", name="Ann"),
		"created_at": datetime.now(timezone.utc),
		"thread_key": "public:1001_5:7",
	}
	base.update(kw)
	return InboundItem(**base)


def test_gate_refuses_an_item_without_a_valid_author_id():
	for bad in ("", "None", "<b>1</b>", None):
		with pytest.raises(InvalidItem, match="no valid author id"):
			clean_item(item(author=Author(user_id=bad), thread_key="public:1001_5:7"))


def test_gate_refuses_bad_message_ids_and_thread_keys():
	with pytest.raises(InvalidItem, match="platform id"):
		clean_item(item(external_id='1"><img src=x>'))
	with pytest.raises(InvalidItem, match="conversation"):
		clean_item(item(thread_key="public::7"))
	with pytest.raises(InvalidItem, match="conversation"):
		clean_item(item(thread_key="dm:None"))
	with pytest.raises(InvalidItem, match="unknown platform"):
		clean_item(item(platform="Myspace"))


def test_gate_lets_a_delete_through_without_an_author():
	got = clean_item(item(author=Author(user_id=""), action="delete", thread_key="public::"))
	assert got.action == "delete" and got.author.user_id == ""


def test_gate_cleans_every_outside_string():
	got = clean_item(
		item(
			text=HOSTILE_SCRIPT + " a < b",
			author=Author(
				user_id="7",
				handle=HOSTILE_IMG,
				name=HOSTILE_IMG,
				avatar_url="javascript:alert(1)",
				follower_count="-5",
			),
			permalink="javascript:alert(1)",
			media=[
				Media("image", url="https://scontent.xx.fbcdn.net/a.jpg"),
				Media("image", url="https://evil.example/a.jpg"),
				Media("image", url=HOSTILE_IMG),
			],
			parent_external_id="1001_5",
			root_external_id="<b>",
			stream="feed<b>",
		)
	)
	assert got.text == HOSTILE_SCRIPT + " a < b"
	assert got.author.name == '< img src=x onerror="window.__xss=1">'
	assert (got.author.handle, got.author.avatar_url, got.author.follower_count) == (None, None, None)
	assert got.permalink is None and [m.url for m in got.media] == ["https://scontent.xx.fbcdn.net/a.jpg"]
	assert (got.parent_external_id, got.root_external_id, got.stream) == ("1001_5", None, None)


# --- parsers: no "None" ids, permalinks never from the customer's link --------------------------------
def test_parsers_never_invent_the_id_none():
	x_item = x_webhook(
		{"for_user_id": "99", "tweet_create_events": [{"id_str": "5", "text": "hi", "user": {}}]}, "99"
	)[0]
	assert x_item.author.user_id == "" and "None" not in x_item.thread_key
	polled = x_poll("mentions", {"data": [{"id": "6", "text": "hi"}]}, "99")[0]
	assert polled.author.user_id == "" and polled.permalink is None
	fb = meta_webhook(
		{
			"object": "page",
			"entry": [
				{
					"id": "1001",
					"changes": [
						{"field": "feed", "value": {"item": "comment", "post_id": "1001_5", "message": "x"}}
					],
				}
			],
		},
		"1001",
	)[0]
	assert fb.author.user_id == "" and fb.external_id == ""
	for it in (x_item, polled, fb):
		with pytest.raises(InvalidItem):
			clean_item(it)


def test_facebook_post_permalink_is_built_from_its_id_not_its_link():
	payload = {
		"object": "page",
		"entry": [
			{
				"id": "1001",
				"changes": [
					{
						"field": "feed",
						"value": {
							"item": "post",
							"verb": "add",
							"post_id": "1001_77",
							"from": {"id": "7", "name": "Vi"},
							"message": "look",
							"link": "javascript:alert(document.cookie)",
						},
					}
				],
			}
		],
	}
	assert meta_webhook(payload, "1001")[0].permalink == "https://www.facebook.com/1001_77"
	page = {
		"data": [
			{
				"id": "1001_78",
				"message": "hello",
				"from": {"id": "7", "name": "Vi"},
				"permalink_url": "https://evil.example/phish",
				"created_time": "2026-01-02T03:04:05+0000",
			}
		]
	}
	assert meta_poll("feed", page, "1001")[0].permalink == "https://www.facebook.com/1001_78"


def test_handles_from_parsers_match_the_platform_pattern():
	tweet = {
		"id_str": "5",
		"text": "hi",
		"user": {"id_str": "7", "screen_name": HOSTILE_IMG, "name": HOSTILE_SCRIPT},
	}
	got = x_webhook({"for_user_id": "99", "tweet_create_events": [tweet]}, "99")[0]
	assert got.author.handle is None and got.permalink is None
	ig = {
		"object": "instagram",
		"entry": [
			{
				"id": "2001",
				"changes": [
					{
						"field": "comments",
						"value": {
							"id": "17",
							"text": "x",
							"from": {"id": "7", "username": "a b<"},
							"media": {"id": "3"},
						},
					}
				],
			}
		],
	}
	assert meta_webhook(ig, "2001")[0].author.handle is None


# --- secrets ---------------------------------------------------------------------------------------------
GRAPH_PAGE = {
	"data": [{"id": "1001_1", "message": "my password: 'hunter2' AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}],
	"paging": {
		"cursors": {"before": "QVFIUmx", "after": "QVFIUkx"},
		"next": "https://graph.facebook.com/v19.0/1001/feed?access_token=EAAGm0PX4ZCpsBAKZBZCx&limit=25"
		"&after=QVFIUkx&appsecret_proof=9f86d081884c7d65",
		"previous": "https://graph.facebook.com/v19.0/1001/feed?access_token=page-token&before=QVFIUmx",
	},
}


def test_graph_pages_are_stored_without_tokens_and_with_the_customers_words():
	stored = redact_payload(json.dumps(GRAPH_PAGE))
	data = json.loads(stored)
	assert "EAAGm0PX4ZCpsBAKZBZCx" not in stored and "9f86d081884c7d65" not in stored
	assert "page-token" not in stored
	assert data["paging"]["next"].startswith(
		"https://graph.facebook.com/v19.0/1001/feed?access_token=REDACTED&"
	)
	assert "after=QVFIUkx" in data["paging"]["next"]  # the cursor is not a secret
	assert data["data"][0]["message"] == GRAPH_PAGE["data"][0]["message"]  # customer text untouched


def test_x_pages_keep_their_pagination_token_and_lose_known_secrets():
	page = {"data": [{"id": "1", "text": "hi"}], "meta": {"next_token": "b26v89c19zqg8o3fpzhk"}}
	raw = json.dumps(page)
	assert redact_payload(raw) == raw  # nothing to redact: byte for byte
	bearer = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F"
	leaked = json.dumps({"errors": [{"detail": f"bad header Bearer {bearer}"}]})
	assert bearer not in redact_payload(leaked, known=[bearer])


def test_free_text_redaction_for_errors_and_tracebacks():
	tb = (
		"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='graph.facebook.com'): "
		"Max retries exceeded with url: /v19.0/1001/feed?fields=id&access_token=EAAGm0PX4ZCpsBAKZBZCxYZ123 "
		"{'access_token': 'abc\\/def'} Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAxyz%3Dabc "
		'OAuth oauth_consumer_key="ck", oauth_token="99-abcdef", oauth_signature="s%3D"'
	)
	out = redact_secrets(tb)
	for secret in ("EAAGm0PX4ZCpsBAKZBZCxYZ123", "abc\\/def", "xyz%3Dabc", "99-abcdef", "s%3D"):
		assert secret not in out, secret
	assert 'oauth_consumer_key="ck"' in out and "fields=id" in out
	assert redact_secrets(None) is None and redact_secrets("no secrets here") == "no secrets here"
