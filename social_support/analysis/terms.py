"""Top terms of a set of messages: words minus stop words, handles, links and numbers; CJK as two-character terms."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

STOP = set(
	"""a an and are as at be but by can do does for from get got has have hi hello how i i'm im if in is it it's its just me my
	no not now of on or our please so still that the their them there they this to too up us was we what when where which who why
	will with would you your yours thanks thank hey any all am been did dont don't cant can't also out about again one more very
	der die das und ist ich nicht ein eine mit mein meine von zu den dem des auf für sie es wir ihr was wie noch bitte hallo danke
	och att det är jag inte en ett med min mitt på för som har kan ni vi till hej tack nu
	og er jeg ikke en et med min mitt på for som har kan dere vi til hei takk nå det
	i w na nie jest się to ja mój moja moje z do że czy jak po co już proszę dzień dobry cześć dziękuję""".split()
)
WORD = re.compile(r"[^\W\d_][\w'’-]{2,}", re.UNICODE)
CJK = re.compile(r"[\u4e00-\u9fff]+")
NOISE = re.compile(r"https?://\S+|[@#][\w_]+|\S+@\S+")
CJK_STOP = {
	"我的",
	"你们",
	"我们",
	"什么",
	"可以",
	"怎么",
	"还没",
	"一个",
	"没有",
	"谢谢",
	"请问",
	"这个",
	"是不",
}


def terms_of(text: str) -> list[str]:
	t = NOISE.sub(" ", (text or "").lower())
	words = [w.strip("'’-") for w in WORD.findall(CJK.sub(" ", t))]
	out = [w for w in words if len(w) >= 3 and w not in STOP]
	for run in CJK.findall(t):
		out += [run[i : i + 2] for i in range(len(run) - 1) if run[i : i + 2] not in CJK_STOP]
	return out


def top_terms(texts: Iterable[str], n: int = 20) -> list[tuple[str, int]]:
	"""The n most frequent terms, each counted once per message (so one long rant does not dominate)."""
	counts: Counter = Counter()
	for text in texts:
		counts.update(set(terms_of(text)))
	return counts.most_common(n)
