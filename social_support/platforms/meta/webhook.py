"""Meta webhooks: the subscription handshake and the X-Hub-Signature-256 check."""

from __future__ import annotations

import hmac

from ..base import hmac_sha256, signature_matches


def signature(body: bytes, app_secret: str) -> str:
	"""Meta signs the bytes as sent (non-ASCII arrives \\uXXXX-escaped): hash the raw body."""
	return "sha256=" + hmac_sha256(app_secret, body).hex()


def verify_signature(body: bytes, header: str | None, secrets: list[str]) -> bool:
	if not header or not secrets:
		return False
	return signature_matches(header.strip().lower(), [signature(body, s) for s in secrets])


def verify_subscription(
	mode: str | None, token: str | None, challenge: str | None, verify_tokens: list[str]
) -> str | None:
	"""The challenge to echo when Meta's GET handshake carries one of our verify tokens, else None."""
	if mode != "subscribe" or not token or challenge is None:
		return None
	ok = False
	for candidate in verify_tokens:
		ok |= hmac.compare_digest(token.encode(), candidate.encode())
	return challenge if ok else None
