"""Survey pieces that need no Frappe: tokens, answer validation, ratings written in a message."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TOKEN_BYTES = 32  # 256 bits from the OS's secure source
RATING, NPS, TEXT, CHOICE = "Rating 1-5", "NPS 0-10", "Text", "Multiple Choice"
MAX_TEXT = 2000


def new_token() -> tuple[str, str]:
	"""(token for the link, hash to store). Only the hash is kept; the link cannot be rebuilt from it."""
	token = secrets.token_urlsafe(TOKEN_BYTES)
	return token, hash_token(token)


def hash_token(token: str) -> str:
	return hashlib.sha256((token or "").encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
	return hmac.compare_digest((a or "").encode(), (b or "").encode())


@dataclass
class Question:
	key: str
	kind: str
	required: bool = False
	options: tuple[str, ...] = ()


class AnswerError(ValueError):
	pass


def validate_answers(answers: dict, questions: list[Question]) -> dict:
	"""Clean answers keyed by question key; unknown keys, out-of-range values and missing required answers are refused."""
	if not isinstance(answers, dict):
		raise AnswerError("answers must be an object keyed by question")
	by_key = {q.key: q for q in questions}
	unknown = sorted(set(answers) - set(by_key))
	if unknown:
		raise AnswerError(f"unknown question(s): {', '.join(unknown)}")
	clean: dict = {}
	for q in questions:
		value = answers.get(q.key)
		if value in (None, "", []):
			if q.required:
				raise AnswerError(f"{q.key} is required")
			continue
		if q.kind in (RATING, NPS):
			low, high = (1, 5) if q.kind == RATING else (0, 10)
			try:
				number = int(value)
			except (TypeError, ValueError):
				raise AnswerError(f"{q.key} must be a whole number from {low} to {high}") from None
			if (isinstance(value, float) and value != number) or not low <= number <= high:
				raise AnswerError(f"{q.key} must be a whole number from {low} to {high}")
			clean[q.key] = number
		elif q.kind == CHOICE:
			values = value if isinstance(value, list) else [value]
			bad = [v for v in values if v not in q.options]
			if bad:
				raise AnswerError(f"{q.key}: {', '.join(map(str, bad))} is not one of the options")
			clean[q.key] = list(dict.fromkeys(values))
		else:
			if not isinstance(value, str):
				raise AnswerError(f"{q.key} must be text")
			clean[q.key] = value.strip()[:MAX_TEXT]
	return clean


_STAR = re.compile(r"^[\s]*([⭐★✰☆🌟]{1,5})[\s!.]*$")
_DIGIT = re.compile(
	r"^[\s]*([1-5])(?:\s*(?:/\s*5|of\s*5|av\s*5|von\s*5|z\s*5|分|星))?[\s!.]*$", re.IGNORECASE
)
_KEYCAP = {"1️⃣": 1, "2️⃣": 2, "3️⃣": 3, "4️⃣": 4, "5️⃣": 5}
_FULLWIDTH = str.maketrans("１２３４５", "12345")


def rating_from_text(text: str | None) -> int | None:
	"""A 1–5 rating when the whole message is one ("4", "5/5", "⭐⭐⭐⭐", "4️⃣", "５"), else None."""
	t = (text or "").strip().translate(_FULLWIDTH)
	if not t or len(t) > 12:
		return None
	if t in _KEYCAP:
		return _KEYCAP[t]
	m = _DIGIT.match(t)
	if m:
		return int(m.group(1))
	m = _STAR.match(t)
	if m:
		return len(m.group(1))
	return None
