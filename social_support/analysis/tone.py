"""Tone checks for an agent's draft: dismissive words ("just", "simply", "obviously" and kin)."""

from __future__ import annotations

from .language import detect_language
from .lexicon import lexicon
from .text import normalize


def tone_warnings(text: str, language: str | None = None) -> list[str]:
	"""The dismissive words found in a reply draft, in the reply's language (and English)."""
	norm = normalize(text or "")
	language = language or detect_language(norm.plain)
	found: list[str] = []
	for lang in dict.fromkeys([language, "en"]):
		lex = lexicon(lang) if lang and lang != "und" else None
		if lex:
			for hit in lex.m["dismissive"].hits(norm):
				if hit not in found:
					found.append(hit)
	return found
