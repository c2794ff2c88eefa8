"""Stateful emulator of the X API v2 endpoints the app uses.

Defaults: the support account is user ``99`` (@brand); OAuth 1 access tokens look like
``99-...`` (tweepy takes the user id from the part before ``-``). Any non-empty bearer or
OAuth 1 token is accepted unless revoked with :meth:`XApi.revoke_token`; OAuth 1 signatures
are verified for the consumer key / token pairs given to :meth:`XApi.set_oauth1_secrets`.

Endpoints: GET /2/users/:id/mentions, GET /2/users/:id/tweets, GET /2/tweets/search/recent,
GET /2/dm_events, GET /2/users/me, POST /2/tweets, POST /2/users/:id/likes, POST /2/users/:id/retweets,
POST /2/dm_conversations/with/:id/messages. Answers carry x-rate-limit-* headers from a
per-endpoint budget (see :meth:`set_rate_limit`).

Tweets come back rendered as X renders them: links wrapped in ``https://t.co/...`` and ``&``,
``<``, ``>`` escaped as entities; the 280 limit counts a link as 23 characters; the duplicate
check compares what was written. DM texts come back as written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
from datetime import datetime, timezone
from urllib.parse import quote, unquote

import requests

from social_support.platforms.x.webhook import crc_response, signature

from .wire import Request, Response

ACCOUNT_ID = "99"
ACCOUNT_HANDLE = "brand"
SELF_SERVE = "self-serve"
ENTERPRISE = "enterprise"
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@([A-Za-z0-9_]{1,15})")
WINDOW_SECONDS = 15 * 60
TCO_LENGTH = 23  # X counts every link as 23 characters, whatever its length
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
_TRAILING = ".,;:!?)'\""


def _split_link(match: str) -> tuple[str, str]:
	"""X leaves trailing punctuation out of a link."""
	link = match.rstrip(_TRAILING)
	return link, match[len(link) :]


def tco(url: str) -> str:
	digest = hashlib.sha1(url.encode()).digest()
	alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	n = int.from_bytes(digest[:8], "big")
	code = ""
	for _ in range(10):
		n, r = divmod(n, 62)
		code += alphabet[r]
	return f"https://t.co/{code}"


def render_tweet(text: str) -> str:
	"""A tweet's text as X answers it: links wrapped in t.co, then ``&``, ``<``, ``>`` escaped."""
	out, last = [], 0
	for m in _LINK.finditer(text):
		link, tail = _split_link(m.group(0))
		out.append(_escape(text[last : m.start()]) + tco(link) + _escape(tail))
		last = m.end()
	out.append(_escape(text[last:]))
	return "".join(out)


def _escape(text: str) -> str:
	return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def weighted_length(text: str) -> int:
	"""X's count: every link is 23 characters."""
	return len(_LINK.sub(lambda m: "x" * TCO_LENGTH + _split_link(m.group(0))[1], text))


def _iso(ts: float) -> str:
	return (
		datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
		+ f"{int(ts * 1000) % 1000:03d}Z"
	)


def _v1_time(ts: float) -> str:
	return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def _error(status: int, title: str, detail: str, **extra) -> Response:
	return Response(
		status, {"title": title, "detail": detail, "type": "about:blank", "status": status, **extra}
	)


def _enc(value: str) -> str:
	return quote(str(value), safe="~")


def _oauth1_signature(req: Request, oauth: dict[str, str], consumer_secret: str, token_secret: str) -> str:
	"""RFC 5849 HMAC-SHA1 over the URL as this server was reached (Host header), so a client that
	signs the official host but sends elsewhere fails, and one that signs what it sends passes."""
	params = [(k, v) for k, v in req.query.items()]
	params += [(k, v) for k, v in oauth.items() if k.startswith("oauth_") and k != "oauth_signature"]
	if "x-www-form-urlencoded" in req.headers.get("content-type", ""):
		params += list(req.form().items())
	normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params))
	uri = f"http://{req.headers.get('host', '').lower()}{req.path}"
	base = "&".join([req.method.upper(), _enc(uri), _enc(normalized)])
	key = f"{_enc(consumer_secret)}&{_enc(token_secret)}"
	return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


class XApi:
	def __init__(self, sandbox):
		self.sandbox = sandbox
		self._ids = itertools.count(int(time.time() * 1000) * 1000)
		self.users: dict[str, dict] = {}
		self.tweets: list[dict] = []  # oldest first
		self.dms: list[dict] = []
		self.likes: list[tuple[str, str]] = []
		self.retweets: list[tuple[str, str]] = []
		self.revoked: set[str] = set()
		self.oauth1_secrets: dict[tuple[str, str], tuple[str, str]] = {}
		self.limits: dict[str, int] = {}
		self.used: dict[str, list[float]] = {}
		# "self-serve" (pay-per-use) or "enterprise": what X allows the app (see platforms/x/rules.py)
		self.access = SELF_SERVE
		self.consumed: dict[str, set[str]] = {}  # UTC day -> ids of posts read (X bills each once a day)
		self.media: dict[str, dict] = {}  # media_key -> API v2 media object (plus private fields)
		self.uploads: dict[str, dict] = {}  # media id -> {"owner", "type", "category", "bytes"}
		self.add_user(ACCOUNT_ID, ACCOUNT_HANDLE, "Brand Support")

	# --- python API (tests, demo) ----------------------------------------------------------
	def next_id(self) -> str:
		return str(next(self._ids))

	def add_user(self, user_id: str, username: str, name: str | None = None, followers: int = 0) -> dict:
		with self.sandbox.lock:
			user = {
				"id": str(user_id),
				"username": username,
				"name": name or username,
				"profile_image_url": f"https://pbs.example.invalid/{username}.jpg",
				"public_metrics": {"followers_count": followers},
			}
			self.users[str(user_id)] = user
			return user

	def photo(self, data: bytes = b"\x89PNG\r\n\x1a\n sandbox photo", content_type: str = "image/png") -> str:
		"""A photo as X serves it (bytes on the media host, ``pbs.twimg.com`` on the real one); its media key."""
		key = f"3_{self.next_id()}"
		url = self.sandbox.host_media(data, content_type, f"x/{key}")
		self.media[key] = {"media_key": key, "type": "photo", "url": url, "_bytes": len(data)}
		return key

	def video(self, data: bytes = b"\x00\x00\x00\x18ftypmp42 sandbox video", gif: bool = False) -> str:
		"""A video (or animated GIF, which X serves as mp4): a preview image and two mp4 variants."""
		key = f"{16 if gif else 7}_{self.next_id()}"
		small = self.sandbox.host_media(data[: max(1, len(data) // 2)], "video/mp4", f"x/{key}-s.mp4")
		large = self.sandbox.host_media(data, "video/mp4", f"x/{key}-l.mp4")
		preview = self.sandbox.host_media(b"\xff\xd8\xff preview", "image/jpeg", f"x/{key}.jpg")
		self.media[key] = {
			"media_key": key,
			"type": "animated_gif" if gif else "video",
			"preview_image_url": preview,
			"variants": [
				{"content_type": "application/x-mpegURL", "url": f"{self.sandbox.url}/_media/x/{key}.m3u8"},
				{"content_type": "video/mp4", "bit_rate": 256000, "url": small},
				{"content_type": "video/mp4", "bit_rate": 832000, "url": large},
			],
		}
		return key

	def post_tweet(
		self,
		author_id: str,
		text: str,
		in_reply_to: str | None = None,
		at: float | None = None,
		quote_of: str | None = None,
		media_keys: list[str] | None = None,
	) -> dict:
		"""A tweet by anyone (a customer mention, a reply, a quote, the account's own post). ``text``
		is what X shows (rendered: t.co links, escaped entities); ``_source`` what was written.
		``entities.mentions`` lists the known users it @mentions, and for a reply the author of the
		post answered (X puts that mention in front of a reply)."""
		with self.sandbox.lock:
			tid = self.next_id()
			tweet = {
				"id": tid,
				"text": render_tweet(text),
				"_source": text,
				"edit_history_tweet_ids": [tid],
				"author_id": str(author_id),
				"created_at": _iso(at or time.time()),
				"conversation_id": tid,
				"_ts": at or time.time(),
			}
			mentioned = [u for u in (self._user_by_handle(h) for h in _MENTION.findall(text)) if u]
			if in_reply_to:
				parent = self.tweet(in_reply_to)
				tweet["conversation_id"] = parent["conversation_id"] if parent else in_reply_to
				tweet["in_reply_to_user_id"] = parent["author_id"] if parent else None
				tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(in_reply_to)}]
				if parent and parent["author_id"] in self.users:
					mentioned.insert(0, self.users[parent["author_id"]])
			if quote_of:
				tweet.setdefault("referenced_tweets", []).append({"type": "quoted", "id": str(quote_of)})
			if media_keys:
				tweet["attachments"] = {"media_keys": list(media_keys)}
			if mentioned:
				seen = {}
				for u in mentioned:
					seen.setdefault(u["id"], {"username": u["username"], "id": u["id"]})
				tweet["entities"] = {"mentions": list(seen.values())}
			self.tweets.append(tweet)
			return tweet

	def _user_by_handle(self, handle: str) -> dict | None:
		return next((u for u in self.users.values() if u["username"].lower() == handle.lower()), None)

	def summons(self, tweet: dict, user_id: str) -> bool:
		"""Whether ``tweet`` lets ``user_id`` reply under X's rule for self-serve apps: it @mentions
		the user or quotes one of their posts (the user's own posts need no summons)."""
		if tweet["author_id"] == user_id:
			return True
		if any(m["id"] == user_id for m in (tweet.get("entities") or {}).get("mentions") or []):
			return True
		for ref in tweet.get("referenced_tweets") or []:
			quoted = self.tweet(ref["id"]) if ref["type"] == "quoted" else None
			if quoted and quoted["author_id"] == user_id:
				return True
		return False

	def send_dm_to(
		self,
		account_id: str,
		sender_id: str,
		text: str,
		at: float | None = None,
		media_key: str | None = None,
	) -> dict:
		"""A customer's DM to the account (``media_key``: one attached photo or video, as X allows)."""
		return self._dm(str(sender_id), str(account_id), text, at, media_key)

	def _dm(
		self, sender: str, recipient: str, text: str, at: float | None = None, media_key: str | None = None
	) -> dict:
		with self.sandbox.lock:
			low, high = sorted([sender, recipient], key=int)
			event = {
				"id": self.next_id(),
				"event_type": "MessageCreate",
				"text": text,
				"sender_id": sender,
				"dm_conversation_id": f"{low}-{high}",
				"participant_ids": [sender, recipient],
				"created_at": _iso(at or time.time()),
				"_recipient": recipient,
			}
			if media_key:
				event["attachments"] = {"media_keys": [media_key]}
			self.dms.append(event)
			return event

	def tweet(self, tweet_id: str) -> dict | None:
		return next((t for t in self.tweets if t["id"] == str(tweet_id)), None)

	def revoke_token(self, token: str) -> None:
		with self.sandbox.lock:
			self.revoked.add(token)

	def set_oauth1_secrets(
		self, consumer_key: str, consumer_secret: str, token: str, token_secret: str
	) -> None:
		"""From now on, OAuth 1 requests with this consumer key and token must carry a valid
		HMAC-SHA1 signature of the URL the client really called (else 401); unregistered pairs
		are accepted unchecked."""
		with self.sandbox.lock:
			self.oauth1_secrets[(consumer_key, token)] = (consumer_secret, token_secret)

	def set_rate_limit(self, endpoint: str, limit: int) -> None:
		"""Per-15-minute budget of an endpoint key: mentions, search, dm_events, tweets, dm_send, likes, retweets."""
		with self.sandbox.lock:
			self.limits[endpoint] = limit
			self.used[endpoint] = []

	def sent_tweets(self, by: str = ACCOUNT_ID) -> list[dict]:
		return [t for t in self.tweets if t["author_id"] == by]

	def sent_dms(self, by: str = ACCOUNT_ID) -> list[dict]:
		return [d for d in self.dms if d["sender_id"] == by]

	# --- Account Activity payloads (v1.1 shapes) --------------------------------------------
	def _v1_user(self, user_id: str) -> dict:
		u = self.users.get(str(user_id)) or {
			"id": str(user_id),
			"username": f"user{user_id}",
			"name": f"User {user_id}",
		}
		return {
			"id": int(u["id"]),
			"id_str": u["id"],
			"screen_name": u["username"],
			"name": u["name"],
			"profile_image_url_https": u.get("profile_image_url"),
			"followers_count": (u.get("public_metrics") or {}).get("followers_count", 0),
		}

	def _v1_media(self, key: str) -> dict:
		"""A media object as v1.1 payloads carry it (``extended_entities.media`` / DM ``attachment.media``)."""
		m = self.media[key]
		out = {
			"id_str": key.split("_", 1)[1],
			"type": m["type"],
			"media_url_https": m.get("url") or m.get("preview_image_url"),
		}
		if m.get("variants"):
			out["video_info"] = {
				"variants": [
					{k if k != "bit_rate" else "bitrate": v for k, v in var.items()} for var in m["variants"]
				]
			}
		return out

	def _includes_media(self, objs: list[dict]) -> list[dict]:
		keys = [k for o in objs for k in (o.get("attachments") or {}).get("media_keys") or []]
		return [self._public(self.media[k]) for k in dict.fromkeys(keys) if k in self.media]

	def webhook_payload(
		self,
		kind: str,
		*,
		tweet_id: str | None = None,
		event_id: str | None = None,
		for_user_id: str = ACCOUNT_ID,
	) -> dict:
		"""kind "tweet" (tweet_create_events), "dm" (direct_message_events) or "delete" (tweet_delete_events)."""
		if kind in ("tweet", "delete"):
			t = self.tweet(tweet_id)
			if kind == "delete":
				return {
					"for_user_id": for_user_id,
					"tweet_delete_events": [
						{
							"status": {"id": t["id"], "user_id": t["author_id"]},
							"timestamp_ms": str(int(time.time() * 1000)),
						}
					],
				}
			parent = next(
				(r["id"] for r in t.get("referenced_tweets") or [] if r["type"] == "replied_to"), None
			)
			obj = {
				"created_at": _v1_time(t["_ts"]),
				"id": int(t["id"]),
				"id_str": t["id"],
				"text": t["text"],
				"in_reply_to_status_id_str": parent,
				"in_reply_to_user_id_str": t.get("in_reply_to_user_id"),
				"user": self._v1_user(t["author_id"]),
				"timestamp_ms": str(int(t["_ts"] * 1000)),
				"entities": {
					"user_mentions": [
						{"id_str": m["id"], "screen_name": m["username"]}
						for m in (t.get("entities") or {}).get("mentions") or []
					]
				},
			}
			quoted = next((r["id"] for r in t.get("referenced_tweets") or [] if r["type"] == "quoted"), None)
			if quoted and self.tweet(quoted):
				q = self.tweet(quoted)
				obj["is_quote_status"] = True
				obj["quoted_status"] = {
					"id_str": q["id"],
					"text": q["text"],
					"user": self._v1_user(q["author_id"]),
				}
			keys = (t.get("attachments") or {}).get("media_keys") or []
			if keys:
				obj["extended_entities"] = {"media": [self._v1_media(k) for k in keys if k in self.media]}
			if len(t["text"]) > 140:
				obj["text"] = t["text"][:140]
				obj["truncated"] = True
				obj["extended_tweet"] = {"full_text": t["text"]}
			return {"for_user_id": for_user_id, "tweet_create_events": [obj]}
		if kind == "dm":
			e = next(d for d in self.dms if d["id"] == str(event_id))
			ts = datetime.fromisoformat(e["created_at"].replace("Z", "+00:00")).timestamp()
			return {
				"for_user_id": for_user_id,
				"direct_message_events": [
					{
						"type": "message_create",
						"id": e["id"],
						"created_timestamp": str(int(ts * 1000)),
						"message_create": {
							"target": {"recipient_id": e["_recipient"]},
							"sender_id": e["sender_id"],
							"message_data": {"text": e["text"], "entities": {}}
							| (
								{
									"attachment": {
										"type": "media",
										"media": self._v1_media(e["attachments"]["media_keys"][0]),
									}
								}
								if e.get("attachments")
								else {}
							),
						},
					}
				],
				"users": {uid: self._v1_user(uid) for uid in {e["sender_id"], e["_recipient"]}},
			}
		raise ValueError(f"unknown webhook kind {kind!r}")

	def activity_payload(
		self,
		event_type: str,
		*,
		tweet_id: str | None = None,
		event_id: str | None = None,
		for_user_id: str = ACCOUNT_ID,
	) -> dict:
		"""An X Activity API delivery: ``post.mention.create`` / ``post.reply.create`` /
		``post.quote.create`` (the Post as API v2 renders it, ``includes.users``) or ``dm.received`` /
		``dm.sent`` (the Account Activity DM shape, its users wrapped in ``data`` as v2 users)."""
		if event_type.startswith("post."):
			t = self.tweet(tweet_id)
			body = self._public(t)
			includes = {"users": [self.users[t["author_id"]]] if t["author_id"] in self.users else []}
			if self._includes_media([t]):
				includes["media"] = self._includes_media([t])
		else:
			legacy = self.webhook_payload("dm", event_id=event_id, for_user_id=for_user_id)
			body = {
				"direct_message_events": legacy["direct_message_events"],
				"users": {
					uid: {"data": self.users.get(uid) or {"id": uid, "username": f"user{uid}", "name": uid}}
					for uid in legacy["users"]
				},
			}
			includes = {}
		envelope = {
			"event_uuid": self.next_id(),
			"filter": {"user_id": for_user_id},
			"event_type": event_type,
			"payload": body,
		}
		if includes:
			envelope["includes"] = includes
		return {"data": envelope}

	@staticmethod
	def deliver_webhook(
		url: str, consumer_secret: str, payload: dict, timeout: float = 10
	) -> tuple[int, str]:
		body = json.dumps(payload).encode()
		r = requests.post(
			url,
			data=body,
			headers={
				"Content-Type": "application/json",
				"x-twitter-webhooks-signature": signature(body, consumer_secret),
			},
			timeout=timeout,
		)
		return r.status_code, r.text

	@staticmethod
	def crc_check(url: str, consumer_secret: str, token: str = "sandbox-crc") -> bool:
		r = requests.get(url, params={"crc_token": token}, timeout=10)
		return r.status_code == 200 and r.json() == crc_response(token, consumer_secret)

	# --- HTTP --------------------------------------------------------------------------------
	def render_fault(self, kind: str, params: dict) -> Response:
		if kind == "rate_limit":
			resp = _error(429, "Too Many Requests", "Too Many Requests")
			resp.headers.update({"x-rate-limit-limit": "1", "x-rate-limit-remaining": "0"})
			# reset_in=None: no reset header at all (the case that sends tweepy's own waiting into a loop)
			if not ("reset_in" in params and params["reset_in"] is None):
				reset = int(time.time() + float(params.get("reset_in", 15)))
				resp.headers["x-rate-limit-reset"] = str(reset)
			return resp
		if kind == "expired_token":
			return _error(401, "Unauthorized", "Unauthorized")
		if kind == "outside_window":
			return _error(403, "Forbidden", "You are not permitted to send a Direct Message to this user.")
		return _error(int(params.get("status", 503)), "Service Unavailable", "Over capacity")

	def control(self, action: str, data: dict) -> Response:
		"""``POST /_sandbox/x/<action>`` with a JSON body: user {user_id, username, name?, followers?},
		tweet {author_id, text, in_reply_to?, quote_of?}, access {access: self-serve|enterprise}, dm {sender_id, text, account_id?}, revoke {token},
		rate_limit {endpoint, limit}, oauth1_secrets {consumer_key, consumer_secret, token,
		token_secret}, state {} (all tweets and DMs)."""
		if action == "user":
			return Response(
				200,
				self.add_user(
					data["user_id"], data["username"], data.get("name"), int(data.get("followers", 0))
				),
			)
		if action == "tweet":
			return Response(
				200,
				self._public(
					self.post_tweet(
						data["author_id"],
						data["text"],
						data.get("in_reply_to"),
						quote_of=data.get("quote_of"),
					)
				),
			)
		if action == "access":
			if data.get("access") not in (SELF_SERVE, ENTERPRISE):
				return Response(400, {"error": "access is self-serve or enterprise"})
			self.access = data["access"]
			return Response(200, {"ok": True})
		if action == "dm":
			return Response(
				200,
				self._public(
					self.send_dm_to(data.get("account_id", ACCOUNT_ID), data["sender_id"], data["text"])
				),
			)
		if action == "oauth1_secrets":
			self.set_oauth1_secrets(
				data["consumer_key"], data["consumer_secret"], data["token"], data["token_secret"]
			)
			return Response(200, {"ok": True})
		if action == "rate_limit":
			self.set_rate_limit(data["endpoint"], int(data["limit"]))
			return Response(200, {"ok": True})
		if action == "revoke":
			self.revoke_token(data["token"])
			return Response(200, {"ok": True})
		if action == "state":
			return Response(
				200,
				{
					"tweets": [self._public(t) for t in self.tweets],
					"dms": [self._public(d) for d in self.dms],
				},
			)
		return Response(404, {"error": f"unknown X control action {action}"})

	@staticmethod
	def _public(obj: dict) -> dict:
		return {k: v for k, v in obj.items() if not k.startswith("_") and v is not None}

	def _auth(self, req: Request) -> str | None:
		header = req.headers.get("authorization", "")
		if header.startswith("Bearer "):
			token = header[7:].strip()
		elif header.startswith("OAuth "):
			params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}
			token = params.get("oauth_token", "")
			secrets = self.oauth1_secrets.get((params.get("oauth_consumer_key", ""), token))
			if secrets and not hmac.compare_digest(
				params.get("oauth_signature", ""), _oauth1_signature(req, params, *secrets)
			):
				return None
		else:
			token = ""
		if not token or token in self.revoked or token == "None":
			return None
		return token

	def _budget(self, key: str) -> dict[str, str]:
		limit = self.limits.get(key, 900)
		now = time.time()
		used = [t for t in self.used.get(key, []) if t > now - WINDOW_SECONDS]
		used.append(now)
		self.used[key] = used
		reset = int((used[0] if used else now) + WINDOW_SECONDS)
		return {
			"x-rate-limit-limit": str(limit),
			"x-rate-limit-remaining": str(max(limit - len(used), 0)),
			"x-rate-limit-reset": str(reset),
			"_over": str(len(used) > limit),
		}

	def handle(self, req: Request) -> Response:
		token = self._auth(req)
		if token is None:
			return _error(401, "Unauthorized", "Unauthorized")
		routes = [
			("GET", r"^/2/users/(\w+)/mentions$", "mentions", self._mentions),
			("GET", r"^/2/users/(\w+)/tweets$", "timeline", self._timeline),
			("GET", r"^/2/tweets/search/recent$", "search", self._search),
			("GET", r"^/2/dm_events$", "dm_events", self._dm_events),
			("GET", r"^/2/users/me$", "me", self._me),
			("GET", r"^/2/usage/tweets$", "usage", self._usage),
			("POST", r"^/2/tweets$", "tweets", self._create_tweet),
			("POST", r"^/2/media/upload$", "media_upload", self._upload),
			("POST", r"^/2/users/(\w+)/likes$", "likes", self._like),
			("POST", r"^/2/users/(\w+)/retweets$", "retweets", self._retweet),
			("POST", r"^/2/dm_conversations/with/(\w+)/messages$", "dm_send", self._send_dm),
		]
		for method, pattern, key, fn in routes:
			m = re.match(pattern, req.path)
			if m and req.method == method:
				with self.sandbox.lock:
					headers = self._budget(key)
					if headers.pop("_over") == "True":
						resp = _error(429, "Too Many Requests", "Too Many Requests")
					else:
						resp = fn(req, token, *m.groups())
				resp.headers.update(headers)
				return resp
		return _error(404, "Not Found Error", f"no X endpoint {req.method} {req.path}")

	def _me_id(self, token: str) -> str:
		return token.split("-", 1)[0] if "-" in token else ACCOUNT_ID

	def _page(self, items: list[dict], req: Request, make_data, posts: bool = False) -> Response:
		"""Newest first, since_id filter, max_results + pagination_token/next_token paging."""
		since = req.query.get("since_id")
		if since:
			items = [t for t in items if int(t["id"]) > int(since)]
		items = sorted(items, key=lambda t: int(t["id"]), reverse=True)
		token = req.query.get("pagination_token") or req.query.get("next_token")
		start = int(token) if token and token.isdigit() else 0
		size = max(1, min(int(req.query.get("max_results") or 10), 100))
		chunk = items[start : start + size]
		meta = {"result_count": len(chunk)}
		if chunk:
			meta["newest_id"] = chunk[0]["id"]
			meta["oldest_id"] = chunk[-1]["id"]
		if start + size < len(items):
			meta["next_token"] = str(start + size)
		body = {"meta": meta}
		if chunk and posts:
			day = datetime.now(timezone.utc).date().isoformat()
			self.consumed.setdefault(day, set()).update(t["id"] for t in chunk)
		if chunk:
			body["data"] = [make_data(t) for t in chunk]
			users = {self._author_of(t) for t in chunk}
			body["includes"] = {"users": [self.users[u] for u in users if u in self.users]}
			refs = [
				self.tweet(r["id"])
				for t in chunk
				for r in t.get("referenced_tweets") or []
				if r["type"] == "quoted" and self.tweet(r["id"])
			]
			if refs:
				body["includes"]["tweets"] = [self._public(r) for r in refs]
			if "attachments.media_keys" in (req.query.get("expansions") or "").split(","):
				media = self._includes_media(chunk)
				if media:
					body["includes"]["media"] = media
		return Response(200, body)

	@staticmethod
	def _author_of(obj: dict) -> str:
		return obj.get("author_id") or obj.get("sender_id")

	def _mentions(self, req, token, user_id):
		handle = (self.users.get(user_id) or {}).get("username", "")
		mentions = [
			t for t in self.tweets if f"@{handle}".lower() in t["text"].lower() and t["author_id"] != user_id
		]
		# replies to the account's tweets mention it implicitly on X
		mentions += [
			t
			for t in self.tweets
			if t.get("in_reply_to_user_id") == user_id and t not in mentions and t["author_id"] != user_id
		]
		return self._page(mentions, req, self._public, posts=True)

	def _timeline(self, req, token, user_id):
		return self._page(
			[t for t in self.tweets if t["author_id"] == user_id], req, self._public, posts=True
		)

	def _search(self, req, token):
		query = req.query.get("query", "")
		if len(query) > 512:
			return _error(400, "Invalid Request", "query too long", errors=[{"message": "query too long"}])
		try:
			match = _SearchQuery(query, self).match
		except ValueError as e:
			return _error(400, "Invalid Request", str(e), errors=[{"message": str(e)}])
		return self._page([t for t in self.tweets if match(t)], req, self._public, posts=True)

	def _dm_events(self, req, token):
		me = self._me_id(token)
		events = [d for d in self.dms if me in d["participant_ids"]]
		return self._page(events, req, self._public)

	def _usage(self, req, token):
		"""``GET /2/usage/tweets`` as X documents it: posts consumed per UTC day (each post once a
		day), for the project's one app, and the monthly cap of pay-per-use plans."""
		days = [
			{"date": day, "usage": [{"app_id": "sandbox-app", "tweets_consumed": len(ids)}]}
			for day, ids in sorted(self.consumed.items())
		]
		return Response(
			200, {"data": {"daily_project_usage": days, "project_id": "sandbox", "project_cap": 3_000_000}}
		)

	def _me(self, req, token):
		return Response(200, {"data": self.users.get(self._me_id(token)) or {"id": self._me_id(token)}})

	UPLOAD_CATEGORIES = ("tweet_image", "dm_image", "subtitles")
	UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg", "image/tiff")
	UPLOAD_MAX = 5 * 1024 * 1024

	def _upload(self, req, token):
		"""``POST /2/media/upload``, X's one-shot upload (images): JSON (``media`` base64) or multipart
		(``media`` file), ``media_category`` required; images up to 5 MB."""
		if req.headers.get("content-type", "").startswith("multipart/form-data"):
			fields, files = req.multipart()
			data = files.get("media", (None, None, b""))[2]
		else:
			fields = req.json() or {}
			try:
				data = base64.b64decode(fields.get("media") or "", validate=True)
			except ValueError:
				return _error(400, "Invalid Request", "media must be base64")
		category, mtype = fields.get("media_category"), fields.get("media_type") or "image/jpeg"
		if category not in self.UPLOAD_CATEGORIES:
			return _error(
				400, "Invalid Request", f"media_category must be one of {', '.join(self.UPLOAD_CATEGORIES)}"
			)
		if mtype not in self.UPLOAD_TYPES:
			return _error(400, "Invalid Request", "media_type is not an image type this endpoint accepts")
		if not data:
			return _error(400, "Invalid Request", "media is required")
		if len(data) > self.UPLOAD_MAX:
			return _error(400, "Invalid Request", "Image file size must be <= 5242880 bytes")
		mid = self.next_id()
		self.uploads[mid] = {"owner": self._me_id(token), "type": mtype, "category": category, "bytes": data}
		return Response(
			200,
			{"data": {"id": mid, "media_key": f"3_{mid}", "size": len(data), "expires_after_secs": 86400}},
		)

	def _attach_uploads(self, ids, me: str, category: str) -> list[str] | Response:
		keys = []
		for mid in ids or []:
			up = self.uploads.get(str(mid))
			if not up or up["owner"] != me:
				return _error(400, "Invalid Request", f"Your media IDs are invalid: {mid}")
			if up["category"] != category:
				return _error(400, "Invalid Request", f"media {mid} was uploaded for {up['category']}")
			key = f"3_{mid}"
			url = self.sandbox.host_media(up["bytes"], up["type"], f"x/{key}")
			self.media[key] = {"media_key": key, "type": "photo", "url": url, "_bytes": len(up["bytes"])}
			keys.append(key)
		return keys

	def _create_tweet(self, req, token):
		body = req.json()
		me = self._me_id(token)
		text = body.get("text") or ""
		media_ids = (body.get("media") or {}).get("media_ids") or []
		if not text.strip() and not media_ids:
			return _error(400, "Invalid Request", "text is required")
		if weighted_length(text) > 280:
			return _error(400, "Invalid Request", "Tweet text is too long.")
		if any(t["author_id"] == me and t["_source"] == text for t in self.tweets):
			return _error(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
		reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
		if reply_to and not self.tweet(reply_to):
			return _error(400, "Invalid Request", "The tweet you are replying to does not exist.")
		if reply_to and self.access == SELF_SERVE and not self.summons(self.tweet(reply_to), me):
			return _error(
				403,
				"Forbidden",
				"Reply to this post is not allowed: its author has not mentioned you or quoted your post.",
			)
		keys = self._attach_uploads(media_ids, me, "tweet_image")
		if isinstance(keys, Response):
			return keys
		tweet = self.post_tweet(me, text, in_reply_to=reply_to, media_keys=keys)
		return Response(
			201, {"data": {"id": tweet["id"], "text": tweet["text"], "edit_history_tweet_ids": [tweet["id"]]}}
		)

	def _like(self, req, token, user_id):
		if self.access == SELF_SERVE:
			return _error(403, "Forbidden", "Likes are not available to self-serve (pay-per-use) apps.")
		tid = str(req.json().get("tweet_id"))
		if not self.tweet(tid):
			return _error(404, "Not Found Error", "tweet not found")
		self.likes.append((user_id, tid))
		return Response(200, {"data": {"liked": True}})

	def _retweet(self, req, token, user_id):
		tid = str(req.json().get("tweet_id"))
		if not self.tweet(tid):
			return _error(404, "Not Found Error", "tweet not found")
		self.retweets.append((user_id, tid))
		return Response(200, {"data": {"retweeted": True}})

	def _send_dm(self, req, token, participant):
		body = req.json() or {}
		text = body.get("text") or ""
		if len(text) > 10_000:
			return _error(400, "Invalid Request", "text too long")
		ids = [a.get("media_id") for a in body.get("attachments") or [] if isinstance(a, dict)]
		if len(ids) > 1:
			return _error(400, "Invalid Request", "a Direct Message carries one media attachment")
		if not text.strip() and not ids:
			return _error(400, "Invalid Request", "text or attachments is required")
		keys = self._attach_uploads(ids, self._me_id(token), "dm_image")
		if isinstance(keys, Response):
			return keys
		event = self._dm(self._me_id(token), str(participant), text, media_key=keys[0] if keys else None)
		return Response(
			201, {"data": {"dm_conversation_id": event["dm_conversation_id"], "dm_event_id": event["id"]}}
		)


class _SearchQuery:
	"""The subset of X's search syntax the app builds: words, "phrases", #tags, @users, ``OR``,
	parentheses, juxtaposition = AND, and negated operators (``-from:``, ``-is:retweet``, ``-word``).
	Matching is a case-insensitive substring test, which is close enough for an emulator."""

	_TOKEN = re.compile(r'-?"[^"]*"|[()]|-?[^\s()"]+')

	def __init__(self, query: str, api: XApi):
		self.api = api
		self.tokens = self._TOKEN.findall(query)
		if not self.tokens:
			raise ValueError("query is empty")
		self.pos = 0
		self.tree = self._or()
		if self.pos != len(self.tokens):
			raise ValueError(f"unexpected {self.tokens[self.pos]!r} in query")

	def _peek(self) -> str | None:
		return self.tokens[self.pos] if self.pos < len(self.tokens) else None

	def _or(self):
		branches = [self._and()]
		while self._peek() == "OR":
			self.pos += 1
			branches.append(self._and())
		return ("or", branches)

	def _and(self):
		parts = []
		while self._peek() not in (None, ")", "OR"):
			tok = self.tokens[self.pos]
			self.pos += 1
			if tok == "(":
				parts.append(self._or())
				if self._peek() != ")":
					raise ValueError("unbalanced parentheses in query")
				self.pos += 1
			else:
				parts.append(("not", tok[1:]) if tok.startswith("-") and len(tok) > 1 else ("is", tok))
		if not parts:
			raise ValueError("empty clause in query")
		return ("and", parts)

	def _term(self, term: str, tweet: dict) -> bool:
		term = term.strip('"').lower()
		author = (self.api.users.get(tweet["author_id"]) or {}).get("username", "").lower()
		refs = {r["type"] for r in tweet.get("referenced_tweets") or []}
		if term.startswith("from:"):
			return author == term[5:].lstrip("@")
		if term == "is:retweet":
			return "retweeted" in refs
		if term == "is:reply":
			return "replied_to" in refs
		return term in tweet["text"].lower()

	def _eval(self, node, tweet: dict) -> bool:
		op, arg = node
		if op == "or":
			return any(self._eval(n, tweet) for n in arg)
		if op == "and":
			return all(self._eval(n, tweet) for n in arg)
		if op == "not":
			return not self._term(arg, tweet)
		return self._term(arg, tweet)

	def match(self, tweet: dict) -> bool:
		return self._eval(self.tree, tweet)
