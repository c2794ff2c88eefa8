"""What X's pay-per-use pricing charges for the calls the app makes (checked 2026-12-01, see
docs/platforms.md): reads per resource returned, writes per request.

The app counts what it asks for, by kind; the price of each kind is a setting (Social Support
Settings > X Prices), so a price change needs no release. X charges a resource once per UTC day,
so an estimate that counts every response is an upper bound of the bill.
"""

from __future__ import annotations

import re
from collections import Counter

POST_READ = "Post Read"
OWNED_READ = "Owned Read"  # the account's own mentions and posts, when it owns the developer app
USER_READ = "User Read"
DM_READ = "DM Event Read"
POST_CREATE = "Post Create"
POST_CREATE_URL = "Post Create With URL"
SUMMONED_REPLY = "Summoned Reply"
DM_CREATE = "DM Create"
INTERACTION_CREATE = "Interaction Create"

KINDS = (
	POST_READ,
	OWNED_READ,
	USER_READ,
	DM_READ,
	POST_CREATE,
	POST_CREATE_URL,
	SUMMONED_REPLY,
	DM_CREATE,
	INTERACTION_CREATE,
)
READS = (POST_READ, OWNED_READ, USER_READ, DM_READ)

# USD, X's pricing page on 2026-12-01
DEFAULT_PRICES: dict[str, float] = {
	POST_READ: 0.005,
	OWNED_READ: 0.001,
	USER_READ: 0.010,
	DM_READ: 0.010,
	POST_CREATE: 0.015,
	POST_CREATE_URL: 0.200,
	SUMMONED_REPLY: 0.010,
	DM_CREATE: 0.015,
	INTERACTION_CREATE: 0.015,
}

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def page_usage(raw: dict, post_kind: str) -> Counter:
	"""Resources in one answer: its posts (``post_kind``: owned or not), the expanded posts and users."""
	usage = Counter()
	data = raw.get("data") or []
	includes = raw.get("includes") or {}
	if data:
		usage[post_kind] += len(data)
	if includes.get("tweets"):
		usage[POST_READ] += len(includes["tweets"])
	if includes.get("users"):
		usage[USER_READ] += len(includes["users"])
	return usage


def write_usage(action: str, text: str = "") -> Counter:
	"""One write: ``reply`` (only summoned replies are possible on pay-per-use), ``post`` (a URL
	makes it dearer), ``dm``, ``like`` / ``repost``."""
	if action == "reply":
		return Counter({SUMMONED_REPLY: 1})
	if action == "post":
		return Counter({POST_CREATE_URL if _URL.search(text or "") else POST_CREATE: 1})
	if action == "dm":
		return Counter({DM_CREATE: 1})
	return Counter({INTERACTION_CREATE: 1})


def prices_from(table: dict | None) -> dict[str, float]:
	"""The default prices, overridden by a table of kind -> USD (unknown kinds and negative or
	non-numeric prices refused with ValueError)."""
	prices = dict(DEFAULT_PRICES)
	for kind, value in (table or {}).items():
		if kind not in DEFAULT_PRICES:
			raise ValueError(f"unknown X price kind {kind!r}; known: {', '.join(KINDS)}")
		try:
			price = float(value)
		except (TypeError, ValueError):
			raise ValueError(f"the price of {kind} must be a number of dollars") from None
		if price < 0 or price != price:
			raise ValueError(f"the price of {kind} cannot be negative")
		prices[kind] = price
	return prices


def cost(usage: dict[str, int], prices: dict[str, float]) -> float:
	return round(sum(n * prices.get(kind, 0.0) for kind, n in usage.items()), 6)
