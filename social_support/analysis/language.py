"""Language identification with py3langid (its model ships in the package; loaded once, lazily)."""

from __future__ import annotations

import re
from functools import lru_cache

from .text import CJK

# Danish and Nynorsk are left out on purpose: on short texts they swallow Norwegian Bokmål,
# which our customers write; add them here if a Danish-speaking market comes along.
CANDIDATES = [
	"en",
	"de",
	"sv",
	"no",
	"pl",
	"zh",
	"fr",
	"es",
	"it",
	"nl",
	"pt",
	"fi",
	"ru",
	"uk",
	"cs",
	"tr",
	"ja",
	"ko",
	"ar",
]
ALIASES = {"no": "nb"}
MIN_LETTERS = 8
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


@lru_cache(maxsize=1)
def _identifier():
	# numpy and the model load on the first detection, not when the app is imported
	import py3langid.langid as langid

	ident = langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)
	ident.set_languages(CANDIDATES)
	return ident


def detect_language(text: str) -> str:
	"""ISO 639-1 code ("nb" for Norwegian Bokmål), or "und" when the text is too short or unclear."""
	letters = len(_LETTER.findall(text))
	if CJK.search(text) and not _KANA.search(text) and not _HANGUL.search(text):
		# Han characters without kana or hangul: Chinese, even in very short messages
		return "zh" if len(CJK.findall(text)) >= 2 else "und"
	if letters < MIN_LETTERS:
		return "und"
	lang, confidence = _identifier().classify(text)
	if confidence < MIN_CONFIDENCE:
		return "und"
	return ALIASES.get(lang, lang)
