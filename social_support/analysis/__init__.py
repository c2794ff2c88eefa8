"""Multilingual message analysis (PURE: no frappe). Language, sentiment, PII, intent, urgency, tone.

    from social_support.analysis import analyze
    a = analyze("Min beställning har inte kommit!")
    a.language, a.sentiment, a.intent, a.urgent, a.pii

Lexicons are data files per language in ``lexicons/<lang>.json`` (en, de, sv, nb, pl, zh);
add a language by adding a file. Languages without a lexicon still get language, PII and
emoji sentiment. Nothing is downloaded: the language model ships inside py3langid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .classify import classify
from .language import detect_language
from .pii import PiiSpan, detect_pii
from .text import normalize
from .tone import tone_warnings

MAX_CHARS = 5000  # social messages are short; a huge input is cut, never slow


@dataclass
class Analysis:
	language: str
	sentiment: str
	intent: str
	urgent: bool
	pii: list[str] = field(default_factory=list)
	pii_spans: list[PiiSpan] = field(default_factory=list)
	score: float = 0.0  # sentiment score (negative < 0 < positive)
	cues: list[str] = field(default_factory=list)  # what fired, for agents and rule debugging

	def to_dict(self) -> dict:
		return asdict(self)


def analyze(text: str | None) -> Analysis:
	text = (text or "")[:MAX_CHARS]
	norm = normalize(text)
	language = detect_language(norm.plain)
	spans = detect_pii(text, language)
	kinds = sorted({s.kind for s in spans})
	result = classify(norm, language)
	return Analysis(
		language=language,
		sentiment=result.sentiment,
		intent=result.intent,
		urgent=result.urgent,
		pii=kinds,
		pii_spans=spans,
		score=result.score,
		cues=result.cues,
	)


__all__ = ["Analysis", "PiiSpan", "analyze", "detect_language", "detect_pii", "tone_warnings"]
