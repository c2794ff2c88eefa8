"""A reply that asks the customer for personal data: fine in a DM, a warning in public.

"Could you post your order number and email here?" asks the customer to publish what belongs in a
private message. A request is a cue ("send us", "what's your", "teilen Sie uns ... mit", "请提供")
and a kind of data ("email address", "Bestellnummer", "手机号") in one sentence, not negated
("never share your password"). A reply that names a private channel anywhere ("DM us your order
number", "skicka ett DM") moves the request there and is not flagged.

Entries in the lexicons are written as people write them ("e-mail address", "what's your"); a
trailing ``*`` makes the last word a prefix ("bestellnummer*"). Chinese matches character by
character.
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import NO_SPACES, lexicon
from .text import TOKEN, normalize

KINDS = ("email", "phone", "address", "password", "order", "billing")
SENTENCE_END = frozenset(".!?;。！？；\n")
# how far a negator may stand from the request cue, in words (characters in Chinese)
BEFORE, AFTER = {False: 3, True: 6}, {False: 4, True: 3}


@cache
def _pattern(entry: str, chars: bool) -> tuple[tuple[str, ...], bool]:
	prefix = entry.endswith("*")
	entry = entry.rstrip("*")
	units = tuple(ch for ch in entry if not ch.isspace()) if chars else tuple(TOKEN.findall(entry))
	return units, prefix


def _find(units: list[str], entries: list[str], chars: bool) -> list[tuple[int, int]]:
	"""(start, end) of every entry in the units (words, or characters in Chinese)."""
	spans = []
	for entry in entries:
		pat, prefix = _pattern(entry, chars)
		n = len(pat)
		if not n:
			continue
		for i in range(len(units) - n + 1):
			if units[i : i + n - 1] != list(pat[:-1]):
				continue
			last = units[i + n - 1]
			if last == pat[-1] or (prefix and last.startswith(pat[-1])):
				spans.append((i, i + n))
	return spans


def _units(text: str, chars: bool) -> list[str]:
	if chars:
		return [ch for ch in normalize(text).lower if not ch.isspace()]
	return normalize(text).tokens


def _sentences(units: list[str]) -> list[list[str]]:
	out, cur = [], []
	for u in units:
		if u in SENTENCE_END:
			if cur:
				out.append(cur)
			cur = []
		else:
			cur.append(u)
	if cur:
		out.append(cur)
	return out


def _languages(language: str | None) -> list:
	return [lex for lang in dict.fromkeys([language, "en"]) if lang and (lex := lexicon(lang))]


def mentions_private_channel(text: str, language: str | None = None) -> bool:
	"""The reply names a DM or another private channel ("DM us", "per Direktnachricht", "私信")."""
	for lex in _languages(language):
		chars = lex.language in NO_SPACES
		if _find(_units(text, chars), lex.requests["private"], chars):
			return True
	return False


def requested_data(text: str | None, language: str | None = None) -> list[str]:
	"""The kinds of personal data a reply asks the customer to write in it (sorted); [] when it asks in private."""
	text = re.sub(r"\s+", " ", text or "")
	if not text.strip() or mentions_private_channel(text, language):
		return []
	kinds: set[str] = set()
	for lex in _languages(language):
		chars = lex.language in NO_SPACES
		req = lex.requests
		for sentence in _sentences(_units(text, chars)):
			asks = _find(sentence, req["ask"], chars)
			if not asks:
				continue
			negators = _find(sentence, req["negators"], chars)
			if all(
				any(s - BEFORE[chars] <= n0 < e + AFTER[chars] and not (s <= n0 < e) for n0, _ in negators)
				for s, e in asks
			):
				continue  # "never share your password", "Dela inte ditt lösenord"
			found = [
				(k, s, e) for k, entries in req["kinds"].items() for s, e in _find(sentence, entries, chars)
			]
			# "e-postadressen" is an email address, not also a postal address ("postadressen")
			kinds.update(
				k
				for k, s, e in found
				if not any(k2 != k and s2 <= s and e <= e2 and (s2, e2) != (s, e) for k2, s2, e2 in found)
			)
	return sorted(kinds, key=KINDS.index)


__all__ = ["KINDS", "mentions_private_channel", "requested_data"]
