"""Per-language lexicons (data files), compiled once into fast matchers.

Entry forms in the JSON lists: ``word`` (a whole token), ``word*`` (a token prefix, for
inflections and compounds), ``two words`` (a phrase on word boundaries). Chinese has no
spaces, so its entries match as substrings.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from .text import Normalized

HERE = Path(__file__).parent / "lexicons"
NO_SPACES = {"zh", "ja"}


class Matcher:
	def __init__(self, entries: list[str], substring: bool):
		self.substring = substring
		self.words = {e for e in entries if " " not in e and not e.endswith("*")}
		self.prefixes = tuple(e[:-1] for e in entries if e.endswith("*") and " " not in e)
		phrases = [e.rstrip("*") for e in entries if " " in e]
		self.phrases = [f" {p} " for p in phrases]
		self.all_substrings = [e.rstrip("*") for e in entries] if substring else []

	def hits(self, norm: Normalized) -> list[str]:
		if self.substring:
			return [s for s in self.all_substrings if s and s in norm.lower]
		found = [t for t in norm.tokens if t in self.words or (self.prefixes and t.startswith(self.prefixes))]
		found += [p.strip() for p in self.phrases if p in norm.padded]
		return found

	def positions(self, tokens: list[str]) -> list[int]:
		return [
			i
			for i, t in enumerate(tokens)
			if t in self.words or (self.prefixes and t.startswith(self.prefixes))
		]


class Lexicon:
	CATEGORIES = (
		"positive",
		"negative",
		"negators",
		"complaint",
		"question_words",
		"praise",
		"spam",
		"troll",
		"specific",
		"urgent",
		"dismissive",
		"password",
		"password_cues",
		"chatter",
		"greetings",
	)

	def __init__(self, language: str, data: dict):
		self.language = language
		substring = language in NO_SPACES
		self.m = {c: Matcher([e.lower() for e in data.get(c, [])], substring) for c in self.CATEGORIES}
		self.address = [re.compile(p) for p in data.get("address", [])]
		# phrases in which a dismissive word is ordinary ("just now", "bare hyggelig")
		self.dismissive_not = [e.lower() for e in data.get("dismissive_not", [])]
		# a reply asking for personal data: request cues, the data asked for (by kind), private channels
		req = data.get("data_requests", {})
		self.requests = {
			"ask": [e.lower() for e in req.get("ask", [])],
			"private": [e.lower() for e in req.get("private", [])],
			"negators": [e.lower() for e in req.get("negators", [])],
			"kinds": {k: [e.lower() for e in v] for k, v in req.get("kinds", {}).items()},
		}
		self.negators = [e.lower() for e in data.get("negators", [])]


@cache
def lexicon(language: str) -> Lexicon | None:
	path = HERE / f"{language}.json"
	if not path.exists():
		return None
	return Lexicon(language, json.loads(path.read_text(encoding="utf-8")))


def available() -> list[str]:
	return sorted(p.stem for p in HERE.glob("*.json"))
