"""Normalizing social text: links, @handles, #tags and emoji out of the way of the word matchers."""

from __future__ import annotations

import re
from dataclasses import dataclass

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<!\w)@\w{1,30}")
HASHTAG = re.compile(r"(?<!\w)#(\w+)")
TOKEN = re.compile(r"[\w'’]+|[?!$€£¥:=.,;]", re.UNICODE)
SENTENCE_BREAK = frozenset(".,;!?")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

POSITIVE_EMOJI = set("😍🙌👍❤😊🙂😀😃😄🥰💯🎉👏✨💕😁🤩💖🙏")
NEGATIVE_EMOJI = set("😡😠🤬😞😢😭👎💩😤😒🙄😩😫💔🤮")


@dataclass
class Normalized:
	raw: str
	plain: str  # without links and @handles; #tags become words
	lower: str
	tokens: list[str]
	padded: str  # " tok tok " for phrase matching on word boundaries
	urls: int
	emoji_score: int
	cjk: bool
	question_mark: bool


def normalize(text: str) -> Normalized:
	urls = len(URL.findall(text))
	plain = HASHTAG.sub(r"\1", HANDLE.sub(" ", URL.sub(" ", text)))
	lower = plain.lower().replace("’", "'")
	tokens = TOKEN.findall(lower)
	emoji = sum(1 for ch in text if ch in POSITIVE_EMOJI) - sum(1 for ch in text if ch in NEGATIVE_EMOJI)
	return Normalized(
		raw=text,
		plain=" ".join(plain.split()),
		lower=lower,
		tokens=tokens,
		padded=" " + " ".join(tokens) + " ",
		urls=urls,
		emoji_score=emoji,
		cjk=bool(CJK.search(text)),
		question_mark="?" in text or "？" in text,
	)
