"""Guest webhook endpoints. Verify first (raw bytes, constant time), store raw, queue, answer at once.

    /api/method/social_support.api.webhooks.x     X Account Activity (CRC GET, signed POST)
    /api/method/social_support.api.webhooks.meta  Facebook Page, Instagram and WhatsApp (hub.challenge GET,
                                                  signed POST; WhatsApp routed by phone number id)

Processing never happens in the request: the platforms want an answer within seconds and
retry (or disable the subscription) when they do not get one.

Trust rules:
- A delivery is routed only to the channels whose own secret signed it (one per account).
- The X CRC answer is only given for tokens shaped like X's (never JSON, so it can never
  be the signature of a delivery); an unknown ``?channel=`` gets an answer of the same shape.
- Handshake GETs are rate-limited per client; a validly signed POST is never refused for
  rate, only bad signatures are counted. The client is the TCP peer (REMOTE_ADDR), or, when
  the peer is a trusted proxy (site config ``social_support_trusted_proxies``), the right-most
  X-Forwarded-For entry that is not a trusted proxy.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from typing import Any

import frappe
from werkzeug.wrappers import Response

from social_support.core import channels as ch
from social_support.ingest.events import IGNORED, enqueue_drain, store_event
from social_support.platforms import get_family
from social_support.platforms.base import FACEBOOK, INSTAGRAM, WHATSAPP, X
from social_support.platforms.x.webhook import crc_token_ok

META = (FACEBOOK, INSTAGRAM, WHATSAPP)  # WhatsApp's Cloud API delivers to the same endpoint
BAD_SIGNATURE_LIMIT = 30  # per client address per minute; beyond it bad signatures are answered 429
HANDSHAKE_LIMIT = 30  # CRC / hub.challenge GETs per client address per minute (X sends one an hour)
TRUSTED_PROXIES_KEY = "social_support_trusted_proxies"


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
def x(**kwargs: Any) -> Response:
	# kwargs: Frappe passes a JSON body's top-level keys as arguments; the raw body is what counts
	family = get_family(X)
	if frappe.request.method == "GET":
		if _over_limit("handshake", HANDSHAKE_LIMIT):
			return _reply(429, {"error": "too many requests"})
		token = frappe.request.args.get("crc_token")
		if not crc_token_ok(token):
			return _reply(400, {"error": "crc_token is missing or not a CRC token"})
		pairs = ch.channel_secrets((X,), "consumer_secret", _channel_filter())
		# X sends the CRC for one app; with several apps, register ?channel=<name> per app. A name
		# that is no enabled X channel is answered alike, under a key of its own, so the answer
		# does not tell which channels exist.
		secret = pairs[0].secret if pairs else _decoy_secret(frappe.request.args.get("channel") or "")
		return _reply(200, family.crc_response(token, secret))

	return _receive(
		family,
		platforms=(X,),
		signature_header="x-twitter-webhooks-signature",
		secret_field="consumer_secret",
		platform_of=lambda payload: X,
	)


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
def meta(**kwargs: Any) -> Response:
	family = get_family(FACEBOOK)
	if frappe.request.method == "GET":
		if _over_limit("handshake", HANDSHAKE_LIMIT):
			return _text(429, "too many requests")
		args = frappe.request.args
		challenge = family.verify_subscription(
			args.get("hub.mode"),
			args.get("hub.verify_token"),
			args.get("hub.challenge"),
			[p.secret for p in ch.channel_secrets(META, "verify_token", _channel_filter())],
		)
		if challenge is None:
			return _text(403, "verification failed")
		return _text(200, challenge)

	return _receive(
		family,
		platforms=META,
		signature_header="x-hub-signature-256",
		secret_field="app_secret",
		platform_of=family.webhook_platform,
	)


def _receive(family, *, platforms, signature_header, secret_field, platform_of) -> Response:
	req = frappe.request
	limit = _max_body_bytes()
	if (req.content_length or 0) > limit:
		return _reply(413, {"error": "body too large"})
	raw = req.get_data(cache=True)
	if len(raw) > limit:
		return _reply(413, {"error": "body too large"})

	signers = _signing_channels(
		family,
		raw,
		req.headers.get(signature_header),
		ch.channel_secrets(platforms, secret_field, _channel_filter()),
	)
	if not signers:
		# counted only after the check: a validly signed delivery is never refused for rate
		if _over_limit("bad_signature", BAD_SIGNATURE_LIMIT):
			return _reply(429, {"error": "too many requests with a bad signature"})
		return _reply(401 if platforms == (X,) else 403, {"error": "invalid signature"})

	try:
		payload = json.loads(raw)
		if not isinstance(payload, dict):
			raise ValueError("payload is not a JSON object")
		account_ids = [str(a) for a in family.webhook_account_ids(payload)]
		platform = platform_of(payload)
	except ValueError as e:
		frappe.log_error("Social webhook: malformed payload", f"{e}\n\n{raw[:2000]!r}")
		return _reply(400, {"error": "malformed JSON"})

	text = raw.decode("utf-8", errors="replace")
	routed = _route(signers, platform, account_ids)
	stored = []
	for account_id in account_ids:
		channel = routed.get(account_id)
		if channel:
			stored.append(
				store_event(
					source="Webhook",
					platform=platform,
					channel=channel,
					payload=text,
					account_ids=[account_id],
				)
			)
			enqueue_drain(channel)
	unknown = [a for a in account_ids if a not in routed]
	if unknown or not account_ids:
		# answered and recorded, so an admin can see deliveries for an account not connected yet
		# (or connected with another app's secret than the one that signed the delivery)
		store_event(
			source="Webhook",
			platform=platform,
			payload=text,
			account_ids=unknown,
			status=IGNORED,
			summary="No enabled channel whose secret signed the delivery for account {}".format(
				", ".join(unknown) or "(none in payload)"
			),
		)
	frappe.db.commit()  # the drains are queued by this commit
	return _reply(200, {"ok": True, "events": len(stored)})


def _signing_channels(family, raw: bytes, header: str | None, pairs: list[ch.ChannelSecret]):
	"""The channels whose own secret produced the signature (each distinct secret hashed once)."""
	if not header or not pairs:
		return []
	valid: dict[str, bool] = {}
	signers = []
	for pair in pairs:
		if pair.secret not in valid:
			valid[pair.secret] = family.verify_signature(raw, header, [pair.secret])
		if valid[pair.secret]:
			signers.append(pair)
	return signers


def _route(signers: list[ch.ChannelSecret], platform: str, account_ids: list[str]) -> dict[str, str]:
	"""Account id -> the one channel that receives it: same platform and account, signed by its secret.

	Two enabled channels for one account are refused at save; should older data still hold
	two, the oldest receives the delivery (never both: that would open two tickets).
	"""
	wanted = set(account_ids)
	routed: dict[str, str] = {}
	for pair in signers:  # oldest first
		if pair.platform == platform and pair.account_id in wanted and pair.account_id not in routed:
			routed[pair.account_id] = pair.channel
	return routed


def _reply(status: int, body: dict) -> Response:
	return Response(json.dumps(body), status=status, mimetype="application/json")


def _text(status: int, body: str) -> Response:
	response = Response(body, status=status, mimetype="text/plain")
	response.headers["X-Content-Type-Options"] = "nosniff"
	return response


def _channel_filter() -> list[str] | None:
	"""``?channel=`` narrows the secrets to one channel (several apps on one site)."""
	name = frappe.request.args.get("channel")
	return [name] if name else None


def _decoy_secret(channel: str) -> str:
	"""A stable per-site, per-name key for CRCs asked for a channel that is not there.

	Derived from the site's own random encryption key (site config), so it survives restarts
	and cache flushes and nobody outside can tell it from a real consumer secret.
	"""
	from frappe.utils.password import get_encryption_key

	key = get_encryption_key().encode()
	return hmac.new(key, b"social_support:x-crc-decoy:" + channel.encode(), hashlib.sha256).hexdigest()


def _max_body_bytes() -> int:
	kb = frappe.db.get_single_value("Social Support Settings", "max_webhook_body_kb", cache=True)
	return int(kb or 1024) * 1024


# --- the client's address and the limits ------------------------------------------------------
_PROXIES: dict[tuple, list] = {}


def _trusted_proxies() -> list:
	"""Site config ``social_support_trusted_proxies``: IPs or CIDRs of the proxies in front of the site."""
	conf = frappe.conf.get(TRUSTED_PROXIES_KEY) or []
	if isinstance(conf, str):
		conf = [c for c in conf.replace(",", " ").split() if c]
	key = tuple(str(c) for c in conf)
	if key not in _PROXIES:
		networks = []
		for entry in key:
			try:
				networks.append(ipaddress.ip_network(entry.strip(), strict=False))
			except ValueError:
				frappe.log_error("Social webhooks: bad trusted proxy", f"{TRUSTED_PROXIES_KEY}: {entry!r}")
		_PROXIES.clear()
		_PROXIES[key] = networks
	return _PROXIES[key]


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted: list) -> str:
	"""Who is really calling: the TCP peer, unless it is a trusted proxy.

	Behind trusted proxies the right-most X-Forwarded-For entry that is not one of them is the
	client (entries further left were written by the client itself and prove nothing).
	"""
	peer = (remote_addr or "").strip() or "unknown"
	if not trusted or not _is_trusted(peer, trusted):
		return peer
	hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
	for hop in reversed(hops):
		if not _is_trusted(hop, trusted):
			return hop[:64]
	return hops[0][:64] if hops else peer


def _is_trusted(address: str, trusted: list) -> bool:
	try:
		ip = ipaddress.ip_address(address)
	except ValueError:
		return False
	return any(ip in network for network in trusted)


def request_client() -> str:
	req = frappe.request
	return client_address(
		req.environ.get("REMOTE_ADDR"), req.headers.get("X-Forwarded-For"), _trusted_proxies()
	)


def limit_key(kind: str, client: str) -> str:
	return frappe.cache.make_key(f"social_support:{kind}:{client}")


def _over_limit(kind: str, limit: int) -> bool:
	"""Count one request of ``kind`` for the calling client; True once it is past ``limit`` a minute."""
	key = limit_key(kind, request_client())
	n = frappe.cache.incrby(key, 1)
	if n == 1:
		frappe.cache.expire(key, 60)
	return n > limit
