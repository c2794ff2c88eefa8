"""Sentiment, intent and urgency from the language's lexicon (English as the fallback)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon, lexicon
from .text import SENTENCE_BREAK, Normalized

NEGATION_WINDOW = 3
_DIGITS = re.compile(r"\d{3,}")
_MONEY = re.compile(r"[$€£¥]\s?\d|\d[\d\s.,]*\s?(?:[$€£¥]|zł|kr|元|eur|usd)", re.IGNORECASE)


@dataclass
class Result:
	sentiment: str
	intent: str
	urgent: bool
	score: float
	cues: list[str] = field(default_factory=list)


def _sentiment(norm: Normalized, lex: Lexicon) -> float:
	score = float(norm.emoji_score)
	if lex.m["positive"].substring:
		# no word boundaries: a negator right before the word flips it
		for kind, sign in (("positive", 1), ("negative", -1)):
			for w in lex.m[kind].hits(norm):
				i = norm.lower.find(w)
				before = norm.lower[max(0, i - 4) : i]
				score += -sign if any(before.endswith(n) for n in lex.negators) else sign
		return score
	tokens = norm.tokens
	negator_words = lex.m["negators"]
	neg_at = set(negator_words.positions(tokens))
	for kind, sign in (("positive", 1), ("negative", -1)):
		for i in lex.m[kind].positions(tokens):
			negated = False
			for j in range(i - 1, max(-1, i - NEGATION_WINDOW - 1), -1):
				if tokens[j] in SENTENCE_BREAK:
					break  # a negation does not reach across a clause
				if j in neg_at:
					negated = True
					break
			score += -sign if negated else sign
	return score


def classify(norm: Normalized, language: str) -> Result:
	lex = lexicon(language) or lexicon("en")
	cues: list[str] = []

	def fired(category: str) -> list[str]:
		hits = lex.m[category].hits(norm)
		cues.extend(f"{category}:{h}" for h in hits[:3])
		return hits

	spam = fired("spam")
	troll = fired("troll")
	complaint = fired("complaint")
	praise = fired("praise")
	urgent_hits = fired("urgent")
	specific = fired("specific")
	score = _sentiment(norm, lex)
	if complaint:
		score -= 1
	if praise and not complaint:
		score += 0.5

	is_spam = bool(spam) and (norm.urls > 0 or len(spam) >= 2 or bool(_MONEY.search(norm.raw)))
	# a troll is vague and aimed at the brand in general; details mean a customer with a problem
	has_specifics = bool(specific) or bool(_DIGITS.search(norm.plain))
	is_troll = bool(troll) and not has_specifics and not is_spam
	question = norm.question_mark or _starts_with_question(norm, lex)

	if is_spam:
		intent = "spam"
	elif is_troll:
		intent = "troll"
	elif complaint and not (question and score >= -1 and not urgent_hits) and not (praise and score > 1):
		intent = "complaint"
	elif question and lex.m["chatter"].hits(norm):
		intent = "other"  # talk among customers ("anyone else going?"), not a question to the brand
	elif question:
		intent = "question"
	elif score < 0 and has_specifics:
		intent = "complaint"
	elif praise or score > 0:
		intent = "praise"
	else:
		intent = "other"

	if intent == "spam":
		sentiment = "neutral"
	elif score > 0.5:
		sentiment = "positive"
	elif score < -0.5:
		sentiment = "negative"
	else:
		sentiment = "neutral"
	if intent in ("complaint", "troll") and sentiment == "positive":
		sentiment = "negative"
	urgent = bool(urgent_hits) and intent not in ("spam", "troll")
	return Result(sentiment, intent, urgent, score, cues)


def _starts_with_question(norm: Normalized, lex: Lexicon) -> bool:
	if not norm.tokens:
		return False
	if lex.m["question_words"].substring:
		return bool(lex.m["question_words"].hits(norm))
	first = norm.tokens[0]
	return first in lex.m["question_words"].words
