"""Triage rule matching (pure): does a rule's set of conditions hold for a message's facts?

A rule is a plain dict (the Social Triage Rule's fields); blank conditions match anything.
Rules are checked in ascending ``sequence``; the first match decides (see ``first_match``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass
class Facts:
	platform: str
	channel: str
	private: bool
	text: str
	language: str
	sentiment: str
	intent: str
	urgent: bool
	known_customer: bool
	followers: int | None = None


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern:
	return re.compile(pattern, re.IGNORECASE)


def validate_regex(pattern: str | None) -> str | None:
	"""None when fine, else the error to show the admin."""
	if not pattern:
		return None
	try:
		re.compile(pattern)
	except re.error as e:
		return str(e)
	return None


def matches(rule: dict, f: Facts) -> bool:
	def blank(key):
		return not rule.get(key)

	if not blank("platform") and rule["platform"] != f.platform:
		return False
	if not blank("channel") and rule["channel"] != f.channel:
		return False
	if not blank("conversation") and (rule["conversation"] == "Private") != f.private:
		return False
	if not blank("keywords"):
		words = [w.strip().lower() for w in str(rule["keywords"]).splitlines() if w.strip()]
		text = f.text.lower()
		if words and not any(w in text for w in words):
			return False
	if not blank("regex") and not _regex(rule["regex"]).search(f.text):
		return False
	if not blank("languages"):
		langs = {x.strip().lower() for x in str(rule["languages"]).replace(";", ",").split(",") if x.strip()}
		if f.language.lower() not in langs:
			return False
	if not blank("sentiment") and rule["sentiment"] != f.sentiment:
		return False
	if not blank("intent") and rule["intent"] != f.intent:
		return False
	if not blank("urgency") and (rule["urgency"] == "Urgent") != f.urgent:
		return False
	if not blank("author") and (rule["author"] == "Known Customer") != f.known_customer:
		return False
	if rule.get("min_followers") and (f.followers is None or f.followers < int(rule["min_followers"])):
		return False
	return True


def first_match(rules: list[dict], f: Facts) -> dict | None:
	for rule in sorted(rules, key=lambda r: (int(r.get("sequence") or 0), r.get("name") or "")):
		if rule.get("enabled", 1) and matches(rule, f):
			return rule
	return None
