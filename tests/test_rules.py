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
