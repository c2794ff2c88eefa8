"""WhatsApp Cloud API client (Graph API host, bearer token), over requests.

Sends go to ``POST /{version}/{phone-number-id}/messages`` with ``messaging_product: whatsapp``;
templates are listed from ``GET /{version}/{waba-id}/message_templates``; media are resolved with
``GET /{version}/{media-id}``; the number's display phone number and quality rating come from
``GET /{version}/{phone-number-id}``. Every request goes only to the channel's own API origin and
never follows a redirect (the token rides on each one). Errors are classified by code.
"""

from __future__ import annotations

from typing import Any

import requests

from ..base import (
	WHATSAPP,
	AuthError,
	BadRequest,
	DeliveryError,
	NotFound,
	OutsideWindow,
	PermissionDenied,
	PlatformError,
	RateLimited,
	SendResult,
	TransientError,
	VersionRefused,
	clean_media_url,
	valid_phone,
)
from ..hosts import origin
from ..meta.versions import is_version_error, normalize_version, version_advice
from . import constants as c
from .rules import Template, check_values, send_components, template_from_api

OFFICIAL_HOST = "https://graph.facebook.com"


# --- errors --------------------------------------------------------------------------------------
def explain(code: int | None, message: str | None = None, details: str | None = None) -> str:
	"""What a WhatsApp error code means for the agent, in a sentence (with Meta's own words)."""
	said = " ".join(p for p in (message, details) if p)
	suffix = f" WhatsApp said: {said}" if said else ""
	if code == c.OUTSIDE_WINDOW:
		why = (
			"More than 24 hours have passed since the customer's last message: WhatsApp accepts only an "
			"approved message template until the customer writes again."
		)
	elif code == c.UNDELIVERABLE:
		why = (
			"WhatsApp could not deliver the message to this number (it may not be on WhatsApp, use an "
			"old version of the app, or not have accepted the latest terms)."
		)
	elif code == c.SPAM_RATE_LIMIT:
		why = (
			"WhatsApp is limiting how many messages this number may send (its quality rating is low); "
			"try again later."
		)
	elif code == c.PER_USER_MARKETING_LIMIT:
		why = "WhatsApp held the message back to keep this person from getting too many business messages."
	elif code == c.USER_STOPPED_MARKETING:
		why = "The customer has stopped marketing messages from this business."
	elif code == c.TEMPLATE_PAUSED:
		why = "The template is paused by Meta for low quality; choose another template."
	elif code == c.TEMPLATE_DISABLED:
		why = "The template is disabled by Meta; choose another template."
	elif code in c.TEMPLATE_CODES:
		why = "WhatsApp refused the template or its values (name, language or variables do not match)."
	elif code in c.RATE_LIMIT_CODES:
		why = "WhatsApp's rate limit was reached; the message is retried later."
	elif code in c.AUTH_CODES:
		why = "The access token was refused: a System Manager must enter a new one."
	elif code in c.TRANSIENT_CODES:
		why = "WhatsApp had a temporary problem."
	else:
		why = (
			f"WhatsApp refused the message (code {code})."
			if code is not None
			else "WhatsApp refused the message."
		)
	return why + suffix


def classify(status: int | None, body: Any, version: str | None = None, retry_after=None) -> PlatformError:
	err = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
	code = err.get("code")
	try:
		code = int(code) if code is not None else None
	except (TypeError, ValueError):
		code = None
	subcode = err.get("error_subcode")
	data = err.get("error_data") if isinstance(err.get("error_data"), dict) else {}
	message = err.get("message") if isinstance(err.get("message"), str) else None
	text = explain(code, message, data.get("details") if isinstance(data.get("details"), str) else None)
	kw = {"status": status, "code": code, "subcode": subcode, "raw": body if isinstance(body, dict) else None}
	if code in c.AUTH_CODES or (status == 401 and code is None):
		return AuthError(text, **kw)
	if is_version_error(code, message):
		return VersionRefused(
			f"{version_advice(version or normalize_version(None))} Meta said: {message}", **kw
		)
	if code == c.OUTSIDE_WINDOW:
		return OutsideWindow(text, **kw)
	if code in c.RATE_LIMIT_CODES:
		return RateLimited(text, retry_after=retry_after or c.DEFAULT_RETRY_AFTER, **kw)
	if code == c.SPAM_RATE_LIMIT:
		return RateLimited(text, retry_after=c.SPAM_RETRY_AFTER, **kw)
	if (
		code in (c.UNDELIVERABLE, c.PER_USER_MARKETING_LIMIT, c.USER_STOPPED_MARKETING)
		or code in c.PERMISSION_CODES
	):
		return PermissionDenied(text, **kw)
	if (
		code in (c.TEMPLATE_PAUSED, c.TEMPLATE_DISABLED)
		or code in c.TEMPLATE_CODES
		or code in c.BAD_PARAMETER_CODES
	):
		return BadRequest(text, **kw)
	if code in c.TRANSIENT_CODES or (status is not None and status >= 500) or code is None:
		return TransientError(text, **kw)
	if status == 404:
		return NotFound(text, **kw)
	return PlatformError(text, **kw)


def delivery_error(errors: list[DeliveryError]) -> str:
	"""A failed status's errors, explained."""
	if not errors:
		return "WhatsApp could not deliver the message."
	return " ".join(explain(e.code, e.title or e.message, e.details) for e in errors)


def recipient(customer_id: str) -> dict:
	"""Who a message goes to: ``to`` for a phone number, ``recipient`` for a business-scoped user id."""
	return {"to": customer_id} if valid_phone(customer_id) else {"recipient": customer_id}


# --- media ---------------------------------------------------------------------------------------
def resolve_media(
	media_id: str,
	access_token: str,
	*,
	api_base_url: str | None = None,
	version: str | None = None,
	timeout: float = 20.0,
	session: requests.Session | None = None,
) -> dict:
	"""``GET /{media-id}`` with the bearer token: ``{url, mime_type, file_size, sha256}``.

	The URL is only returned when it is on WhatsApp's media host (or, for the sandbox, on the
	channel's own API origin); downloading it needs the same bearer token and must happen within
	minutes (the URL expires). Raises PlatformError (NotFound for an unknown or expired media id).
	"""
	if not str(media_id or "").isdigit():
		raise BadRequest("not a WhatsApp media id")
	base = (api_base_url or "").rstrip("/") or OFFICIAL_HOST
	version = normalize_version(version)
	data = _call(
		session or requests.Session(),
		"GET",
		f"{base}/{version}/{media_id}",
		access_token,
		base,
		version,
		timeout,
	)
	url = data.get("url") if isinstance(data.get("url"), str) else ""
	allowed = clean_media_url(WHATSAPP, url) or (url if origin(url) and origin(url) == origin(base) else None)
	if not allowed:
		raise PermissionDenied("WhatsApp answered with a media URL that is not on its media host; not used")
	size = data.get("file_size")
	return {
		"url": allowed,
		"mime_type": data.get("mime_type") if isinstance(data.get("mime_type"), str) else None,
		"file_size": int(size) if isinstance(size, int | str) and str(size).isdigit() else None,
		"sha256": data.get("sha256") if isinstance(data.get("sha256"), str) else None,
	}


def _call(session, method, url, token, base, version, timeout, **kwargs) -> dict:
	if origin(url) != origin(base):
		raise PermissionDenied("refused to send a WhatsApp API call outside the channel's API host")
	try:
		response = session.request(
			method,
			url,
			headers={"Authorization": f"Bearer {token}"},
			timeout=timeout,
			allow_redirects=False,
			**kwargs,
		)
	except requests.RequestException as e:
		raise TransientError(f"WhatsApp API unreachable: {type(e).__name__}") from None
	if response.is_redirect:
		raise PlatformError(
			"the WhatsApp API answered with a redirect; it is not followed", status=response.status_code
		)
	try:
		body = response.json()
	except ValueError:
		body = None
	if response.status_code >= 400 or not isinstance(body, dict) or "error" in body:
		raise classify(response.status_code, body, version, _retry_after(response))
	return body


def _retry_after(response) -> float | None:
	try:
		return float(response.headers.get("Retry-After") or 0) or None
	except ValueError:
		return None


class WhatsAppClient:
	def __init__(self, config):
		self.config = config
		self.platform = WHATSAPP
		self.account_id = str(config.account_id)  # the phone number id
		self.business_account_id = getattr(config, "business_account_id", None) or None
		self.base_url = (config.api_base_url or "").rstrip("/") or OFFICIAL_HOST
		self.token = config.credentials.get("access_token") or ""
		try:
			self.version = normalize_version(getattr(config, "graph_version", None))
		except ValueError as e:
			raise VersionRefused(str(e)) from None
		self.session = requests.Session()
		self.timeout = config.timeout

	def _request(self, method: str, path: str, **kwargs) -> dict:
		return _call(
			self.session,
			method,
			f"{self.base_url}/{self.version}/{path}",
			self.token,
			self.base_url,
			self.version,
			self.timeout,
			**kwargs,
		)

	def take_usage(self) -> dict[str, int]:
		return {}

	# --- the number ------------------------------------------------------------------------------
	def phone_number(self) -> dict:
		"""The number's display phone number, verified name and quality rating."""
		data = self._request(
			"GET",
			self.account_id,
			params={"fields": "display_phone_number,verified_name,quality_rating,messaging_limit_tier"},
		)
		return {
			k: data.get(k) if isinstance(data.get(k), str) else None
			for k in ("display_phone_number", "verified_name", "quality_rating", "messaging_limit_tier")
		}

	def streams(self) -> list[str]:
		return []  # messages arrive by webhook only

	def poll(self, stream: str, cursor: str | None):
		raise BadRequest("WhatsApp has no message history to poll; connect the webhook")

	# --- sending ---------------------------------------------------------------------------------
	def _send(self, to: str, payload: dict, callback_data: str | None = None) -> SendResult:
		body = {"messaging_product": c.MESSAGING_PRODUCT, "recipient_type": "individual", **recipient(to)}
		body.update(payload)
		if callback_data:
			body["biz_opaque_callback_data"] = callback_data[:512]
		data = self._request("POST", f"{self.account_id}/messages", json=body)
		messages = data.get("messages") if isinstance(data.get("messages"), list) else []
		wamid = messages[0].get("id") if messages and isinstance(messages[0], dict) else None
		if not wamid:
			raise TransientError("WhatsApp accepted the call but returned no message id")
		return SendResult(str(wamid), data)

	def send_text(self, to: str, text: str, reply_to: str | None = None, callback_data: str | None = None):
		if len(text) > c.CHAR_LIMITS["text"]:
			raise BadRequest(f"a WhatsApp message holds at most {c.CHAR_LIMITS['text']} characters")
		payload: dict = {"type": "text", "text": {"body": text, "preview_url": False}}
		if reply_to:
			payload["context"] = {"message_id": reply_to}
		return self._send(to, payload, callback_data)

	def send_dm(self, recipient_id: str, text: str, tag: str | None = None, callback_data: str | None = None):
		"""The app's common DM call: WhatsApp has no messaging tags (outside the window: templates)."""
		if tag:
			raise BadRequest("WhatsApp has no messaging tags; outside the window send an approved template")
		return self.send_text(recipient_id, text, callback_data=callback_data)

	def send_media(
		self,
		to: str,
		kind: str,
		*,
		media_id: str | None = None,
		caption: str | None = None,
		file_name: str | None = None,
		callback_data: str | None = None,
	) -> SendResult:
		if kind not in c.MEDIA_TYPES:
			raise BadRequest(f"WhatsApp cannot send media of kind {kind!r}")
		if not media_id:
			raise BadRequest("a media message needs an uploaded media id")  # never a link from text
		obj: dict = {"id": media_id}
		if caption and kind in ("image", "video", "document"):
			obj["caption"] = caption[: c.CHAR_LIMITS["caption"]]
		if file_name and kind == "document":
			obj["filename"] = file_name
		return self._send(to, {"type": kind, kind: obj}, callback_data)

	def send_template(
		self, to: str, template: Template, values: dict[str, str], callback_data: str | None = None
	) -> SendResult:
		check_values(template, values)
		payload = {
			"type": "template",
			"template": {
				"name": template.name,
				"language": {"code": template.language},
				"components": send_components(template, values),
			},
		}
		return self._send(to, payload, callback_data)

	def templates(self) -> list[Template]:
		"""Every template of the WhatsApp Business Account (all pages, on the channel's host only)."""
		if not self.business_account_id:
			raise BadRequest("the channel has no WhatsApp Business Account id")
		out: list[Template] = []
		params: dict = {
			"fields": "name,language,status,category,components,parameter_format",
			"limit": c.TEMPLATE_PAGE_SIZE,
		}
		for _page in range(c.MAX_TEMPLATE_PAGES):
			data = self._request("GET", f"{self.business_account_id}/message_templates", params=params)
			out.extend(template_from_api(t) for t in data.get("data") or [] if isinstance(t, dict))
			after = ((data.get("paging") or {}).get("cursors") or {}).get("after")
			if not (data.get("paging") or {}).get("next") or not after:
				break
			params = {**params, "after": after}
		return out

	def media(self, media_id: str) -> dict:
		return resolve_media(
			media_id,
			self.token,
			api_base_url=self.base_url,
			version=self.version,
			timeout=self.timeout,
			session=self.session,
		)

	def find_sent(self, mode: str, target: str | None, text: str) -> str | None:
		"""WhatsApp keeps no history the API can read: a send whose answer was lost cannot be looked
		up (its status webhook names it by the callback data instead)."""
		return None

	def reply_public(self, *a, **k):
		raise BadRequest("WhatsApp conversations are private: there is no public reply")

	private_reply = post = reply_public

	def like(self, *a, **k):
		raise BadRequest("WhatsApp has no likes (a reaction is not sent by the app)")

	repost = hide = like
