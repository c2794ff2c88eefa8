"""Trust at the platform edge (no Frappe): CRC and challenge shapes, accepted API hosts, and clients
that send their tokens only to the configured host (no redirects, no foreign paging links)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from social_support.platforms import ChannelConfig, make_client
from social_support.platforms.base import PermissionDenied, PlatformError
from social_support.platforms.hosts import base_url_problem, is_loopback, origin
from social_support.platforms.meta import verify_subscription
from social_support.platforms.meta.webhook import challenge_ok
from social_support.platforms.x import crc_response, signature
from social_support.platforms.x.webhook import CRC_TOKEN_MAX, crc_token_ok


# --- X CRC ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
	"token",
	["abc123", "sandbox-crc", "DaC0ag+b/9==", "a_b-c", "x" * CRC_TOKEN_MAX, "trueish", "1a"],
)
def test_crc_answers_x_shaped_tokens(token):
	assert crc_token_ok(token)
	assert crc_response(token, "s")["response_token"] == signature(token.encode(), "s")


@pytest.mark.parametrize(
	"token",
	[
		None,
		"",
		"x" * (CRC_TOKEN_MAX + 1),
		'{"for_user_id":"99","tweet_create_events":[]}',  # a delivery body: the oracle
		"[]",
		"123",  # JSON number
		"-1",
		"1e5",
		"true",
		"false",
		"null",
		"a b",
		"abc\n",
		"<script>",
		"ä",
	],
)
def test_crc_refuses_everything_else(token):
	assert not crc_token_ok(token)
	if isinstance(token, str):
		with pytest.raises(ValueError):
			crc_response(token, "s")


def test_a_crc_answer_never_signs_an_acceptable_delivery():
	# a delivery is a JSON object; no token the CRC answers parses as one
	body = json.dumps({"for_user_id": "99", "tweet_create_events": []})
	assert not crc_token_ok(body)
	assert not crc_token_ok(body.replace(" ", ""))


# --- Meta hub.challenge ---------------------------------------------------------------------------
def test_challenge_only_short_plain_tokens_are_echoed():
	assert verify_subscription("subscribe", "tok", "1158201444", ["tok"]) == "1158201444"
	assert verify_subscription("subscribe", "tok", "abc_DEF-9", ["tok"]) == "abc_DEF-9"
	for bad in ("<b>hi</b>", "a b", "x" * 129, "", "1\n2", "a;b", "javascript:alert(1)", None):
		assert not challenge_ok(bad)
		assert verify_subscription("subscribe", "tok", bad, ["tok"]) is None


# --- accepted API hosts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
	"url,platform",
	[
		("https://api.x.com", "X"),
		("https://api.twitter.com", "X"),
		("https://upload.twitter.com", "X"),
		("https://graph.facebook.com", "Facebook"),
		("https://graph.instagram.com", "Instagram"),
		("https://graph.facebook.com", "Instagram"),
		("https://rupload.facebook.com", "Facebook"),
		("http://127.0.0.1:8899", "X"),
		("http://127.3.4.5:1", "Facebook"),
		("http://localhost:8899", "Instagram"),
		("http://[::1]:8899", "X"),
		("https://localhost", "X"),
	],
)
def test_official_hosts_and_loopback_are_accepted(url, platform):
	assert base_url_problem(url, platform) is None


@pytest.mark.parametrize(
	"url,platform",
	[
		("https://evil.example", "X"),
		("https://api.x.com.evil.example", "X"),
		("https://graph.facebook.com", "X"),  # another platform's host
		("https://api.x.com", "Facebook"),
		("http://api.x.com", "X"),  # official hosts only over https
		("https://api.x.com@evil.example", "X"),
		("https://user:pw@api.x.com", "X"),
		("https://api.x.com/?next=https://evil.example", "X"),
		("https://api.x.com/#frag", "X"),
		("http://10.0.0.5:8000", "X"),  # internal, not loopback
		("http://169.254.169.254", "Facebook"),  # cloud metadata
		("http://localhost.evil.example", "X"),
		("http://127.0.0.1.nip.io", "X"),
		("http://0x7f000001", "X"),
		("ftp://127.0.0.1", "X"),
		("127.0.0.1:8899", "X"),
		("http://127.0.0.1:notaport", "X"),
	],
)
def test_other_hosts_are_refused(url, platform):
	assert base_url_problem(url, platform)


def test_any_host_only_when_the_site_says_so():
	assert base_url_problem("https://proxy.internal:8443", "X")
	assert base_url_problem("https://proxy.internal:8443", "X", allow_any_host=True) is None
	# still never credentials in the URL
	assert base_url_problem("https://u:p@proxy.internal", "X", allow_any_host=True)


def test_loopback_and_origin():
	assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("LOCALHOST")
	assert not is_loopback("10.1.1.1") and not is_loopback("localhost.example") and not is_loopback(None)
	assert origin("https://Graph.Facebook.com/v19.0/x") == ("https", "graph.facebook.com", 443)
	assert origin("http://127.0.0.1:8899/a") == ("http", "127.0.0.1", 8899)
	assert origin("https://graph.facebook.com:443/") == origin("https://graph.facebook.com")
	assert origin("mailto:x@y") is None and origin("") is None


# --- clients: the token goes to the configured host only --------------------------------------------
class _Server:
	"""A loopback HTTP server answering each request with ``answer(handler) -> (status, headers, body)``."""

	def __init__(self, answer):
		self.requests = []
		outer = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *a):
				pass

			def _any(self):
				length = int(self.headers.get("Content-Length") or 0)
				body = self.rfile.read(length) if length else b""
				outer.requests.append((self.command, self.path, dict(self.headers), body))
				status, headers, out = answer(self)
				self.send_response(status)
				for k, v in headers.items():
					self.send_header(k, v)
				self.send_header("Content-Length", str(len(out)))
				self.end_headers()
				self.wfile.write(out)

			do_GET = do_POST = do_PUT = do_DELETE = _any

		self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
		threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

	def stop(self):
		self.httpd.shutdown()
		self.httpd.server_close()


@pytest.fixture()
def thief():
	s = _Server(lambda h: (200, {"Content-Type": "application/json"}, b'{"data": []}'))
	yield s
	s.stop()


@pytest.fixture()
def redirector(thief):
	s = _Server(lambda h: (307, {"Location": thief.url + h.path}, b""))
	yield s
	s.stop()


def _meta(url):
	return make_client(
		ChannelConfig("Facebook", "1001", None, url, {"access_token": "PAGE-TOKEN"}, [], timeout=3)
	)


def _x(url):
	creds = {
		"consumer_key": "ck",
		"consumer_secret": "cs",
		"access_token": "99-ACCESS",
		"access_token_secret": "ats",
		"bearer_token": "BEARER",
	}
	return make_client(ChannelConfig("X", "99", "brand", url, creds, [], timeout=3))


def _leaked(server, *secrets):
	return [r for r in server.requests if any(s in repr(r) for s in secrets)]


def test_meta_client_does_not_follow_a_redirect_with_the_token(redirector, thief):
	client = _meta(redirector.url)
	with pytest.raises(PlatformError, match="redirect"):
		client.send_dm("42", "hello")  # a POST: requests would resend its body (with the token) on 307
	with pytest.raises(PlatformError, match="redirect"):
		next(iter(client.poll("feed", None)))
	assert thief.requests == []
	assert len(redirector.requests) == 2


def test_x_client_does_not_follow_a_redirect_with_the_token(redirector, thief):
	client = _x(redirector.url)
	with pytest.raises(PlatformError, match="redirect"):
		client.reply_public("1", "hello")
	with pytest.raises(PlatformError, match="redirect"):
		next(iter(client.poll("mentions", None)))
	assert thief.requests == []


def test_graph_paging_is_followed_only_on_the_channel_host(thief):
	def answer(h):
		page = {"data": [], "paging": {"next": f"{thief.url}/v19.0/1001/feed?after=abc&access_token=x"}}
		return 200, {"Content-Type": "application/json"}, json.dumps(page).encode()

	api = _Server(answer)
	try:
		pages = _meta(api.url).poll("feed", None)
		first = next(pages)
		assert first.has_more
		with pytest.raises(PermissionDenied, match="not this channel's API host"):
			next(pages)
	finally:
		api.stop()
	assert thief.requests == []
	assert len(api.requests) == 1 and "PAGE-TOKEN" in api.requests[0][1]


def test_same_host_paging_still_works():
	calls = []

	def answer(h):
		calls.append(h.path)
		nxt = {"next": f"http://{h.headers['Host']}/v19.0/1001/feed?after=p2"} if len(calls) == 1 else {}
		return 200, {"Content-Type": "application/json"}, json.dumps({"data": [], "paging": nxt}).encode()

	api = _Server(answer)
	try:
		pages = list(_meta(api.url).poll("feed", None))
	finally:
		api.stop()
	assert len(pages) == 2 and "after=p2" in calls[1]


def test_sessions_refuse_a_url_off_their_origin(thief):
	x = _x("http://127.0.0.1:9")
	with pytest.raises(PermissionDenied):
		x.client.session.get(thief.url + "/2/tweets")
	meta = _meta("http://127.0.0.1:9")
	with pytest.raises(PermissionDenied):
		meta.session.get(thief.url + "/v19.0/me")
	assert thief.requests == [] and not _leaked(thief, "PAGE-TOKEN", "BEARER")
