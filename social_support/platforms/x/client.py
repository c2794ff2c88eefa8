"""X API v2 client over tweepy.Client, pointed at ``api_base_url`` when one is set (the sandbox).

tweepy hard-codes https://api.twitter.com in ``BaseClient.request`` and sends through
``self.session``; a session that rewrites the prefix points it elsewhere, and OAuth 1 then
signs the rewritten URL. We never use ``wait_on_rate_limit`` (a 429 without a reset header
makes tweepy retry in a tight loop) and ask tweepy for the raw ``requests.Response`` so the
rate-limit headers of successful calls are kept too.

"Me": tweepy takes the authenticating user's id from the OAuth 1 access token, the part
before the ``-`` (``99-abc`` -> ``99``), for like/retweet; mentions and the outbound test use
``config.account_id``. Both must name the same account.
"""

from __future__ import annotations

import base64
import time
from collections import Counter
from collections.abc import Iterator

import requests
import tweepy

from ..base import (
	AuthError,
	BadRequest,
	Duplicate,
	NotFound,
	OutboundImage,
	PermissionDenied,
	PlatformError,
	PollPage,
	RateLimit,
	RateLimited,
	SendResult,
	TransientError,
	same_text,
)
from ..hosts import origin
from . import constants as c
from .costs import DM_READ, OWNED_READ, POST_READ, page_usage, write_usage


class _RewritingSession(requests.Session):
	"""Sends every call to the channel's base URL, and only there: the tokens ride on each request.

	A URL on any other origin is refused before anything is sent, and redirects are never
	followed (requests would follow them by default, resending a POST body on 307/308).
	"""

	def __init__(self, base_url: str | None, timeout: float):
		super().__init__()
		self.base_url = (base_url or "").rstrip("/")
		self.timeout = timeout
		self.origin = origin(self.base_url or c.OFFICIAL_HOST)

	def request(self, method, url, *args, **kwargs):
		if self.base_url and url.startswith(c.OFFICIAL_HOST):
			url = self.base_url + url[len(c.OFFICIAL_HOST) :]
		if self.origin is None or origin(url) != self.origin:
			raise PermissionDenied(
				f"refused to send an X API call to {_host(url)}: not this channel's API host"
			)
		kwargs.setdefault("timeout", self.timeout)
		kwargs["allow_redirects"] = False
		response = super().request(method, url, *args, **kwargs)
		if response.is_redirect:
			response.close()
			raise PlatformError(
				f"the X API answered with a redirect (HTTP {response.status_code}); it is not followed",
				status=response.status_code,
			)
		return response


def _host(url: str) -> str:
	o = origin(url)
	return o[1] if o else "an invalid address"


def rate_limit_of(response) -> RateLimit | None:
	h = getattr(response, "headers", None) or {}
	if "x-rate-limit-remaining" not in h and "x-rate-limit-reset" not in h:
		return None

	def num(key):
		try:
			return int(h[key])
		except (KeyError, TypeError, ValueError):
			return None

	return RateLimit(
		limit=num("x-rate-limit-limit"),
		remaining=num("x-rate-limit-remaining"),
		reset_at=num("x-rate-limit-reset"),
	)


def classify(exc: Exception) -> PlatformError:
	"""tweepy / requests exception -> the app's error taxonomy (by status and code, never by text)."""
	if isinstance(exc, PlatformError):
		return exc
	if isinstance(exc, requests.RequestException):
		return TransientError(f"X unreachable: {type(exc).__name__}")
	if not isinstance(exc, tweepy.HTTPException):
		return TransientError(f"X client error: {type(exc).__name__}: {exc}")
	resp = exc.response
	status = getattr(resp, "status_code", None)
	codes = list(exc.api_codes or [])
	message = "; ".join(str(m) for m in exc.api_messages or []) or f"HTTP {status}"
	kw = {"status": status, "code": codes[0] if codes else None, "raw": exc.api_errors}
	if status == 429:
		rl = rate_limit_of(resp)
		retry = max(rl.reset_at - time.time(), 1) if rl and rl.reset_at else c.DEFAULT_RETRY_AFTER
		return RateLimited(message, retry_after=retry, **kw)
	if status == 401:
		return AuthError(message, **kw)
	if status == 403:
		# 187 is the v1.1 duplicate code; v2 sends no code at all, only
		# {"detail": "You are not allowed to create a Tweet with duplicate content.", ...}, which
		# tweepy puts in api_messages: the one place X leaves us nothing but the text
		if 187 in codes or "duplicate" in message.lower():
			return Duplicate(message, **kw)
		return PermissionDenied(message, **kw)
	if status == 404:
		return NotFound(message, **kw)
	if status == 400:
		return BadRequest(message, **kw)
	if status and status >= 500:
		return TransientError(message, **kw)
	return PlatformError(message, **kw)


def image_problem(image: OutboundImage) -> str | None:
	"""Why X's one-shot upload would refuse this image (a sentence), or None."""
	if image.mime_type not in c.UPLOAD_TYPES:
		return f"X takes {', '.join(c.UPLOAD_TYPES)} images in a reply, not {image.mime_type}"
	if len(image.data) > c.UPLOAD_MAX_BYTES:
		return f"X takes images up to {c.UPLOAD_MAX_BYTES // (1024 * 1024)} MB"
	return None


class XClient:
	def __init__(self, config):
		self.config = config
		creds = config.credentials
		self.account_id = str(config.account_id)
		self.handle = config.account_handle
		self.client = tweepy.Client(
			bearer_token=creds.get("bearer_token"),
			consumer_key=creds.get("consumer_key"),
			consumer_secret=creds.get("consumer_secret"),
			access_token=creds.get("access_token"),
			access_token_secret=creds.get("access_token_secret"),
			return_type=requests.Response,
			wait_on_rate_limit=False,
		)
		self.client.session = _RewritingSession(config.api_base_url, config.timeout)
		# reads use the bearer token when there is one, else the account's own OAuth 1 token
		self._read_user_auth = not creds.get("bearer_token")
		self.usage: Counter = Counter()  # what the calls cost, by kind, until take_usage()

	# --- polling ---------------------------------------------------------------------------
	def streams(self) -> list[str]:
		streams = [c.STREAM_MENTIONS]
		if self.search_query():
			streams.append(c.STREAM_SEARCH)
		streams.append(c.STREAM_DMS)
		return streams

	def search_query(self) -> str | None:
		terms = []
		for term in self.config.listening_terms:
			term = term.strip().replace('"', "")
			if not term:
				continue
			terms.append(f'"{term}"' if " " in term else term)
		if not terms:
			return None
		suffix = " -is:retweet" + (f" -from:{self.handle}" if self.handle else "")
		query = "(" + " OR ".join(terms) + ")" + suffix
		while len(query) > c.SEARCH_QUERY_MAX and len(terms) > 1:
			terms.pop()
			query = "(" + " OR ".join(terms) + ")" + suffix
		return query

	def take_usage(self) -> dict[str, int]:
		"""What the calls since the last take cost, by kind (``costs.KINDS``); counted only for answers
		X gave (an error is not billed)."""
		usage, self.usage = dict(self.usage), Counter()
		return usage

	def post_usage(self) -> dict:
		"""X's own count of posts read, per day, for the app's project (``GET /2/usage/tweets``):
		{"days": {"YYYY-MM-DD": posts}, "cap": monthly cap}."""
		try:
			resp = self.client.request(
				"GET", "/2/usage/tweets", params={"days": 31}, user_auth=self._read_user_auth
			)
		except Exception as e:
			raise classify(e) from e
		data = (resp.json() or {}).get("data") or {}
		days = {}
		for day in data.get("daily_project_usage") or []:
			days[str(day.get("date"))] = sum(
				int(u.get("tweets_consumed") or 0) for u in day.get("usage") or []
			)
		return {"days": days, "cap": data.get("project_cap")}

	def poll(self, stream: str, cursor: str | None) -> Iterator[PollPage]:
		if stream == c.STREAM_DMS:
			yield from self._poll_dms(cursor)
			return
		newest = None
		token = None
		for page_no in range(c.MAX_PAGES_PER_POLL):
			kwargs = {
				"since_id": cursor or None,
				"max_results": c.PAGE_SIZE,
				"expansions": c.TWEET_EXPANSIONS,
				"tweet_fields": c.TWEET_FIELDS,
				"user_fields": c.USER_FIELDS,
				"media_fields": c.MEDIA_FIELDS,
				"user_auth": self._read_user_auth,
			}
			try:
				if stream == c.STREAM_MENTIONS:
					resp = self.client.get_users_mentions(self.account_id, pagination_token=token, **kwargs)
				elif stream == c.STREAM_SEARCH:
					query = self.search_query()
					if not query:
						return
					resp = self.client.search_recent_tweets(query, next_token=token, **kwargs)
				else:
					raise BadRequest(f"unknown X stream {stream!r}")
			except Exception as e:
				raise classify(e) from e
			raw = resp.json()
			# the account's own mentions are owned reads; search results are not
			self.usage += page_usage(raw, OWNED_READ if stream == c.STREAM_MENTIONS else POST_READ)
			meta = raw.get("meta") or {}
			if page_no == 0:
				newest = meta.get("newest_id")
			token = meta.get("next_token")
			last = not token or page_no == c.MAX_PAGES_PER_POLL - 1
			yield PollPage(
				stream=stream,
				raw=raw,
				cursor=(newest or cursor) if last else None,
				has_more=not last,
				rate_limit=rate_limit_of(resp),
			)
			if last:
				return

	def _poll_dms(self, cursor: str | None) -> Iterator[PollPage]:
		# the DM events endpoint has no since_id: page back until we meet what we have seen
		seen = int(cursor) if cursor and cursor.isdigit() else None
		highest = seen
		token = None
		for page_no in range(c.MAX_PAGES_PER_POLL):
			try:
				resp = self.client.get_direct_message_events(
					pagination_token=token,
					# no since_id here: once something was seen, ask in small pages (each event read is paid)
					max_results=c.DM_PAGE_SIZE_AFTER_CURSOR if seen is not None else c.PAGE_SIZE,
					dm_event_fields=c.DM_EVENT_FIELDS,
					expansions=c.DM_EXPANSIONS,
					user_fields=c.USER_FIELDS,
					media_fields=c.MEDIA_FIELDS,
					user_auth=True,
				)
			except Exception as e:
				raise classify(e) from e
			raw = resp.json()
			self.usage += page_usage(raw, DM_READ)
			events = raw.get("data") or []
			fresh = [e for e in events if seen is None or int(e["id"]) > seen]
			for e in fresh:
				highest = max(highest or 0, int(e["id"]))
			raw = {**raw, "data": fresh}
			token = (raw.get("meta") or {}).get("next_token")
			last = not token or len(fresh) < len(events) or page_no == c.MAX_PAGES_PER_POLL - 1
			yield PollPage(
				stream=c.STREAM_DMS,
				raw=raw,
				cursor=(str(highest) if highest is not None else cursor) if last else None,
				has_more=not last,
				rate_limit=rate_limit_of(resp),
			)
			if last:
				return

	# --- sending ---------------------------------------------------------------------------
	def _call(self, fn, *args, **kwargs):
		try:
			return fn(*args, **kwargs).json()
		except Exception as e:
			raise classify(e) from e

	def _permalink(self, tweet_id: str) -> str | None:
		return f"https://x.com/{self.handle}/status/{tweet_id}" if self.handle else None

	def upload_image(self, image: OutboundImage, purpose: str = "post") -> str:
		"""An image for a post or reply (``purpose`` "post") or a DM ("dm") through X's v2 one-shot
		upload, ``POST /2/media/upload`` (JSON, the bytes in base64, OAuth 1 user context); its media id.
		tweepy 4.17 has no v2 upload method, so the call goes through tweepy's own request (the
		channel's host, its signing, no redirects)."""
		problem = image_problem(image)
		if problem:
			raise BadRequest(problem)
		body = {
			"media": base64.b64encode(image.data).decode(),
			"media_category": c.UPLOAD_CATEGORY[purpose],
			"media_type": image.mime_type,
		}
		try:
			resp = self.client.request("POST", c.UPLOAD_PATH, json=body, user_auth=True)
		except Exception as e:
			raise classify(e) from e
		return str(((resp.json() or {}).get("data") or {})["id"])

	def post(self, text: str, image: OutboundImage | None = None) -> SendResult:
		media = {"media_ids": [self.upload_image(image, "post")]} if image else {}
		data = self._call(self.client.create_tweet, text=text, user_auth=True, **media)
		self.usage += write_usage("post", text)
		tid = str(data["data"]["id"])
		return SendResult(tid, data, self._permalink(tid))

	def reply_public(self, in_reply_to: str, text: str, image: OutboundImage | None = None) -> SendResult:
		media = {"media_ids": [self.upload_image(image, "post")]} if image else {}
		data = self._call(
			self.client.create_tweet, text=text, in_reply_to_tweet_id=in_reply_to, user_auth=True, **media
		)
		self.usage += write_usage("reply", text)
		tid = str(data["data"]["id"])
		return SendResult(tid, data, self._permalink(tid))

	def send_dm(
		self, recipient_id: str, text: str, tag: str | None = None, image: OutboundImage | None = None
	) -> SendResult:
		media = {"media_id": self.upload_image(image, "dm")} if image else {}
		data = self._call(
			self.client.create_direct_message, participant_id=recipient_id, text=text, user_auth=True, **media
		)
		self.usage += write_usage("dm", text)
		return SendResult(str(data["data"]["dm_event_id"]), data)

	def like(self, tweet_id: str) -> SendResult:
		data = self._call(self.client.like, tweet_id, user_auth=True)
		self.usage += write_usage("like")
		return SendResult(str(tweet_id), data)

	def repost(self, tweet_id: str) -> SendResult:
		data = self._call(self.client.retweet, tweet_id, user_auth=True)
		self.usage += write_usage("repost")
		return SendResult(str(tweet_id), data)

	def private_reply(self, comment_id: str, text: str) -> SendResult:
		raise BadRequest("private replies to a post are not supported on X; send a DM")

	def find_sent(self, mode: str, target: str | None, text: str) -> str | None:
		"""The id of what we already sent (after an answer was lost), else None.

		mode: public (a reply to ``target``), post (a post of our own), dm (to ``target``). X shows
		the text rendered (entities escaped, links wrapped in t.co): compared with ``same_text``.
		"""
		if mode == "dm":
			data = self._call(
				self.client.get_direct_message_events,
				max_results=100,
				dm_event_fields=c.DM_EVENT_FIELDS,
				user_auth=True,
			)
			self.usage += page_usage(data, DM_READ)
			for e in data.get("data") or []:
				partners = set(e.get("participant_ids") or []) | set(
					str(e.get("dm_conversation_id") or "").split("-")
				)
				if (
					str(e.get("sender_id")) == self.account_id
					and same_text(text, e.get("text"))
					and str(target) in partners
				):
					return str(e["id"])
			return None
		data = self._call(
			self.client.get_users_tweets,
			self.account_id,
			max_results=100,
			tweet_fields=c.TWEET_FIELDS,
			user_auth=True,
		)
		self.usage += page_usage(data, OWNED_READ)
		for t in data.get("data") or []:
			refs = {r.get("type"): str(r.get("id")) for r in t.get("referenced_tweets") or []}
			answered = refs.get("replied_to")
			where = answered == str(target) if mode == "public" else answered is None
			if where and same_text(text, t.get("text")):
				return str(t["id"])
		return None

	def hide(self, object_id: str, hidden: bool = True) -> SendResult:
		raise BadRequest("hiding replies is not supported on X by this app")
