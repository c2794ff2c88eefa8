"""The real tweepy-based XClient against the running sandbox over loopback HTTP: streams, cursors,
sends, OAuth 1 signing of the rewritten URL, and error classification for every fault kind."""

import socket
import time

import pytest
import requests

from social_support.platforms import ChannelConfig, make_client
from social_support.platforms.base import (
	AuthError,
	BadRequest,
	Duplicate,
	NotFound,
	PermissionDenied,
	RateLimited,
	TransientError,
)
from social_support.platforms.x import CHAR_LIMITS, STREAMS, XClient, parse_poll
from social_support.platforms.x.client import _RewritingSession

CREDS = {
	"consumer_key": "ck",
	"consumer_secret": "cs",
	"access_token": "99-sandbox",
	"access_token_secret": "ats",
	"bearer_token": "app-bearer",
}


def config(url, terms=("brand", "two words", "#brandhelp"), timeout=3, **creds):
	return ChannelConfig("X", "99", "brand", url, {**CREDS, **creds}, list(terms), timeout=timeout)


@pytest.fixture()
def client(sandbox):
	sandbox.x.add_user("7", "cust", "Customer", followers=5)
	sandbox.x.add_user("8", "other", "Other")
	return make_client(config(sandbox.url))


def items(pages, stream):
	return [i for p in pages for i in parse_poll(stream, p.raw, "99")]


# --- construction --------------------------------------------------------------------------------
def test_client_polls_every_stream_and_x_takes_posts_up_to_the_limit(sandbox, client):
	assert isinstance(client, XClient)
	assert client.streams() == list(STREAMS)
	assert client.post("x" * CHAR_LIMITS["post"]).external_id
	with pytest.raises(BadRequest):
		client.post("y" * (CHAR_LIMITS["post"] + 1))
	dm = client.send_dm("7", "z" * CHAR_LIMITS["dm"])
	assert sandbox.x.sent_dms()[-1]["id"] == dm.external_id


def test_blank_base_url_leaves_the_official_host():
	seen = []

	class Recorder(requests.adapters.BaseAdapter):
		def send(self, request, **kwargs):
			seen.append((request.url, kwargs.get("timeout")))
			r = requests.Response()
			r.status_code, r._content, r.request = 200, b'{"data": []}', request
			return r

		def close(self):
			pass

	for base, expected in ((None, "https://api.twitter.com/2/x"), ("http://h:1/", "http://h:1/2/x")):
		session = _RewritingSession(base, 7)
		session.mount("https://", Recorder())
		session.mount("http://", Recorder())
		session.get("https://api.twitter.com/2/x")
		assert seen[-1] == (expected, 7)


# --- search query ---------------------------------------------------------------------------------
def test_search_query_shape(client):
	assert client.search_query() == '(brand OR "two words" OR #brandhelp) -is:retweet -from:brand'
	client.config.listening_terms = ['say "hi"', "  ", "x"]
	assert client.search_query() == '("say hi" OR x) -is:retweet -from:brand'
	client.config.listening_terms = [f"term{i:03d}" for i in range(200)]
	query = client.search_query()
	assert len(query) <= 512 and query.endswith(" -is:retweet -from:brand") and "term000" in query


def test_no_terms_means_no_search_stream_and_no_request(sandbox):
	client = make_client(config(sandbox.url, terms=()))
	assert client.search_query() is None
	assert client.streams() == ["mentions", "dms"]
	assert list(client.poll("search", None)) == []
	assert sandbox.requests_to("/search") == []


# --- mentions ---------------------------------------------------------------------------------------
def test_mentions_paginate_with_cursor_on_the_last_page_only(sandbox, client):
	tweets = [sandbox.x.post_tweet("7", f"@brand question {i}") for i in range(230)]
	pages = list(client.poll("mentions", None))
	assert len(pages) == 3
	assert [p.cursor for p in pages] == [None, None, tweets[-1]["id"]]
	assert [p.has_more for p in pages] == [True, True, False]
	got = items(pages, "mentions")
	assert sorted((i.external_id for i in got), key=int) == [t["id"] for t in tweets]
	assert got[0].author.handle == "cust" and got[0].author.follower_count == 5
	first, second = sandbox.requests_to("/2/users/99/mentions")[:2]
	assert first.query["max_results"] == "100" and "pagination_token" not in first.query
	assert first.query["expansions"] == (
		"author_id,in_reply_to_user_id,referenced_tweets.id,attachments.media_keys"
	)
	assert first.query["media.fields"] == "media_key,type,url,preview_image_url,variants,alt_text"
	assert (
		first.query["tweet.fields"]
		== "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,entities"
	)
	assert first.query["user.fields"] == "username,name,profile_image_url,public_metrics"
	assert second.query["pagination_token"] == pages[0].raw["meta"]["next_token"]
	assert first.headers["authorization"] == "Bearer app-bearer"  # reads use the app bearer
	assert pages[0].rate_limit.limit == 900 and pages[0].rate_limit.remaining == 899
	assert pages[0].rate_limit.reset_at > time.time()


def test_since_id_cursor(sandbox, client):
	old = sandbox.x.post_tweet("7", "@brand first")
	cursor = list(client.poll("mentions", None))[-1].cursor
	assert cursor == old["id"]
	new = sandbox.x.post_tweet("7", "@brand second")
	pages = list(client.poll("mentions", cursor))
	assert sandbox.requests_to("/mentions")[-1].query["since_id"] == old["id"]
	assert [i.external_id for i in items(pages, "mentions")] == [new["id"]]
	assert pages[-1].cursor == new["id"]
	# nothing new: one page, the old cursor comes back
	pages = list(client.poll("mentions", new["id"]))
	assert len(pages) == 1 and pages[0].cursor == new["id"] and items(pages, "mentions") == []


def test_pages_per_poll_are_bounded(sandbox, client):
	for i in range(1050):
		sandbox.x.post_tweet("7", f"@brand flood {i}")
	pages = list(client.poll("mentions", None))
	assert len(pages) == 10 and pages[-1].has_more is False
	assert pages[-1].cursor == sandbox.x.tweets[-1]["id"]
	assert len(sandbox.requests_to("/mentions")) == 10


def test_reads_without_bearer_use_the_accounts_oauth1(sandbox):
	client = make_client(config(sandbox.url, bearer_token=""))
	sandbox.x.post_tweet("7", "@brand hi")
	list(client.poll("mentions", None))
	assert sandbox.requests_to("/mentions")[-1].headers["authorization"].startswith("OAuth ")


def test_replies_in_the_conversation_thread_through_polling(sandbox, client):
	root = sandbox.x.post_tweet("99", "We are live")
	reply = sandbox.x.post_tweet("7", "great, but my app crashes", in_reply_to=root["id"])
	(item,) = items(client.poll("mentions", None), "mentions")
	assert item.external_id == reply["id"] and item.thread_key == f"public:{root['id']}:7"
	assert (item.root_external_id, item.parent_external_id) == (root["id"], root["id"])


# --- search -------------------------------------------------------------------------------------------
def test_search_stream(sandbox, client):
	hits = [
		sandbox.x.post_tweet("7", "anyone tried the Two Words product?"),
		sandbox.x.post_tweet("8", "loving #BrandHelp today"),
		sandbox.x.post_tweet("8", "brand new phone"),
	]
	sandbox.x.post_tweet("7", "two of my words")  # the phrase, not both words, must match
	sandbox.x.post_tweet("7", "unrelated")
	sandbox.x.post_tweet("99", "brand news from brand")  # -from:brand
	pages = list(client.poll("search", None))
	assert sorted(i.external_id for i in items(pages, "search")) == sorted(t["id"] for t in hits)
	req = sandbox.requests_to("/2/tweets/search/recent")[-1]
	assert req.query["query"] == client.search_query()
	assert pages[-1].cursor == hits[-1]["id"]
	new = sandbox.x.post_tweet("7", "brand again")
	pages = list(client.poll("search", pages[-1].cursor))
	assert [i.external_id for i in items(pages, "search")] == [new["id"]]
	assert sandbox.requests_to("/search")[-1].query["since_id"] == hits[-1]["id"]


def test_search_paginates_with_next_token(sandbox, client):
	for i in range(120):
		sandbox.x.post_tweet("7", f"brand {i}")
	pages = list(client.poll("search", None))
	assert len(pages) == 2 and len(items(pages, "search")) == 120
	assert sandbox.requests_to("/search")[-1].query["next_token"] == pages[0].raw["meta"]["next_token"]


def test_sandbox_search_rejects_what_x_rejects(sandbox):
	auth = {"Authorization": "Bearer b"}
	url = f"{sandbox.url}/2/tweets/search/recent"
	assert requests.get(url, params={"query": "x" * 513}, headers=auth, timeout=5).status_code == 400
	assert requests.get(url, params={"query": "(a OR b"}, headers=auth, timeout=5).status_code == 400


# --- DMs -------------------------------------------------------------------------------------------------
def test_dm_stream_cursor_is_the_highest_id_seen(sandbox, client):
	first = sandbox.x.send_dm_to("99", "7", "hi")
	pages = list(client.poll("dms", None))
	assert pages[-1].cursor == first["id"]
	req = sandbox.requests_to("/2/dm_events")[-1]
	assert req.headers["authorization"].startswith("OAuth ")  # DMs need user context
	assert (
		req.query["dm_event.fields"]
		== "id,text,event_type,created_at,sender_id,dm_conversation_id,participant_ids,attachments"
	)
	assert req.query["expansions"] == "sender_id,attachments.media_keys" and "since_id" not in req.query
	second = sandbox.x.send_dm_to("99", "8", "hello")
	pages = list(client.poll("dms", first["id"]))
	(item,) = items(pages, "dms")
	assert (item.external_id, item.thread_key, item.author.handle) == (second["id"], "dm:8", "other")
	assert pages[-1].cursor == second["id"]
	pages = list(client.poll("dms", second["id"]))
	assert items(pages, "dms") == [] and pages[-1].cursor == second["id"]


def test_dm_paging_stops_at_the_cursor(sandbox, client):
	for i in range(150):
		sandbox.x.send_dm_to("99", "7", f"old {i}")
	cursor = list(client.poll("dms", None))[-1].cursor
	assert len(sandbox.requests_to("/dm_events")) == 2
	new = [sandbox.x.send_dm_to("99", "7", f"new {i}") for i in range(3)]
	pages = list(client.poll("dms", cursor))
	assert len(pages) == 1  # the first page already reached known events: no second request
	assert len(sandbox.requests_to("/dm_events")) == 3
	assert [i.external_id for i in items(pages, "dms")] == [e["id"] for e in reversed(new)]
	assert pages[-1].cursor == new[-1]["id"]


def test_own_dms_come_back_as_outbound(sandbox, client):
	sent = client.send_dm("7", "we are on it")
	(item,) = items(client.poll("dms", None), "dms")
	assert (item.external_id, item.direction, item.thread_key) == (sent.external_id, "Outbound", "dm:7")


# --- sends ----------------------------------------------------------------------------------------------
def test_reply_public(sandbox, client):
	t = sandbox.x.post_tweet("7", "@brand help")
	r = client.reply_public(t["id"], "@cust we are on it")
	req = sandbox.requests_to(r"^/2/tweets$", "POST")[-1]
	assert req.json() == {"text": "@cust we are on it", "reply": {"in_reply_to_tweet_id": t["id"]}}
	assert (
		req.headers["authorization"].startswith("OAuth ")
		and 'oauth_token="99-sandbox"' in req.headers["authorization"]
	)
	sent = sandbox.x.tweet(r.external_id)
	assert (
		sent["author_id"] == "99"
		and sent["conversation_id"] == t["id"]
		and sent["in_reply_to_user_id"] == "7"
	)
	assert r.permalink == f"https://x.com/brand/status/{r.external_id}"
	assert r.raw["data"]["text"] == "@cust we are on it"


def test_post(sandbox, client):
	r = client.post("Maintenance tonight")
	assert sandbox.requests_to(r"^/2/tweets$", "POST")[-1].json() == {"text": "Maintenance tonight"}
	assert sandbox.x.sent_tweets()[-1]["id"] == r.external_id


def test_send_dm_ignores_tag(sandbox, client):
	r = client.send_dm("7", "details please", tag="HUMAN_AGENT")
	req = sandbox.requests_to(r"/2/dm_conversations/with/7/messages", "POST")[-1]
	assert req.json() == {"text": "details please"}
	assert r.external_id == sandbox.x.sent_dms()[-1]["id"]
	assert r.raw["data"]["dm_conversation_id"] == "7-99"


def test_like_and_repost_use_the_token_owner_id(sandbox, client):
	sandbox.x.access = "enterprise"  # likes are gone from self-serve access (April 2026)
	t = sandbox.x.post_tweet("7", "@brand thanks!")
	client.like(t["id"])
	client.repost(t["id"])
	assert sandbox.requests_to(r"^/2/users/99/likes$", "POST")[-1].json() == {"tweet_id": t["id"]}
	assert sandbox.requests_to(r"^/2/users/99/retweets$", "POST")[-1].json() == {"tweet_id": t["id"]}
	assert sandbox.x.likes == [("99", t["id"])] and sandbox.x.retweets == [("99", t["id"])]


def test_unsupported_actions_raise_without_calling_x(sandbox, client):
	before = len(sandbox.requests)
	with pytest.raises(BadRequest):
		client.private_reply("1", "x")
	with pytest.raises(BadRequest):
		client.hide("1")
	assert len(sandbox.requests) == before


def test_find_sent_after_a_lost_answer(sandbox, client):
	t = sandbox.x.post_tweet("7", "@brand help")
	sandbox.inject("drop_after", path=r"^/2/tweets$", method="POST")
	with pytest.raises(TransientError):
		client.reply_public(t["id"], "@cust on it")
	assert client.find_sent("public", t["id"], "@cust on it") == sandbox.x.sent_tweets()[-1]["id"]
	assert client.find_sent("public", t["id"], "something else") is None
	sandbox.inject("drop_after", path=r"/messages$", method="POST")
	with pytest.raises(TransientError):
		client.send_dm("7", "check your inbox")
	assert client.find_sent("dm", "7", "check your inbox") == sandbox.x.sent_dms()[-1]["id"]
	assert client.find_sent("dm", "8", "check your inbox") is None


def test_oauth1_signature_of_the_rewritten_url_verifies(sandbox, client):
	sandbox.x.set_oauth1_secrets("ck", "cs", "99-sandbox", "ats")
	t = sandbox.x.post_tweet("7", "@brand hi")
	client.reply_public(t["id"], "signed")  # JSON body: only query and oauth_* are signed
	list(client.poll("dms", None))  # query parameters with comma-joined lists
	bad = make_client(config(sandbox.url, access_token_secret="wrong"))
	with pytest.raises(AuthError):
		bad.post("forged")
	assert [x["text"] for x in sandbox.x.sent_tweets()] == ["signed"]


# --- errors, through real HTTP ---------------------------------------------------------------------------
def test_rate_limit_fault_without_sleeping(sandbox, client):
	sandbox.inject("rate_limit", path="/mentions", reset_in=90)
	t0 = time.monotonic()
	with pytest.raises(RateLimited) as e:
		list(client.poll("mentions", None))
	assert time.monotonic() - t0 < 2  # tweepy did not sleep
	assert e.value.retryable and e.value.status == 429 and 85 <= e.value.retry_after <= 91


def test_rate_limit_without_reset_header_defaults_to_60s(sandbox, client):
	sandbox.inject("rate_limit", path=r"^/2/tweets$", reset_in=None)
	t0 = time.monotonic()
	with pytest.raises(RateLimited) as e:
		client.post("hello")
	assert time.monotonic() - t0 < 2 and e.value.retry_after == 60
	assert len(sandbox.requests_to(r"^/2/tweets$")) == 1  # no retry loop


def test_exhausted_budget(sandbox, client):
	sandbox.x.set_rate_limit("mentions", 1)
	pages = list(client.poll("mentions", None))
	assert pages[-1].rate_limit.exhausted and pages[-1].rate_limit.limit == 1
	with pytest.raises(RateLimited) as e:
		list(client.poll("mentions", None))
	assert 14 * 60 < e.value.retry_after <= 15 * 60


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(sandbox, client, status):
	sandbox.inject("server_error", path="/dm_events", status=status)
	with pytest.raises(TransientError) as e:
		list(client.poll("dms", None))
	assert e.value.retryable and e.value.status == status


def test_expired_and_revoked_tokens_need_reauth(sandbox, client):
	sandbox.inject("expired_token", path="/mentions")
	with pytest.raises(AuthError) as e:
		list(client.poll("mentions", None))
	assert e.value.needs_reauth and e.value.status == 401
	sandbox.x.revoke_token("99-sandbox")
	with pytest.raises(AuthError):
		client.post("after revoke")
	list(client.poll("mentions", None))  # the bearer still works


def test_timeout_is_transient(sandbox):
	client = make_client(config(sandbox.url, timeout=0.5))
	sandbox.inject("timeout", path="/mentions", delay=2)
	t0 = time.monotonic()
	with pytest.raises(TransientError):
		list(client.poll("mentions", None))
	assert time.monotonic() - t0 < 1.5


def test_unreachable_host_is_transient():
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		port = s.getsockname()[1]
	client = make_client(config(f"http://127.0.0.1:{port}", timeout=1))
	with pytest.raises(TransientError):
		client.post("nobody listens")


def test_outside_window_dm_is_permission_denied(sandbox, client):
	sandbox.inject("outside_window", path=r"/messages$", method="POST")
	with pytest.raises(PermissionDenied) as e:
		client.send_dm("7", "hello")
	assert not isinstance(e.value, Duplicate) and e.value.status == 403


def test_duplicate_tweet(sandbox, client):
	client.post("same words")
	with pytest.raises(Duplicate) as e:
		client.post("same words")
	assert e.value.status == 403 and not e.value.retryable
	assert len(sandbox.x.sent_tweets()) == 1


def test_duplicate_reply(sandbox, client):
	t = sandbox.x.post_tweet("7", "@brand help")
	client.reply_public(t["id"], "@cust we are on it")
	with pytest.raises(Duplicate):
		client.reply_public(t["id"], "@cust we are on it")
	assert [x["text"] for x in sandbox.x.sent_tweets()] == ["@cust we are on it"]


def test_not_found_and_bad_request(sandbox, client):
	sandbox.x.access = "enterprise"
	with pytest.raises(NotFound):
		client.like("424242")
	with pytest.raises(BadRequest):
		client.post("x" * 281)
	with pytest.raises(BadRequest):
		client.reply_public("424242", "to nothing")


# --- control API for the demo command in another process ----------------------------------------------------
def test_control_api(sandbox, client):
	base = f"{sandbox.url}/_sandbox/x"
	requests.post(f"{base}/user", json={"user_id": "70", "username": "remote", "followers": 9}, timeout=5)
	t = requests.post(f"{base}/tweet", json={"author_id": "70", "text": "@brand from afar"}, timeout=5).json()
	d = requests.post(f"{base}/dm", json={"sender_id": "70", "text": "psst"}, timeout=5).json()
	assert "_ts" not in t and "_recipient" not in d
	(item,) = items(client.poll("mentions", None), "mentions")
	assert (item.external_id, item.author.handle, item.author.follower_count) == (t["id"], "remote", 9)
	assert [i.external_id for i in items(client.poll("dms", None), "dms")] == [d["id"]]
	requests.post(f"{base}/rate_limit", json={"endpoint": "tweets", "limit": 0}, timeout=5)
	with pytest.raises(RateLimited):
		client.post("over budget")
	requests.post(f"{base}/revoke", json={"token": "app-bearer"}, timeout=5)
	with pytest.raises(AuthError):
		list(client.poll("mentions", None))
	state = requests.post(f"{base}/state", timeout=5).json()
	assert [x["id"] for x in state["tweets"]] == [t["id"]] and [x["id"] for x in state["dms"]] == [d["id"]]
	assert requests.post(f"{base}/nope", timeout=5).status_code == 404


# --- what X shows of what we sent ----------------------------------------------------------------------
def test_sandbox_renders_tweets_like_x(sandbox, client):
	t = sandbox.x.post_tweet("7", "@brand help")
	text = "@cust Fixed & shipped <today>: see https://example.com/help?a=1&b=2."
	r = client.reply_public(t["id"], text)
	shown = r.raw["data"]["text"]
	assert shown.startswith("@cust Fixed &amp; shipped &lt;today&gt;: see https://t.co/")
	assert shown.endswith(".") and "example.com" not in shown
	assert sandbox.x.tweet(r.external_id)["text"] == shown
	polled = client.client.get_users_tweets("99", user_auth=True).json()["data"][0]["text"]
	assert polled == shown
	# a long link counts as 23 characters, like on X
	long_link = "https://example.com/" + "a" * 300
	assert client.post(f"Status page: {long_link}").external_id
	with pytest.raises(Duplicate):
		client.reply_public(t["id"], text)  # X compares what was written, not how it is shown


def test_find_sent_sees_through_the_rendering(sandbox, client):
	t = sandbox.x.post_tweet("7", "@brand help")
	text = "@cust Tips & tricks <here>: https://example.com/help"
	sandbox.inject("drop_after", path=r"^/2/tweets$", method="POST")
	with pytest.raises(TransientError):
		client.reply_public(t["id"], text)
	sent = sandbox.x.sent_tweets()[-1]
	assert sent["text"] != text
	assert client.find_sent("public", t["id"], text) == sent["id"]
	assert (
		client.find_sent("public", t["id"], "@cust Tips & tricks <there>: https://example.com/help") is None
	)
	assert client.find_sent("post", None, text) is None  # a reply is not a post of our own
	update = client.post("Login trouble & slow pages: https://status.example.com")
	assert client.find_sent("post", None, "Login trouble & slow pages: https://status.example.com") == (
		update.external_id
	)
