"""Graph API client over facebook-sdk 3.1.0, for a Facebook Page or an Instagram professional account.

facebook-sdk pitfalls handled here: it only accepts versions 2.8..3.1, so the version is set
as a plain attribute after construction; its host is a module global, so a per-client
session rewrites the URL instead (several channels with different hosts share a process);
it ignores the HTTP status and raises GraphAPIError from the body without the subcode, so
errors are classified from ``e.result`` and the last response kept by a session hook;
nested parameters must be JSON strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import facebook
import requests

from ..base import (
	FACEBOOK,
	AuthError,
	Author,
	BadRequest,
	Duplicate,
	OutboundImage,
	OutsideWindow,
	PermissionDenied,
	PlatformError,
	PollPage,
	RateLimit,
	RateLimited,
	SendResult,
	TransientError,
	VersionRefused,
	same_text,
	utc,
)
from ..hosts import origin
from . import constants as c
from .parse import latest_time
from .versions import is_version_error, normalize_version, version_advice


class _RewritingSession(requests.Session):
	"""Sends every call to the channel's base URL, and only there: the token rides on each request.

	A URL on any other origin is refused before anything is sent, and redirects are never
	followed (requests would follow them by default, resending a POST body, and with it the
	access token, on 307/308).
	"""

	def __init__(self, base_url: str | None, official_host: str = c.OFFICIAL_HOST):
		super().__init__()
		# the channel's base URL, else its platform's official host (Instagram Login has its own)
		self.base_url = (base_url or "").rstrip("/") or official_host
		self.origin = origin(self.base_url)
		self.last_response: requests.Response | None = None

	def request(self, method, url, *args, **kwargs):
		if url.startswith(c.OFFICIAL_HOST):  # facebook-sdk's host, a module global
			url = self.base_url + url[len(c.OFFICIAL_HOST) :]
		if not self.on_origin(url):
			raise PermissionDenied(
				f"refused to send a Graph API call to {_host(url)}: not this channel's API host"
			)
		kwargs["allow_redirects"] = False
		response = super().request(method, url, *args, **kwargs)
		self.last_response = response
		if response.is_redirect:
			response.close()
			raise PlatformError(
				f"the Graph API answered with a redirect (HTTP {response.status_code}); it is not followed",
				status=response.status_code,
			)
		return response

	def on_origin(self, url: str) -> bool:
		return self.origin is not None and origin(url) == self.origin


def _host(url: str) -> str:
	o = origin(url)
	return o[1] if o else "an invalid address"


def usage_of(response) -> RateLimit | None:
	if response is None:
		return None
	h = response.headers
	pct = []
	for header in ("x-app-usage", "x-page-usage"):
		try:
			pct.extend(float(v) for v in json.loads(h.get(header) or "{}").values())
		except (ValueError, AttributeError):
			pass
	return RateLimit(usage_percent=max(pct)) if pct else None


def _regain_seconds(response) -> float | None:
	"""X-Business-Use-Case-Usage: {"<id>": [{"estimated_time_to_regain_access": minutes, ...}]}"""
	if response is None:
		return None
	try:
		buc = json.loads(response.headers.get("x-business-use-case-usage") or "{}")
	except ValueError:
		return None
	minutes = [
		float(entry.get("estimated_time_to_regain_access") or 0)
		for entries in buc.values()
		for entry in (entries if isinstance(entries, list) else [entries])
	]
	return max(minutes) * 60 if minutes and max(minutes) > 0 else None


def classify(exc: Exception, response=None, version: str | None = None) -> PlatformError:
	if isinstance(exc, PlatformError):
		return exc
	if isinstance(exc, requests.RequestException):
		return TransientError(f"Graph API unreachable: {type(exc).__name__}")
	status = getattr(response, "status_code", None)
	if not isinstance(exc, facebook.GraphAPIError):
		return TransientError(f"Graph API client error: {type(exc).__name__}: {exc}", status=status)
	result = exc.result if isinstance(exc.result, dict) else {}
	err = result.get("error") if isinstance(result.get("error"), dict) else {}
	code = err.get("code")
	subcode = err.get("error_subcode")
	message = err.get("message") or (str(exc.result) if not result else "Graph API error")
	kw = {"status": status, "code": code, "subcode": subcode, "raw": result or None}
	if code in c.AUTH_CODES:
		return AuthError(message, **kw)
	if is_version_error(code, message):
		return VersionRefused(f"{version_advice(version or c.GRAPH_VERSION)} Meta said: {message}", **kw)
	if code in c.RATE_LIMIT_CODES:
		return RateLimited(message, retry_after=_regain_seconds(response) or c.DEFAULT_RETRY_AFTER, **kw)
	if code == 10 and subcode == c.OUTSIDE_WINDOW_SUBCODE:
		return OutsideWindow(
			"Meta's messaging window is closed for this person: a reply is allowed within 24 hours of "
			"their last message, and a person's reply with the HUMAN_AGENT tag up to 7 days. "
			f"Meta said: {message}",
			**kw,
		)
	if code == c.PERSON_UNAVAILABLE_CODE:
		return PermissionDenied(
			"This person cannot be messaged right now (they may have turned off messages from the "
			f"account, blocked it or left). Meta said: {message}",
			**kw,
		)
	if code == 10:
		return PermissionDenied(
			"Meta refused the message for lack of permission: the app may be missing a messaging "
			"permission or the Page or account may be restricted from messaging (see its "
			f"Page Quality in Meta Business Suite). Meta said: {message}",
			**kw,
		)
	if code in c.DUPLICATE_CODES:
		return Duplicate(message, **kw)
	if code in c.PERMISSION_CODES:
		return PermissionDenied(message, **kw)
	if code in c.BAD_PARAMETER_CODES:
		return BadRequest(message, **kw)
	if code in c.TRANSIENT_CODES or (status and status >= 500) or code is None:
		# no code at all: a gateway page or an empty answer, not the platform saying no
		return TransientError(message, **kw)
	return PlatformError(message, **kw)


def messaging_window(
	last_customer_message_at: datetime, now: datetime, human_agent_allowed: bool
) -> str | None:
	"""How a DM may be sent now: "RESPONSE" inside 24 h, "HUMAN_AGENT" up to 7 days (human senders only), else None."""
	age = utc(now) - utc(last_customer_message_at)
	if age <= timedelta(hours=c.MESSAGING_WINDOW_HOURS):
		return "RESPONSE"
	if human_agent_allowed and age <= timedelta(days=c.HUMAN_AGENT_WINDOW_DAYS):
		return "HUMAN_AGENT"
	return None


def _epoch(value: str | None) -> int | None:
	try:
		return int(float(value)) if value else None
	except ValueError:
		return None


IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
IMAGE_MAX_BYTES = 4 * 1024 * 1024  # Facebook comment photos: the app's own bound
MESSENGER_IMAGE_MAX_BYTES = 8 * 1024 * 1024  # Messenger images (Meta: 8 MB, 25 MB for other assets)


def image_problem(
	platform: str, mode: str, image: OutboundImage | None = None, login: str | None = None
) -> str | None:
	"""Why this platform cannot carry an image in this kind of reply (a sentence), or None.

	Facebook comments take a photo with the words (``source``). Messenger takes an uploaded image
	(``filedata``) as a message of its own, sent before the words (``send_image_dm``); Instagram
	messages of a Page-linked account take one uploaded first through the Attachment Upload API.
	Instagram comments and private replies carry text only (docs/platforms.md, Media)."""
	if platform == FACEBOOK and mode == "public":
		if image is not None and image.mime_type not in IMAGE_TYPES:
			return f"Facebook comments take {', '.join(IMAGE_TYPES)} photos, not {image.mime_type}"
		if image is not None and len(image.data) > IMAGE_MAX_BYTES:
			return f"Facebook comment photos are limited to {IMAGE_MAX_BYTES // (1024 * 1024)} MB here"
		return None
	if mode == "dm" and platform == FACEBOOK:
		if image is not None and image.mime_type not in IMAGE_TYPES:
			return f"Messenger takes {', '.join(IMAGE_TYPES)} images, not {image.mime_type}"
		if image is not None and len(image.data) > MESSENGER_IMAGE_MAX_BYTES:
			return f"Messenger images are limited to {MESSENGER_IMAGE_MAX_BYTES // (1024 * 1024)} MB"
		return None
	if mode == "dm" and login == c.LOGIN_INSTAGRAM:
		return (
			"an Instagram Login channel cannot upload an image for a message here (Meta documents the "
			"Attachment Upload API for Instagram accounts linked to a Facebook Page); send it from the "
			"Instagram app"
		)
	if mode == "dm":
		if image is not None and image.mime_type not in ("image/jpeg", "image/png"):
			return f"Instagram messages take image/jpeg or image/png images, not {image.mime_type}"
		if image is not None and len(image.data) > MESSENGER_IMAGE_MAX_BYTES:
			return f"Instagram message images are limited to {MESSENGER_IMAGE_MAX_BYTES // (1024 * 1024)} MB"
		return None
	if platform != FACEBOOK and mode == "public":
		return "Instagram comments carry text only; an image cannot go with this reply"
	return "an image cannot go with this kind of reply"


class MetaClient:
	def __init__(self, config):
		self.config = config
		self.platform = config.platform
		self.account_id = str(config.account_id)
		self.instagram_login = (
			self.platform != FACEBOOK and getattr(config, "login", None) == c.LOGIN_INSTAGRAM
		)
		self.session = _RewritingSession(
			config.api_base_url, c.INSTAGRAM_HOST if self.instagram_login else c.OFFICIAL_HOST
		)
		self.graph = facebook.GraphAPI(
			access_token=config.credentials.get("access_token"), timeout=config.timeout, session=self.session
		)
		try:
			self.version = normalize_version(getattr(config, "graph_version", None))
		except ValueError as e:
			raise VersionRefused(str(e)) from None
		self.graph.version = self.version

	def _request(
		self, path: str, args: dict | None = None, post_args: dict | None = None, files: dict | None = None
	) -> dict:
		self.session.last_response = None
		try:
			return self.graph.request(f"{self.version}/{path}", args=args, post_args=post_args, files=files)
		except Exception as e:
			raise classify(e, self.session.last_response, self.version) from e

	def take_usage(self) -> dict[str, int]:
		"""The Graph API is not billed per call: nothing to count."""
		return {}

	def lookup_user(self, user_id: str) -> Author:
		"""The name (and picture, where permitted) of someone who wrote a private message: webhooks
		carry only the page- or Instagram-scoped id. Messenger: ``first_name,last_name,profile_pic``;
		Instagram: ``name,username,profile_pic``."""
		fields = c.PROFILE_FIELDS_FACEBOOK if self.platform == FACEBOOK else c.PROFILE_FIELDS_INSTAGRAM
		data = self._request(str(user_id), {"fields": fields})
		name = data.get("name") or " ".join(
			p for p in (data.get("first_name"), data.get("last_name")) if isinstance(p, str) and p
		)
		return Author(
			user_id=str(user_id),
			handle=data.get("username") if isinstance(data.get("username"), str) else None,
			name=name if isinstance(name, str) and name else None,
			avatar_url=data.get("profile_pic") if isinstance(data.get("profile_pic"), str) else None,
		)

	# --- Instagram Login tokens ------------------------------------------------------------------
	def exchange_token(self, app_secret: str) -> tuple[str, int]:
		"""The channel's short-lived Instagram user token (one hour) for a long-lived one (60 days):
		``GET /access_token?grant_type=ig_exchange_token``. Returns (token, seconds it lives)."""
		self._instagram_login_only()
		data = self._token_call(
			"access_token", {"grant_type": "ig_exchange_token", "client_secret": app_secret}
		)
		return data

	def refresh_token(self) -> tuple[str, int]:
		"""A long-lived Instagram user token at least a day old, refreshed for another 60 days:
		``GET /refresh_access_token?grant_type=ig_refresh_token``. Returns (token, seconds)."""
		self._instagram_login_only()
		return self._token_call("refresh_access_token", {"grant_type": "ig_refresh_token"})

	def _instagram_login_only(self) -> None:
		if not self.instagram_login:
			raise BadRequest(
				"Instagram user tokens are exchanged and refreshed only for Instagram Login channels"
			)

	def _token_call(self, path: str, args: dict) -> tuple[str, int]:
		self.session.last_response = None
		try:
			data = self.graph.request(path, args=args)  # unversioned, on the channel's host
		except Exception as e:
			raise classify(e, self.session.last_response, self.version) from e
		token, seconds = data.get("access_token"), data.get("expires_in")
		if not token or not isinstance(seconds, int):
			raise TransientError("the token answer had no access_token or expires_in")
		self.graph.access_token = token
		return str(token), seconds

	# --- polling ---------------------------------------------------------------------------
	def streams(self) -> list[str]:
		return list(c.STREAMS_FACEBOOK if self.platform == FACEBOOK else c.STREAMS_INSTAGRAM)

	def poll(self, stream: str, cursor: str | None) -> Iterator[PollPage]:
		since = _epoch(cursor)
		if stream == c.STREAM_FEED:
			path, args = f"{self.account_id}/feed", {"fields": c.FEED_FIELDS, "limit": c.PAGE_SIZE}
		elif stream == c.STREAM_IG_COMMENTS:
			path, args = f"{self.account_id}/media", {"fields": c.IG_MEDIA_FIELDS, "limit": c.PAGE_SIZE}
		elif stream in (c.STREAM_MESSENGER, c.STREAM_IG_DMS):
			platform = "messenger" if stream == c.STREAM_MESSENGER else "instagram"
			path, args = (
				f"{self.account_id}/conversations",
				{"platform": platform, "fields": c.CONVERSATION_FIELDS, "limit": c.PAGE_SIZE},
			)
		else:
			raise BadRequest(f"unknown Meta stream {stream!r}")
		newest = since
		for page_no in range(c.MAX_PAGES_PER_POLL):
			raw = self._request(path, dict(args))
			rate = usage_of(self.session.last_response)
			fresh, older_reached = _since(raw, since)
			page_newest = latest_time(stream, raw)
			if page_newest is not None:
				newest = max(newest or 0, int(page_newest.timestamp()))
			next_url = (raw.get("paging") or {}).get("next")
			last = not next_url or older_reached or page_no == c.MAX_PAGES_PER_POLL - 1
			yield PollPage(
				stream=stream,
				raw=fresh,
				cursor=(str(newest) if newest is not None else cursor) if last else None,
				has_more=not last,
				rate_limit=rate,
			)
			if last:
				return
			if not self.session.on_origin(next_url):
				# paging links come from the answer: only the channel's own API host is asked for more
				raise PermissionDenied(
					f"the Graph API's next page is on {_host(next_url)}, not this channel's API host; not followed"
				)
			args = {k: v[-1] for k, v in parse_qs(urlsplit(next_url).query).items() if k != "access_token"}

	# --- sending ---------------------------------------------------------------------------
	def reply_public(self, in_reply_to: str, text: str, image: OutboundImage | None = None) -> SendResult:
		"""A comment under ``in_reply_to``; on Facebook with a photo uploaded as ``source`` (multipart),
		one call for the words and the image. Instagram comments carry text only."""
		edge = "comments" if self.platform == FACEBOOK else "replies"
		files = None
		if image is not None:
			problem = image_problem(self.platform, "public", image)
			if problem:
				raise BadRequest(problem)
			files = {"source": (image.file_name, image.data, image.mime_type)}
		data = self._request(f"{in_reply_to}/{edge}", post_args={"message": text}, files=files)
		return SendResult(str(data.get("id")), data)

	def send_dm(
		self, recipient_id: str, text: str, tag: str | None = None, image: OutboundImage | None = None
	) -> SendResult:
		if tag and tag not in c.ALLOWED_TAGS:
			why = "retired by Meta" if tag in c.RETIRED_TAGS else "not one the app sends"
			raise BadRequest(
				f"the messaging tag {tag} is {why}; only HUMAN_AGENT is sent, for a person's reply"
			)
		if image is not None:
			# Messenger and Instagram carry an image only as a message of its own
			raise BadRequest(
				image_problem(self.platform, "dm", image) or "an image goes in a message of its own"
			)
		post = {"recipient": json.dumps({"id": recipient_id}), "message": json.dumps({"text": text})}
		if tag:
			post.update({"messaging_type": "MESSAGE_TAG", "tag": tag})
		else:
			post["messaging_type"] = "RESPONSE"
		data = self._request(f"{self.account_id}/messages", post_args=post)
		return SendResult(str(data.get("message_id")), data)

	def send_image_dm(self, recipient_id: str, image: OutboundImage, tag: str | None = None) -> SendResult:
		"""An image as a message of its own. Messenger: uploaded with the send (``filedata``,
		multipart). Instagram: uploaded first (``/{page-id}/message_attachments``, ``platform=instagram``),
		then sent by its ``attachment_id``; the upload alone shows the customer nothing."""
		problem = image_problem(
			self.platform, "dm", image, c.LOGIN_INSTAGRAM if self.instagram_login else None
		)
		if problem:
			raise BadRequest(problem)
		if tag and tag not in c.ALLOWED_TAGS:
			raise BadRequest(f"the messaging tag {tag} is not one the app sends")
		files = {"filedata": (image.file_name, image.data, image.mime_type)}
		payload: dict = {"is_reusable": False}
		if self.platform != FACEBOOK:
			upload = {
				"message": json.dumps({"attachment": {"type": "image", "payload": {"is_reusable": False}}})
			}
			upload["platform"] = "instagram"
			stored = self._request(f"{self.account_id}/message_attachments", post_args=upload, files=files)
			payload, files = {"attachment_id": str(stored.get("attachment_id"))}, None
		message = {"attachment": {"type": "image", "payload": payload}}
		post = {"recipient": json.dumps({"id": recipient_id}), "message": json.dumps(message)}
		post.update({"messaging_type": "MESSAGE_TAG", "tag": tag} if tag else {"messaging_type": "RESPONSE"})
		data = self._request(f"{self.account_id}/messages", post_args=post, files=files)
		return SendResult(str(data.get("message_id")), data)

	def find_sent_image(self, recipient_id: str, since: datetime) -> str | None:
		"""An image message of ours to ``recipient_id`` since ``since`` (after a lost answer), else None."""
		platform = "messenger" if self.platform == FACEBOOK else "instagram"
		raw = self._request(
			f"{self.account_id}/conversations",
			{"platform": platform, "fields": c.CONVERSATION_FIELDS, "limit": 100},
		)
		for conv in raw.get("data") or []:
			for m in (conv.get("messages") or {}).get("data") or []:
				to = {str(x.get("id")) for x in (m.get("to") or {}).get("data") or []}
				stamp = m.get("created_time")
				if (
					str((m.get("from") or {}).get("id") or "") == self.account_id
					and str(recipient_id) in to
					and (m.get("attachments") or {}).get("data")
					and stamp
					and utc(_iso(stamp)) >= utc(since)
				):
					return str(m["id"])
		return None

	def private_reply(self, comment_id: str, text: str) -> SendResult:
		post = {"recipient": json.dumps({"comment_id": comment_id}), "message": json.dumps({"text": text})}
		data = self._request(f"{self.account_id}/messages", post_args=post)
		return SendResult(str(data.get("message_id")), data)

	def hide(self, comment_id: str, hidden: bool = True) -> SendResult:
		key = "is_hidden" if self.platform == FACEBOOK else "hide"
		data = self._request(comment_id, post_args={key: "true" if hidden else "false"})
		return SendResult(str(comment_id), data)

	def like(self, object_id: str) -> SendResult:
		return SendResult(str(object_id), self._request(f"{object_id}/likes", post_args={}))

	def post(self, text: str) -> SendResult:
		"""A post on the Page's own feed (Instagram has no text-only posts)."""
		if self.platform != FACEBOOK:
			raise BadRequest("Instagram does not allow text-only posts")
		data = self._request(f"{self.account_id}/feed", post_args={"message": text})
		return SendResult(str(data.get("id")), data)

	def find_sent(self, mode: str, target: str | None, text: str) -> str | None:
		"""The id of what we already sent (after an answer was lost), else None.

		mode: public (a comment under ``target``), post (on the Page's feed), dm | private."""
		if mode in ("public", "post"):
			path = (
				f"{self.account_id}/feed"
				if mode == "post"
				else f"{target}/{'comments' if self.platform == FACEBOOK else 'replies'}"
			)
			raw = self._request(path, {"limit": 100})
			for cm in raw.get("data") or []:
				author = str((cm.get("from") or {}).get("id") or "")
				if author == self.account_id and same_text(text, cm.get("message") or cm.get("text")):
					return str(cm["id"])
			return None
		platform = "messenger" if self.platform == FACEBOOK else "instagram"
		raw = self._request(
			f"{self.account_id}/conversations",
			{"platform": platform, "fields": c.CONVERSATION_FIELDS, "limit": 100},
		)
		for conv in raw.get("data") or []:
			for m in (conv.get("messages") or {}).get("data") or []:
				sender = str((m.get("from") or {}).get("id") or "")
				to = {str(x.get("id")) for x in (m.get("to") or {}).get("data") or []}
				if (
					sender == self.account_id
					and same_text(text, m.get("message"))
					and (mode == "private" or str(target) in to)
				):
					return str(m["id"])
		return None

	def repost(self, object_id: str) -> SendResult:
		raise BadRequest("reposting is not supported on Facebook or Instagram")


def _since(raw: dict, since: int | None) -> tuple[dict, bool]:
	"""Drop what is older than the cursor; say whether the page reached older objects."""
	if since is None:
		return raw, False
	kept, older = [], False
	for obj in raw.get("data") or []:
		stamp = obj.get("updated_time") or obj.get("timestamp") or obj.get("created_time")
		t = int(utc(_iso(stamp)).timestamp()) if stamp else None
		children = {}
		for sub in ("comments", "messages"):
			rows = (obj.get(sub) or {}).get("data")
			if rows is not None:
				new_rows = [r for r in rows if _newer(r, since)]
				children[sub] = {**obj[sub], "data": new_rows}
		# the cursor has one-second precision: keep its own second (a duplicate is a no-op, a gap is a loss)
		if t is not None and t < since and not any(ch["data"] for ch in children.values()):
			older = True
			continue
		kept.append({**obj, **children})
	return {**raw, "data": kept}, older


def _iso(value: str) -> datetime:
	from dateutil import parser as dtparser

	return dtparser.isoparse(value)


def _newer(row: dict, since: int) -> bool:
	stamp = row.get("created_time") or row.get("timestamp")
	if not stamp:
		return True
	return int(utc(_iso(stamp)).timestamp()) >= since
