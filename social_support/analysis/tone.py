"""Tone checks for an agent's draft: words that play the customer's problem down.

"Just restart it", "simply", "obviously", "Sie müssen nur", "Du behöver bara", "po prostu", "只需"
warn; the same words in ordinary phrases do not ("I just checked", "just now", "just let us know",
"bare hyggelig", "inte bara", "nicht so einfach"). The lexicons list both: ``dismissive`` and
``dismissive_not`` (phrases masked out before the dismissive words are matched). The labelled
replies in ``tests/data/tone/`` measure both sides (``python -m social_support.devtools.tone_eval``).
"""

from __future__ import annotations

from dataclasses import replace

from .language import detect_language
from .lexicon import Lexicon, available, lexicon
from .text import Normalized, normalize

MASK = "·"


def _masked(norm: Normalized, lex: Lexicon) -> Normalized:
	"""The text with the ordinary phrases of this language blanked out."""
	if not lex.dismissive_not:
		return norm
	if lex.m["dismissive"].substring:
		lower = norm.lower
		for phrase in lex.dismissive_not:
			lower = lower.replace(phrase, MASK)
		return replace(norm, lower=lower)
	padded = norm.padded
	for phrase in lex.dismissive_not:
		key = " " + " ".join(normalize(phrase).tokens) + " "
		while key in padded:  # adjacent repeats share a space: replace until none is left
			padded = padded.replace(key, f" {MASK} ")
	return replace(norm, padded=padded, tokens=padded.split())


def _languages(language: str) -> list[str]:
	"""The reply's language; English when it has no lexicon; every language when it is unknown.

	English words are not looked for in a reply in another language with a lexicon: "just nu"
	is Swedish for "right now". A short reply whose language is unclear is read in all of them.
	"""
	if language == "und":
		return available()
	return [language] if lexicon(language) else ["en"]


def tone_warnings(text: str, language: str | None = None) -> list[str]:
	"""The dismissive words found in a reply draft, read in the reply's language."""
	norm = normalize(text or "")
	language = language or detect_language(norm.plain)
	found: list[str] = []
	for lang in _languages(language):
		lex = lexicon(lang)
		if lex:
			for hit in lex.m["dismissive"].hits(_masked(norm, lex)):
				if hit not in found:
					found.append(hit)
	return found
