"""Steps 3 and 4 of the way out: the text as it is sent, and its checks.

Used by the gate (before anything is stored), by approval (an approver's edit) and by the last
check before the platform call (``sendable``): one composition, so the count the composer shows is
the count the platform sees.
"""

from __future__ import annotations

import frappe
from frappe.utils import cint

from social_support.analysis import detect_language
from social_support.analysis.reply_checks import ERROR, check_reply, signature, with_signature
from social_support.platforms.base import X

from .constants import GESTURES, POST, PUBLIC


def compose(
	text: str,
	*,
	platform: str,
	mode: str,
	handle: str | None,
	author: str,
	settings,
	signed: bool = True,
) -> tuple[str, str, list]:
	"""(body, final text as sent, checks): the customer's @handle kept on X public replies, the signature added."""
	body = (text or "").strip()
	if platform == X and mode == PUBLIC and handle and f"@{handle.lower()}" not in body.lower():
		body = f"@{handle} {body}"  # X threads replies under the mention; keep the customer addressed
	sig = signature(settings.signature_style, frappe.utils.get_fullname(author)) if signed else ""
	final = with_signature(body, sig)
	return body, final, final_checks(final, platform=platform, mode=mode, settings=settings, body=body)


def final_checks(final: str, *, platform: str, mode: str, settings, body: str | None = None) -> list:
	"""The checks of a text as sent (also re-run by ``approval.assert_sendable`` before the platform call)."""
	if mode in GESTURES:
		return []  # a like, repost or hide carries no words
	return check_reply(
		final,
		# a post of our own is public, and on X as long as a reply
		platform=platform,
		mode=PUBLIC if mode == POST else mode,
		block_pii_in_public=bool(cint(settings.block_pii_in_public)),
		language=detect_language(body if body is not None else final),
		require_greeting=bool(cint(settings.require_greeting)) and mode != POST,
	)


def errors_of(checks) -> list[str]:
	return [c.message for c in checks if c.level == ERROR]
