"""Triage rule matching (pure): does a rule's set of conditions hold for a message's facts?

A rule is a plain dict (the Social Triage Rule's fields); blank conditions match anything.
Rules are checked in ascending ``sequence``; the first match decides (see ``first_match``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

try:  # Python 3.11+
	from re import _constants as sre_c
	from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
	import sre_constants as sre_c
	import sre_parse


@dataclass
class Facts:
	platform: str
	channel: str
	private: bool
	text: str
	language: str
	sentiment: str
	intent: str
	urgent: bool
	known_customer: bool
	followers: int | None = None


# customer text is outside data: a manager's pattern runs on a bounded prefix and is checked when saved
MAX_REGEX_TEXT = 5000
MAX_PATTERN_LENGTH = 300
WIDE_REPEAT = 50  # a repeat that may take more than this many steps counts as unbounded


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern | None:
	"""The compiled pattern; None for one that would be refused today (saved before the checks existed)."""
	if validate_regex(pattern):
		return None
	return re.compile(pattern, re.IGNORECASE)


def validate_regex(pattern: str | None) -> str | None:
	"""None when fine, else the error to show the admin: invalid, too long, or prone to runaway backtracking."""
	if not pattern:
		return None
	if len(pattern) > MAX_PATTERN_LENGTH:
		return f"longer than {MAX_PATTERN_LENGTH} characters"
	try:
		re.compile(pattern)
		tree = sre_parse.parse(pattern, re.IGNORECASE)
	except (re.error, RecursionError, OverflowError) as e:
		return str(e)
	return backtracking_risk(tree)


def backtracking_risk(tree) -> str | None:
	r"""Patterns whose matching time can explode on long text (Python's re has no timeout).

	Refused: a repeated part that itself repeats (``(a+)+``, ``(.*)*``, ``(\s?\w+)*``), a repeated part
	that can match nothing, a repeated alternation whose alternatives can start alike (``(a|a)*``,
	``(a|ab)*``), and two unbounded repeats that can take the same characters with nothing between
	them that the first could not take too (``\d+\d+``, ``.*a.*b``, ``\w+x\w+``). The character
	classes are approximated (conservatively) outside ASCII.
	"""
	try:
		_exponential(tree, repeated=False)
		_polynomial(_atoms(tree))
	except _Risk as e:
		return str(e)
	return None


REPEATS = {sre_c.MAX_REPEAT, sre_c.MIN_REPEAT} | (
	{sre_c.POSSESSIVE_REPEAT} if hasattr(sre_c, "POSSESSIVE_REPEAT") else set()
)
ATOMIC = getattr(sre_c, "ATOMIC_GROUP", None)


class _Risk(Exception):
	pass


# character sets: (negated, members); members are lower-case ASCII codes and tokens for non-ASCII kinds
_DIGITS = frozenset(range(48, 58)) | {"<udigit>"}
_WORD = frozenset(range(97, 123)) | frozenset(range(48, 58)) | {95, "<uword>", "<udigit>"}
_SPACE = frozenset(map(ord, " \t\n\r\f\v")) | {"<uspace>"}
_NON_ASCII = frozenset({"<udigit>", "<uword>", "<uspace>", "<uother>"})
ANYCHAR = (True, frozenset())
NOTHING = (False, frozenset())
_CATEGORY = {
	sre_c.CATEGORY_DIGIT: (False, _DIGITS),
	sre_c.CATEGORY_NOT_DIGIT: (True, _DIGITS),
	sre_c.CATEGORY_WORD: (False, _WORD),
	sre_c.CATEGORY_NOT_WORD: (True, _WORD),
	sre_c.CATEGORY_SPACE: (False, _SPACE),
	sre_c.CATEGORY_NOT_SPACE: (True, _SPACE),
}


def _char(code: int):
	if code < 128:
		return ord(chr(code).lower())
	c = chr(code)
	if c.isdigit():
		return "<udigit>"
	if c.isalnum():
		return "<uword>"
	return "<uspace>" if c.isspace() else "<uother>"


def _union(a, b):
	if not a[0] and not b[0]:
		return (False, a[1] | b[1])
	if a[0] and b[0]:
		return (True, a[1] & b[1])
	neg, pos = (a, b) if a[0] else (b, a)
	return (True, neg[1] - pos[1])


def _overlap(a, b) -> bool:
	if a[0] and b[0]:
		return True
	if not a[0] and not b[0]:
		return bool(a[1] & b[1])
	neg, pos = (a, b) if a[0] else (b, a)
	return bool(pos[1] - neg[1])


def _subset(a, b) -> bool:
	if not a[0]:
		return not (a[1] & b[1]) if b[0] else a[1] <= b[1]
	return b[0] and b[1] <= a[1]


def _in_set(items):
	members, negated = set(), False
	for op, av in items:
		if op == sre_c.NEGATE:
			negated = True
		elif op == sre_c.LITERAL:
			members.add(_char(av))
		elif op == sre_c.RANGE:
			lo, hi = av
			members.update(_char(c) for c in range(lo, min(hi, 127) + 1))
			if hi > 127:
				members |= _NON_ASCII
		elif op == sre_c.CATEGORY:
			neg, cat = _CATEGORY.get(av, ANYCHAR)
			if neg:
				return ANYCHAR  # a negated class inside a set: take it as anything
			members |= cat
		else:
			return ANYCHAR
	return (negated, frozenset(members))


def _item_first(op, av):
	"""(characters the item can start with, whether it can match nothing)."""
	if op == sre_c.LITERAL:
		return (False, frozenset({_char(av)})), False
	if op == sre_c.NOT_LITERAL:
		return (True, frozenset({_char(av)})), False
	if op == sre_c.ANY:
		return ANYCHAR, False
	if op == sre_c.IN:
		return _in_set(av), False
	if op == sre_c.CATEGORY:
		return _CATEGORY.get(av, ANYCHAR), False
	if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
		return NOTHING, True
	if op == sre_c.SUBPATTERN:
		return _first(av[-1])
	if op == ATOMIC:
		return _first(av)
	if op in REPEATS:
		first, nullable = _first(av[2])
		return first, nullable or av[0] == 0
	if op == sre_c.BRANCH:
		first, nullable = NOTHING, False
		for alt in av[1]:
			f, n = _first(alt)
			first, nullable = _union(first, f), nullable or n
		return first, nullable
	return ANYCHAR, True  # back-references and the rest: anything


def _first(seq):
	first = NOTHING
	for op, av in seq:
		f, nullable = _item_first(op, av)
		first = _union(first, f)
		if not nullable:
			return first, False
	return first, True


def _chars(seq):
	"""Every character the sequence can consume anywhere."""
	out = NOTHING
	for op, av in seq:
		if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
			continue
		if op == sre_c.SUBPATTERN:
			out = _union(out, _chars(av[-1]))
		elif op == ATOMIC:
			out = _union(out, _chars(av))
		elif op in REPEATS:
			out = _union(out, _chars(av[2]))
		elif op == sre_c.BRANCH:
			for alt in av[1]:
				out = _union(out, _chars(alt))
		else:
			out = _union(out, _item_first(op, av)[0])
	return out


def _variable(lo, hi) -> bool:
	return hi != lo


def _unbounded(lo, hi) -> bool:
	return hi == sre_c.MAXREPEAT or hi - lo > WIDE_REPEAT


def _children(op, av):
	if op == sre_c.SUBPATTERN:
		return [av[-1]]
	if op == ATOMIC:
		return [av]
	if op in REPEATS:
		return [av[2]]
	if op == sre_c.BRANCH:
		return list(av[1])
	if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
		return [av[1]]
	if op == sre_c.GROUPREF_EXISTS:
		return [x for x in av[1:] if x is not None]
	return []


def _exponential(seq, repeated: bool) -> None:
	for op, av in seq:
		if op in REPEATS:
			lo, hi, body = av
			if repeated and _variable(lo, hi):
				raise _Risk("a repeated part repeats again inside (like (a+)+): matching time can explode")
			if hi > 1:
				if _first(body)[1]:
					raise _Risk("a repeated part can match nothing (like (a*)*): matching time can explode")
				_exponential(body, repeated=True)
				continue
			_exponential(body, repeated)
			continue
		if op == sre_c.BRANCH and repeated:
			firsts = [_first(alt) for alt in av[1]]
			if any(nullable for _f, nullable in firsts):
				raise _Risk("a repeated alternation has an empty or shared start (like (a|ab)*)")
			for i, (a, _n) in enumerate(firsts):
				for b, _m in firsts[i + 1 :]:
					if _overlap(a, b):
						raise _Risk("the alternatives of a repeated group can start alike (like (a|a)*)")
		for child in _children(op, av):
			_exponential(child, repeated)


def _atoms(seq) -> list[tuple]:
	"""The pattern as a flat run of (kind, chars, unbounded chars): groups opened in place."""
	out = []
	for op, av in seq:
		if op == sre_c.SUBPATTERN:
			out.extend(_atoms(av[-1]))
		elif op == ATOMIC:
			out.extend(_atoms(av))
		elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
			continue
		elif op in REPEATS and _unbounded(av[0], av[1]):
			out.append(("repeat", _chars(av[2]), av[0] == 0))
		else:
			item = [(op, av)]
			_first_chars, nullable = _first(item)
			out.append(("item", _chars(item), nullable))
	return out


def _polynomial(atoms) -> None:
	for i, (kind, chars, _nullable) in enumerate(atoms):
		if kind != "repeat":
			continue
		for later_kind, later_chars, later_nullable in atoms[i + 1 :]:
			if later_kind == "repeat" and _overlap(chars, later_chars):
				raise _Risk(
					"two unbounded repeats can take the same characters (like \\d+\\d+ or .*a.*b): "
					"bound one of them, e.g. \\d{1,12}, or put a separator the first cannot take between them"
				)
			if not (later_nullable or _subset(later_chars, chars)):
				break  # a separator the first repeat cannot take: it ends there


def matches(rule: dict, f: Facts) -> bool:
	def blank(key):
		return not rule.get(key)

	if not blank("platform") and rule["platform"] != f.platform:
		return False
	if not blank("channel") and rule["channel"] != f.channel:
		return False
	if not blank("conversation") and (rule["conversation"] == "Private") != f.private:
		return False
	if not blank("keywords"):
		words = [w.strip().lower() for w in str(rule["keywords"]).splitlines() if w.strip()]
		text = f.text.lower()
		if words and not any(w in text for w in words):
			return False
	if not blank("regex"):
		pattern = _regex(rule["regex"])
		if pattern is None or not pattern.search(f.text[:MAX_REGEX_TEXT]):
			return False
	if not blank("languages"):
		langs = {x.strip().lower() for x in str(rule["languages"]).replace(";", ",").split(",") if x.strip()}
		if f.language.lower() not in langs:
			return False
	if not blank("sentiment") and rule["sentiment"] != f.sentiment:
		return False
	if not blank("intent") and rule["intent"] != f.intent:
		return False
	if not blank("urgency") and (rule["urgency"] == "Urgent") != f.urgent:
		return False
	if not blank("author") and (rule["author"] == "Known Customer") != f.known_customer:
		return False
	if rule.get("min_followers") and (f.followers is None or f.followers < int(rule["min_followers"])):
		return False
	return True


def first_match(rules: list[dict], f: Facts) -> dict | None:
	for rule in sorted(rules, key=lambda r: (int(r.get("sequence") or 0), r.get("name") or "")):
		if rule.get("enabled", 1) and matches(rule, f):
			return rule
	return None
