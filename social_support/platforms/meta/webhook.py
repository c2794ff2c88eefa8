"""Meta webhooks: the subscription handshake and the X-Hub-Signature-256 check."""

from __future__ import annotations

import hmac
import re

from ..base import hmac_sha256, signature_matches


def signature(body: bytes, app_secret: str) -> str:
	"""Meta signs the bytes as sent (non-ASCII arrives \\uXXXX-escaped): hash the raw body."""
	return "sha256=" + hmac_sha256(app_secret, body).hex()


def verify_signature(body: bytes, header: str | None, secrets: list[str]) -> bool:
	if not header or not secrets:
		return False
	return signature_matches(header.strip().lower(), [signature(body, s) for s in secrets])


# Meta's hub.challenge is a number; it is echoed as the body, so only short plain tokens are
# (never markup, never anything a browser could take for a page).
CHALLENGE_MAX = 128
_CHALLENGE = re.compile(rf"[A-Za-z0-9_-]{{1,{CHALLENGE_MAX}}}")


def challenge_ok(challenge: str | None) -> bool:
	return isinstance(challenge, str) and bool(_CHALLENGE.fullmatch(challenge))


def verify_subscription(
	mode: str | None, token: str | None, challenge: str | None, verify_tokens: list[str]
) -> str | None:
	"""The challenge to echo when Meta's GET handshake carries one of our verify tokens, else None.

	A challenge that is not a short run of letters, digits, ``-`` or ``_`` is never echoed.
	"""
	if mode != "subscribe" or not token or not challenge_ok(challenge):
		return None
	ok = False
	for candidate in verify_tokens:
		ok |= hmac.compare_digest(token.encode(), candidate.encode())
	return challenge if ok else None
