"""What X lets an app do with its access level (checked 2026-12-01, see docs/platforms.md).

- Since 2026-02-23, self-serve (pay-per-use) apps may reply with ``POST /2/tweets`` only when the
  author of the post answered "summoned" the account: the post @mentions it or quotes one of its
  posts. Enterprise access is not restricted.
- Since 2026-04-20, following, likes and quote-posts through the API are removed from all
  self-serve tiers.
"""

from __future__ import annotations

import re

PAY_PER_USE = "Pay-per-use"
ENTERPRISE = "Enterprise"
ACCESS_LEVELS = (PAY_PER_USE, ENTERPRISE)

LIKE = "like"
FOLLOW = "follow"
QUOTE_POST = "quote-post"
SELF_SERVE_UNAVAILABLE = (LIKE, FOLLOW, QUOTE_POST)

UNSUMMONED_REPLY = (
	"X lets pay-per-use apps reply publicly only to posts that @mention the account or quote one of its posts"
)


def is_self_serve(access: str | None) -> bool:
	return (access or PAY_PER_USE) != ENTERPRISE


def unavailable_actions(access: str | None) -> list[str]:
	"""Gestures the access level cannot make (the desk refuses them before anything is sent)."""
	return list(SELF_SERVE_UNAVAILABLE) if is_self_serve(access) else []


def mentions_handle(text: str | None, handle: str | None) -> bool:
	"""``@handle`` as a whole mention in the text (X handles are case-insensitive)."""
	if not text or not handle:
		return False
	return bool(re.search(rf"(?<![A-Za-z0-9_])@{re.escape(handle)}(?![A-Za-z0-9_])", text, re.IGNORECASE))


def summoned_by_v2(tweet: dict, account_id: str, quoted_authors: dict[str, str]) -> bool:
	"""An API v2 post that @mentions the account (``entities.mentions``; a reply to the account
	carries the mention X adds) or quotes one of its posts (``referenced_tweets`` of type quoted,
	the quoted post's author from ``includes.tweets``)."""
	account_id = str(account_id)
	for m in (tweet.get("entities") or {}).get("mentions") or []:
		if str(m.get("id") or "") == account_id:
			return True
	for ref in tweet.get("referenced_tweets") or []:
		if ref.get("type") == "quoted" and quoted_authors.get(str(ref.get("id"))) == account_id:
			return True
	return False


def summoned_by_v1(tweet: dict, account_id: str) -> bool:
	"""The same for the v1.1 object that Account Activity webhooks deliver."""
	account_id = str(account_id)
	entities = (tweet.get("extended_tweet") or {}).get("entities") or tweet.get("entities") or {}
	if any(
		str(m.get("id_str") or m.get("id") or "") == account_id for m in entities.get("user_mentions") or []
	):
		return True
	quoted = tweet.get("quoted_status") or {}
	return str((quoted.get("user") or {}).get("id_str") or "") == account_id
