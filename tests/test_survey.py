import pytest

from social_support.analysis.survey import (
	CHOICE,
	NPS,
	RATING,
	TEXT,
	AnswerError,
	Question,
	hash_token,
	new_token,
	rating_from_text,
	same_hash,
	validate_answers,
)

QUESTIONS = [
	Question("satisfaction", RATING, required=True),
	Question("timeliness", RATING),
	Question("nps", NPS),
	Question("improve", TEXT),
	Question("networks", CHOICE, options=("X", "Facebook", "Instagram")),
]


def test_tokens_are_long_random_and_only_the_hash_is_kept():
	token, digest = new_token()
	assert len(token) >= 43  # 32 bytes, base64url
	assert digest == hash_token(token) and token not in digest and len(digest) == 64
	assert same_hash(digest, hash_token(token)) and not same_hash(digest, hash_token(token + "x"))
	assert len({new_token()[0] for _ in range(200)}) == 200


def test_valid_answers_are_cleaned():
	clean = validate_answers(
		{"satisfaction": "5", "nps": 9, "improve": "  faster  ", "networks": ["X", "Instagram", "X"]},
		QUESTIONS,
	)
	assert clean == {"satisfaction": 5, "nps": 9, "improve": "faster", "networks": ["X", "Instagram"]}


@pytest.mark.parametrize(
	"answers,message",
	[
		({"satisfaction": 6}, "from 1 to 5"),
		({"satisfaction": 0}, "from 1 to 5"),
		({"satisfaction": 4.5}, "from 1 to 5"),
		({"satisfaction": "five"}, "from 1 to 5"),
		({"satisfaction": 4, "nps": 11}, "from 0 to 10"),
		({"satisfaction": 4, "networks": ["MySpace"]}, "not one of the options"),
		({"satisfaction": 4, "bogus": 1}, "unknown question"),
		({"timeliness": 3}, "satisfaction is required"),
		([], "object"),
	],
)
def test_invalid_answers_are_refused(answers, message):
	with pytest.raises(AnswerError) as e:
		validate_answers(answers, QUESTIONS)
	assert message in str(e.value)


@pytest.mark.parametrize(
	"text,rating",
	[
		("5", 5),
		(" 4 ", 4),
		("3/5", 3),
		("4 of 5", 4),
		("⭐⭐⭐⭐", 4),
		("★★", 2),
		("4️⃣", 4),
		("５", 5),
		("2!", 2),
		("5分", 5),
	],
)
def test_rating_in_a_message(text, rating):
	assert rating_from_text(text) == rating


@pytest.mark.parametrize(
	"text", ["6", "0", "45", "my order 5 is late", "5 stars but the app crashed", "", None, "⭐⭐⭐⭐⭐⭐"]
)
def test_not_a_rating(text):
	assert rating_from_text(text) is None
