"""Tone warnings: words that play the problem down warn, the same words in ordinary phrases do not."""

import json

import pytest

from social_support.analysis.reply_checks import WARNING, check_reply
from social_support.analysis.tone import tone_warnings
from social_support.devtools.tone_eval import DATA, MIN_DISMISSIVE, MIN_GOOD, evaluate, failures
from social_support.platforms.limits import DM, PUBLIC

LANGUAGES = {"en", "de", "sv", "nb", "pl", "zh"}

ORDINARY = [
	("en", "I just checked and your parcel left just now."),
	("en", "Just a quick update: the refund is through. If anything looks off, just let us know."),
	("en", "We've just shipped the replacement, just in time for the weekend."),
	("de", "Das ist gerade nicht einfach für Sie, wir kümmern uns darum."),
	("de", "Falls die Gutschrift fehlt, geben Sie uns einfach Bescheid."),
	("sv", "Det är inte bara du, vi jobbar på det just nu."),
	("sv", "Koden gäller bara ordinarie varor. Hör bara av dig om något krånglar."),
	("nb", "Bare hyggelig! Ha en fin dag."),
	("nb", "Koden gjelder bare ordinære varer, bare si fra om du trenger noe mer."),
	("pl", "To po prostu nie powinno się zdarzyć, przepraszamy."),
	("pl", "Oczywiście zwrócimy pieniądze."),
	("zh", "我们当然会为您退款。"),
	("zh", "只要订单还没有发货，我们都可以帮您修改。"),
]

DISMISSIVE = [
	("en", "Just restart the app.", "just"),
	("en", "You simply need to clear the cache.", "simply"),
	("en", "Obviously the parcel will come.", "obviously"),
	("de", "Starten Sie die App einfach neu.", "einfach"),
	("de", "Sie müssen nur den Cache leeren.", "sie müssen nur"),
	("sv", "Du behöver bara starta om appen.", "bara"),
	("nb", "Du må bare starte appen på nytt.", "bare"),
	("pl", "Po prostu uruchom aplikację ponownie.", "po prostu"),
	("pl", "Wystarczy wyczyścić pamięć podręczną.", "wystarczy"),
	("zh", "重启一下应用就行了。", "就行"),
	("zh", "您显然输错了密码。", "显然"),
]


@pytest.mark.parametrize(("language", "text"), ORDINARY)
def test_ordinary_uses_do_not_warn(language, text):
	assert tone_warnings(text, language) == []


@pytest.mark.parametrize(("language", "text", "word"), DISMISSIVE)
def test_words_that_play_the_problem_down_warn(language, text, word):
	assert word in tone_warnings(text, language)


def test_english_words_are_not_looked_for_in_a_reply_in_another_language():
	assert tone_warnings("Vi jobbar på det just nu.", "sv") == []
	# a short reply whose language is unclear is read in every language
	assert tone_warnings("Po prostu restart.", "und") == ["po prostu"]


def test_the_gate_warns_in_public_and_in_private_alike():
	for mode in (PUBLIC, DM):
		warned = check_reply("Just restart the app.", platform="X", mode=mode, language="en")
		assert [(c.level, c.code) for c in warned] == [(WARNING, "tone")]
		assert check_reply("I just checked your order.", platform="X", mode=mode, language="en") == []


def test_labelled_replies_are_many_varied_and_in_every_language():
	for lang in LANGUAGES:
		rows = [json.loads(x) for x in (DATA / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()]
		texts = [r["text"] for r in rows]
		assert len(set(texts)) == len(texts), lang
		assert sum(not r["dismissive"] for r in rows) >= MIN_GOOD, lang
		assert sum(r["dismissive"] for r in rows) >= MIN_DISMISSIVE, lang


def test_labelled_set_meets_the_goals_in_every_language():
	results = evaluate(DATA)
	assert set(results) == LANGUAGES | {"overall"}
	for lang in LANGUAGES:
		assert results[lang]["fp_rate"] < 0.05, (lang, results[lang]["misses"])
		assert results[lang]["tp_rate"] >= 0.9, (lang, results[lang]["misses"])
	assert failures(results) == []
