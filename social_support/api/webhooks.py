"""Guest webhook endpoints. Verify first (raw bytes, constant time), store raw, queue, answer at once.

    /api/method/social_support.api.webhooks.x     X Account Activity (CRC GET, signed POST)
    /api/method/social_support.api.webhooks.meta  Facebook Page + Instagram (hub.challenge GET, signed POST)

Processing never happens in the request: the platforms want an answer within seconds and
retry (or disable the subscription) when they do not get one.
"""

from __future__ import annotations

import json
from typing import Any

import frappe
from werkzeug.wrappers import Response

from social_support.ingest import channels as ch
from social_support.ingest.events import IGNORED, enqueue_drain, store_event
from social_support.platforms import get_family
from social_support.platforms.base import FACEBOOK, INSTAGRAM, X

META = (FACEBOOK, INSTAGRAM)
BAD_SIGNATURE_LIMIT = 30  # per client address per minute; beyond it we stop hashing their bodies


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
def x(**kwargs: Any) -> Response:
	# kwargs: Frappe passes a JSON body's top-level keys as arguments; the raw body is what counts
	family = get_family(X)
	if frappe.request.method == "GET":
		token = frappe.request.args.get("crc_token")
		if not token:
			return _reply(400, {"error": "crc_token is required"})
		secrets = ch.secrets_of((X,), "consumer_secret", _channel_filter())
		if not secrets:
			return _reply(404, {"error": "no X channel is configured"})
		# X sends the CRC for one app; with several apps, register ?channel=<name> per app
		return _reply(200, family.crc_response(token, secrets[0]))

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
		args = frappe.request.args
		challenge = family.verify_subscription(
			args.get("hub.mode"),
			args.get("hub.verify_token"),
			args.get("hub.challenge"),
			ch.secrets_of(META, "verify_token", _channel_filter()),
		)
		if challenge is None:
			return Response("verification failed", status=403, mimetype="text/plain")
		return Response(challenge, status=200, mimetype="text/plain")

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
	if _too_many_bad_signatures():
		return _reply(429, {"error": "too many requests with a bad signature"})
	raw = req.get_data(cache=True)
	if len(raw) > limit:
		return _reply(413, {"error": "body too large"})

	secrets = ch.secrets_of(platforms, secret_field, _channel_filter())
	if not secrets or not family.verify_signature(raw, req.headers.get(signature_header), secrets):
		_count_bad_signature()
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
	routed = ch.channels_for_accounts((platform,), account_ids)
	stored = []
	for account_id in account_ids:
		for channel in routed.get(account_id, []):
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
		store_event(
			source="Webhook",
			platform=platform,
			payload=text,
			account_ids=unknown,
			status=IGNORED,
			summary="No enabled channel for account {}".format(", ".join(unknown) or "(none in payload)"),
		)
	frappe.db.commit()  # the drains are queued by this commit
	return _reply(200, {"ok": True, "events": len(stored)})


def _reply(status: int, body: dict) -> Response:
	return Response(json.dumps(body), status=status, mimetype="application/json")


def _channel_filter() -> list[str] | None:
	"""``?channel=`` narrows the secrets to one channel (several apps on one site)."""
	name = frappe.request.args.get("channel")
	return [name] if name else None


def _max_body_bytes() -> int:
	kb = frappe.db.get_single_value("Social Support Settings", "max_webhook_body_kb", cache=True)
	return int(kb or 1024) * 1024


def _bad_signature_key() -> str:
	return frappe.cache.make_key(f"social_support:bad_signature:{frappe.local.request_ip}")


def _too_many_bad_signatures() -> bool:
	return int(frappe.cache.get(_bad_signature_key()) or 0) >= BAD_SIGNATURE_LIMIT


def _count_bad_signature() -> None:
	key = _bad_signature_key()
	n = frappe.cache.incrby(key, 1)
	if n == 1:
		frappe.cache.expire(key, 60)
