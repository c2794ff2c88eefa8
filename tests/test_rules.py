from social_support.analysis.rules import Facts, first_match, matches, validate_regex


def facts(**kw):
	base = dict(
		platform="X",
		channel="Main X",
		private=False,
		text="My invoice is wrong",
		language="en",
		sentiment="negative",
		intent="complaint",
		urgent=False,
		known_customer=False,
		followers=120,
	)
	base.update(kw)
	return Facts(**base)


def test_blank_conditions_match_everything():
	assert matches({}, facts())


def test_each_condition():
	f = facts()
	assert matches({"platform": "X"}, f) and not matches({"platform": "Facebook"}, f)
	assert matches({"channel": "Main X"}, f) and not matches({"channel": "Other"}, f)
	assert matches({"conversation": "Public"}, f) and not matches({"conversation": "Private"}, f)
	assert matches({"keywords": "refund\ninvoice"}, f) and not matches({"keywords": "refund"}, f)
	assert matches({"regex": r"inv\w+"}, f) and not matches({"regex": r"^refund"}, f)
	assert matches({"languages": "de, en"}, f) and not matches({"languages": "sv"}, f)
	assert matches({"sentiment": "negative"}, f) and not matches({"sentiment": "positive"}, f)
	assert matches({"intent": "complaint"}, f) and not matches({"intent": "praise"}, f)
	assert matches({"urgency": "Not Urgent"}, f) and not matches({"urgency": "Urgent"}, f)
	assert matches({"author": "Unknown"}, f) and not matches({"author": "Known Customer"}, f)
	assert matches({"min_followers": 100}, f) and not matches({"min_followers": 1000}, f)
	assert not matches({"min_followers": 10}, facts(followers=None))  # no count: the condition cannot hold


def test_first_match_by_sequence_and_enabled():
	rules = [
		{"name": "b", "sequence": 20, "intent": "complaint", "action": "Create Ticket"},
		{"name": "a", "sequence": 10, "keywords": "invoice", "action": "Log Only", "enabled": 0},
		{"name": "c", "sequence": 5, "intent": "praise", "action": "Mark Spam"},
	]
	assert first_match(rules, facts())["name"] == "b"
	rules[1]["enabled"] = 1
	assert first_match(rules, facts())["name"] == "a"
	assert first_match([], facts()) is None


def test_regex_validation():
	assert validate_regex(r"\d+") is None
	assert validate_regex("(unclosed")


# patterns whose matching time explodes on long text, as managers could write them
RISKY = [
	r"(a+)+",
	r"(a|a)*",
	r"(.*)*",
	r"(a|ab)*c",
	r"(\s?\w+)*$",
	r"(?:a|b|ab)+c",
	r"^(([a-z])+.)+[A-Z]([a-z])+$",
	r"(.*a){12}",
	r"\d+\d+x",
	r".*a.*b",
	r"a.*b.*c",
	r"\w+a\w+b",
	r"\s*\s*x",
]
# everyday triage patterns stay accepted
FINE = [
	r"refund",
	r"order\s*#?\d{4,8}",
	r"\b(urgent|asap)\b",
	r"refund.*late",
	r"\d+-\d+",
	r"\w+@\w+\.\w+",
	r"(foo|bar)+",
	r"https?://\S+",
	r"a[^b]*b.*c",
	r"kündig",
	r"\d{1,12}\d{1,12}x",
	r"colou?r",
	r"(ab)+",
	r"(\w|\d)+",  # one character class to the engine, not an alternation
]


def test_patterns_prone_to_runaway_backtracking_are_refused():
	for pattern in RISKY:
		assert validate_regex(pattern), pattern
	for pattern in FINE:
		assert validate_regex(pattern) is None, (pattern, validate_regex(pattern))
	assert "longer than" in validate_regex("x" * 301)


def test_accepted_patterns_stay_fast_on_hostile_text_and_the_text_is_bounded():
	import time

	hostile = ["a" * 20000, "ab" * 10000, "1-" * 10000, "1" * 20000, "a@" * 10000, "refund " * 3000]
	start = time.perf_counter()
	for pattern in FINE:
		for text in hostile:
			matches({"regex": pattern + "(?!)"}, facts(text=text))  # (?!) never matches: the worst case
	assert time.perf_counter() - start < 10
	tail = "x" * 6000 + "refund"
	assert not matches({"regex": "refund"}, facts(text=tail))  # only the first 5,000 characters are searched
	assert matches({"regex": "refund"}, facts(text="refund " + tail))


def test_a_risky_pattern_saved_before_the_checks_never_runs():
	assert not matches({"regex": r"(a+)+$"}, facts(text="a" * 40 + "!"))
