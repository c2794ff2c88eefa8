"""The platforms as documented on 2026-12-01 (docs/platforms.md): the Graph API version as a
setting, and X's rules for self-serve apps (public replies only when summoned; no likes,
follows or quote-posts), through the real clients against the sandbox."""

import time
from datetime import date

import pytest
import requests

from social_support.platforms import ChannelConfig, make_client
from social_support.platforms.base import (
	AuthError,
	BadRequest,
	OutsideWindow,
	PermissionDenied,
	PlatformError,
	VersionRefused,
)
from social_support.platforms.meta.versions import (
	DEFAULT_GRAPH_VERSION,
	describe_version,
	is_version_error,
	normalize_version,
	version_status,
)
from social_support.platforms.x import parse_poll, parse_webhook, webhook_account_ids
from social_support.platforms.x.costs import (
	DM_CREATE,
	DM_READ,
	OWNED_READ,
	POST_CREATE,
	POST_CREATE_URL,
	POST_READ,
	SUMMONED_REPLY,
	USER_READ,
	cost,
	prices_from,
	write_usage,
)
from social_support.platforms.x.rules import (
	ENTERPRISE,
	PAY_PER_USE,
	mentions_handle,
	unavailable_actions,
)

PAGE = "1001"
X_CREDS = {
	"consumer_key": "ck",
	"consumer_secret": "cs",
	"access_token": "99-sandbox",
	"access_token_secret": "ats",
	"bearer_token": "app-bearer",
}


# --- Graph API version ---------------------------------------------------------------------------
def test_version_is_written_one_way_and_judged_by_metas_table():
	assert DEFAULT_GRAPH_VERSION == "v26.0"
	assert normalize_version(None) == normalize_version("  ") == "v26.0"
	assert normalize_version("25") == normalize_version("v25.0") == normalize_version("V25.0") == "v25.0"
	for bad in ("latest", "v25.0.1", "26.0/../me", "v25.0?x=1"):
		with pytest.raises(ValueError):
			normalize_version(bad)
	today = date(2026, 12, 1)
	assert version_status("v19.0", today) == ("expired", date(2026, 5, 21))
	assert version_status("v20.0", today) == ("expired", date(2026, 9, 24))
	assert version_status("v21.0", today) == ("available", date(2027, 1, 21))
	assert version_status("v21.0", date(2027, 1, 21))[0] == "expired"
	assert version_status("v26.0", today) == ("available", None)
	assert version_status("v99.0", today) == ("unknown", None)
	assert describe_version("v19.0", today) == "v19.0: expired on 2026-05-21; change it to v26.0"
	assert describe_version("v26.0", today) == "v26.0: available, no end date announced"
	assert describe_version("v25.0", today) == "v25.0: available until 2028-07-29"


def test_version_errors_are_recognised_by_code():
	assert is_version_error(2635, "(#2635) You are calling a deprecated version")
	assert is_version_error(12, "feed is deprecated for versions v2.4 and higher")
	assert is_version_error(2500, "Unknown path components: /v99.0")
	assert not is_version_error(2500, "An active access token must be used")
	assert not is_version_error(100, "(#100) The parameter message is required")


def graph_client(sandbox, version=None, platform="Facebook", account=PAGE):
	return make_client(
		ChannelConfig(
			platform,
			account,
			None,
			sandbox.url,
			{"access_token": "page-token"},
			timeout=2,
			graph_version=version,
		)
	)


def test_the_client_calls_the_channels_version_and_the_default_otherwise(sandbox):
	sandbox.graph.page_post(PAGE, "hello")
	list(graph_client(sandbox).poll("feed", None))
	assert sandbox.requests[-1].path == f"/v26.0/{PAGE}/feed"
	list(graph_client(sandbox, "25").poll("feed", None))
	assert sandbox.requests[-1].path == f"/v25.0/{PAGE}/feed"


def test_an_expired_version_is_refused_with_what_to_change(sandbox):
	sandbox.graph.page_post(PAGE, "hello")
	with pytest.raises(VersionRefused) as e:
		list(graph_client(sandbox, "v19.0").poll("feed", None))
	msg = str(e.value)
	assert "v19.0 was refused" in msg and "Graph API Version" in msg and "v26.0" in msg
	assert e.value.code == 2635 and not e.value.retryable
	with pytest.raises(VersionRefused) as e:
		graph_client(sandbox, "v99.0").reply_public("123", "hi")
	assert e.value.code == 2500 and "v99.0 was refused" in str(e.value)
	with pytest.raises(VersionRefused):
		graph_client(sandbox, "newest")  # not a version at all: nothing is sent
	# the sandbox judges by its calendar: v21.0 is served until 2027-01-21
	sandbox.graph.today = date(2027, 1, 20)
	list(graph_client(sandbox, "v21.0").poll("feed", None))
	sandbox.graph.today = date(2027, 1, 21)
	with pytest.raises(VersionRefused):
		list(graph_client(sandbox, "v21.0").poll("feed", None))


# --- X: who may be answered in public -------------------------------------------------------------
@pytest.fixture()
def x(sandbox):
	sandbox.x.add_user("7", "cust", "Customer")
	return make_client(ChannelConfig("X", "99", "brand", sandbox.url, dict(X_CREDS), ["acme"], timeout=3))


def polled(client, stream):
	return {i.external_id: i for p in client.poll(stream, None) for i in parse_poll(stream, p.raw, "99")}


def test_polled_posts_say_whether_they_summon_the_account(sandbox, x):
	brand_post = sandbox.x.post_tweet("99", "Our autumn range is out")
	mention = sandbox.x.post_tweet("7", "@Brand my order is late")
	reply = sandbox.x.post_tweet("7", "love it", in_reply_to=brand_post["id"])
	quote = sandbox.x.post_tweet("7", "look at this acme thing", quote_of=brand_post["id"])
	talk = sandbox.x.post_tweet("7", "anyone tried acme? @brandnew fans")
	mentions = polled(x, "mentions")
	assert mentions[mention["id"]].summoned is True
	assert mentions[reply["id"]].summoned is True  # X puts the answered author's mention in front
	search = polled(x, "search")
	assert search[quote["id"]].summoned is True  # quoted post by the account, from includes.tweets
	assert search[talk["id"]].summoned is False  # @brandnew is someone else
	assert brand_post["id"] not in search or search[brand_post["id"]].summoned is None


def test_webhook_posts_say_it_too(sandbox):
	brand_post = sandbox.x.post_tweet("99", "Our autumn range is out")
	sandbox.x.add_user("7", "cust", "Customer")
	mention = sandbox.x.post_tweet("7", "hi @brand")
	quote = sandbox.x.post_tweet("7", "see this", quote_of=brand_post["id"])
	talk = sandbox.x.post_tweet("7", "acme is fine")
	got = {}
	for t in (mention, quote, talk):
		(item,) = parse_webhook(sandbox.x.webhook_payload("tweet", tweet_id=t["id"]), "99")
		got[t["id"]] = item.summoned
	assert got == {mention["id"]: True, quote["id"]: True, talk["id"]: False}


def test_self_serve_replies_only_when_summoned_and_never_likes(sandbox, x):
	mention = sandbox.x.post_tweet("7", "@brand where is my parcel")
	talk = sandbox.x.post_tweet("7", "acme parcels are always late")
	assert x.reply_public(mention["id"], "@cust we are on it").external_id
	with pytest.raises(PermissionDenied) as e:
		x.reply_public(talk["id"], "@cust sorry to hear that")
	assert e.value.status == 403 and "not mentioned you" in str(e.value)
	with pytest.raises(PermissionDenied):
		x.like(mention["id"])
	assert sandbox.x.likes == []
	assert x.repost(mention["id"]).external_id  # reposts stay
	sandbox.x.access = "enterprise"
	assert x.reply_public(talk["id"], "@cust sorry to hear that").external_id
	x.like(talk["id"])
	assert sandbox.x.likes == [("99", talk["id"])]


def test_access_levels_and_mentions():
	assert unavailable_actions(PAY_PER_USE) == unavailable_actions(None) == ["like", "follow", "quote-post"]
	assert unavailable_actions(ENTERPRISE) == []
	assert mentions_handle("Hey @Brand, help", "brand")
	assert not mentions_handle("hey @brandnew", "brand")
	assert not mentions_handle("mail me at me@brand", "brand")
	assert not mentions_handle("", "brand") and not mentions_handle("@brand", None)


# --- X: what the calls cost --------------------------------------------------------------------------
def test_prices_are_xs_and_a_table_overrides_them():
	prices = prices_from(None)
	assert prices[POST_READ] == 0.005 and prices[OWNED_READ] == 0.001 and prices[USER_READ] == 0.010
	assert prices[SUMMONED_REPLY] == 0.010 and prices[POST_CREATE_URL] == 0.200 and prices[DM_CREATE] == 0.015
	assert prices_from({OWNED_READ: "0.005"})[OWNED_READ] == 0.005
	for bad in ({"Free Lunch": 0}, {POST_READ: -1}, {POST_READ: "cheap"}, {POST_READ: float("nan")}):
		with pytest.raises(ValueError):
			prices_from(bad)
	assert cost({POST_READ: 10, USER_READ: 2, SUMMONED_REPLY: 1}, prices) == pytest.approx(0.08)
	assert write_usage("post", "see https://example.com") == {POST_CREATE_URL: 1}
	assert write_usage("post", "no link") == {POST_CREATE: 1}
	assert write_usage("reply", "with https://example.com") == {SUMMONED_REPLY: 1}


def test_the_client_counts_what_each_call_returned_and_sent(sandbox, x):
	sandbox.x.add_user("8", "other", "Other")
	brand_post = sandbox.x.post_tweet("99", "Autumn range")
	m1 = sandbox.x.post_tweet("7", "@brand where is my parcel")
	sandbox.x.post_tweet("8", "@brand me too")
	sandbox.x.post_tweet("8", "acme quoted", quote_of=brand_post["id"])
	sandbox.x.send_dm_to("99", "7", "hello")
	assert x.take_usage() == {}
	list(x.poll("mentions", None))
	assert x.take_usage() == {OWNED_READ: 2, USER_READ: 2}  # two mentions by two customers
	list(x.poll("search", None))
	assert x.take_usage() == {POST_READ: 2, USER_READ: 1}  # the quote, the post it quotes, its author
	list(x.poll("dms", None))
	assert x.take_usage() == {DM_READ: 1, USER_READ: 1}
	x.reply_public(m1["id"], "@cust on it")
	x.send_dm("7", "details please")
	x.post("Status: https://status.example.com")
	with pytest.raises(PermissionDenied):
		x.like(m1["id"])  # refused: not billed
	assert x.take_usage() == {SUMMONED_REPLY: 1, DM_CREATE: 1, POST_CREATE_URL: 1}


def test_polling_asks_only_for_what_is_new(sandbox, x):
	sandbox.x.post_tweet("7", "@brand first")
	cursor = [p.cursor for p in x.poll("mentions", None)][-1]
	x.take_usage()
	assert list(x.poll("mentions", cursor))[-1].raw.get("data") is None
	assert sandbox.requests_to(r"/mentions$")[-1].query["since_id"] == cursor
	assert x.take_usage() == {}  # nothing new, nothing paid
	for i in range(3):
		sandbox.x.send_dm_to("99", "7", f"dm {i}")
	dm_cursor = [p.cursor for p in x.poll("dms", None)][-1]
	assert sandbox.requests_to(r"/dm_events$")[-1].query["max_results"] == "100"
	list(x.poll("dms", dm_cursor))
	assert sandbox.requests_to(r"/dm_events$")[-1].query["max_results"] == "20"


def test_sandbox_reports_posts_read_per_day_as_x_does(sandbox, x):
	sandbox.x.post_tweet("7", "@brand one")
	sandbox.x.post_tweet("7", "@brand two")
	list(x.poll("mentions", None))
	list(x.poll("mentions", None))  # the same posts again the same day: counted once
	usage = x.post_usage()
	assert usage["cap"] == 3_000_000
	assert list(usage["days"].values()) == [2]


# --- Instagram API with Instagram Login -----------------------------------------------------------------
IG = "2001"


def ig_login(sandbox, token, base_url="sandbox"):
	return make_client(
		ChannelConfig(
			"Instagram",
			IG,
			"brand",
			sandbox.url if base_url == "sandbox" else base_url,
			{"access_token": token, "app_secret": "ig-app-secret"},
			timeout=2,
			login="Instagram Login",
		)
	)


def test_instagram_login_calls_graph_instagram_com_and_facebook_login_graph_facebook_com():
	seen = []

	class Recorder(requests.adapters.BaseAdapter):
		def send(self, request, **kwargs):
			seen.append(request.url.split("?")[0])
			r = requests.Response()
			r.status_code, r._content, r.request = 200, b'{"id": "1"}', request
			r.headers["Content-Type"] = "application/json"
			return r

		def close(self):
			pass

	for login, host in (
		("Instagram Login", "graph.instagram.com"),
		("Facebook Login (Page)", "graph.facebook.com"),
	):
		client = make_client(
			ChannelConfig("Instagram", IG, "brand", None, {"access_token": "t"}, timeout=2, login=login)
		)
		client.session.mount("https://", Recorder())
		client.reply_public("555", "thanks!")
		assert seen[-1] == f"https://{host}/v26.0/555/replies"
	fb = make_client(
		ChannelConfig("Facebook", PAGE, None, None, {"access_token": "t"}, login="Instagram Login")
	)
	assert fb.session.base_url == "https://graph.facebook.com"  # a Page is always Facebook Login


def test_instagram_user_tokens_are_exchanged_and_refreshed(sandbox):
	g = sandbox.graph
	short = g.issue_instagram_token()
	client = ig_login(sandbox, short)
	token, seconds = client.exchange_token("ig-app-secret")
	assert token.startswith("IGLL-") and seconds == 60 * 24 * 3600
	req = sandbox.requests_to(r"^/access_token$")[-1]
	assert req.query["grant_type"] == "ig_exchange_token" and req.query["access_token"] == short
	with pytest.raises(PlatformError) as e:
		ig_login(sandbox, g.issue_instagram_token()).exchange_token("wrong secret")
	assert "client secret" in str(e.value)
	with pytest.raises(BadRequest):
		ig_login(sandbox, token).refresh_token()  # not a day old yet
	old = g.issue_instagram_token(long_lived=True, age=2 * 86400)
	new, seconds = ig_login(sandbox, old).refresh_token()
	assert new != old and seconds == 60 * 24 * 3600
	assert sandbox.requests_to(r"^/refresh_access_token$")[-1].query["grant_type"] == "ig_refresh_token"
	expired = g.issue_instagram_token(long_lived=True, age=61 * 86400)
	with pytest.raises(AuthError):
		ig_login(sandbox, expired).refresh_token()
	with pytest.raises(BadRequest):
		graph_client(sandbox).refresh_token()  # a Facebook Login channel has no Instagram user token


def test_instagram_login_comments_replies_and_messages(sandbox):
	g = sandbox.graph
	client = ig_login(sandbox, g.issue_instagram_token(long_lived=True))
	g.add_user("4002", "Ines", username="ines")
	media = g.ig_media(IG, "New colours")
	cm = g.comment(media["id"], "4002", "is the blue one back?")
	g.message(IG, "4002", "and my order?", platform="instagram")
	pages = list(client.poll("ig_comments", None))
	assert pages and sandbox.requests[-1].path == f"/v26.0/{IG}/media"
	assert client.reply_public(cm["id"], "@ines yes, next week").external_id
	assert g.sent[-1]["edge"] == "replies"
	assert client.private_reply(cm["id"], "we sent you the link").external_id
	assert client.send_dm("4002", "it ships today").external_id
	assert [s["object"] for s in g.sent[-2:]] == [IG, IG]


# --- names for private messages -------------------------------------------------------------------------
def test_dm_authors_are_looked_up_by_id_and_a_refusal_is_an_error_not_a_crash(sandbox):
	g = sandbox.graph
	g.add_user("4001", "Fiona Fan", username="fiona.fan")
	fb = graph_client(sandbox)
	who = fb.lookup_user("4001")
	assert (who.user_id, who.name, who.handle) == ("4001", "Fiona Fan", None)
	assert who.avatar_url == "https://scontent.xx.fbcdn.net/v/4001.jpg"
	assert sandbox.requests[-1].query["fields"] == "first_name,last_name,profile_pic"
	ig = make_client(ChannelConfig("Instagram", IG, "brand", sandbox.url, {"access_token": "t"}, timeout=2))
	who = ig.lookup_user("4001")
	assert (who.name, who.handle) == ("Fiona Fan", "fiona.fan")
	assert sandbox.requests[-1].query["fields"] == "name,username,profile_pic"
	g.private_profiles.add("4001")
	with pytest.raises(PermissionDenied):
		fb.lookup_user("4001")


# --- X Activity API deliveries -------------------------------------------------------------------------
def test_activity_api_mentions_replies_quotes_and_dms_are_parsed_like_the_others(sandbox):
	x = sandbox.x
	x.add_user("7", "cust", "Customer")
	brand_post = x.post_tweet("99", "Autumn range")
	mention = x.post_tweet("7", "hey @brand, my order?")
	reply = x.post_tweet("7", "love it", in_reply_to=brand_post["id"])
	quote = x.post_tweet("7", "look", quote_of=brand_post["id"])
	dm = x.send_dm_to("99", "7", "hello from the dm")
	payload = x.activity_payload("post.mention.create", tweet_id=mention["id"])
	assert webhook_account_ids(payload) == ["99"]
	(item,) = parse_webhook(payload, "99")
	assert (item.external_id, item.kind, item.direction, item.summoned) == (
		mention["id"],
		"post",
		"Inbound",
		True,
	)
	assert item.author.handle == "cust" and item.text == "hey @brand, my order?"
	(item,) = parse_webhook(x.activity_payload("post.reply.create", tweet_id=reply["id"]), "99")
	assert (item.parent_external_id, item.summoned) == (brand_post["id"], True)
	(item,) = parse_webhook(x.activity_payload("post.quote.create", tweet_id=quote["id"]), "99")
	assert item.external_id == quote["id"]
	(item,) = parse_webhook(x.activity_payload("dm.received", event_id=dm["id"]), "99")
	assert (item.kind, item.text, item.author.handle, item.thread_key) == (
		"dm",
		"hello from the dm",
		"cust",
		"dm:7",
	)
	# another account's event, and event types that are not conversations, give nothing
	assert parse_webhook(x.activity_payload("post.mention.create", tweet_id=mention["id"]), "98") == []
	other = x.activity_payload("post.mention.create", tweet_id=mention["id"])
	other["data"]["event_type"] = "profile.update.bio"
	assert parse_webhook(other, "99") == []
