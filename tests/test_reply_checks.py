from social_support.analysis.reply_checks import ERROR, WARNING, check_reply, signature, with_signature
from social_support.platforms.limits import DM, LIMITS, PRIVATE, PUBLIC, modes


def codes(checks):
	return [(c.level, c.code) for c in checks]


def test_every_platform_and_mode_refuses_one_character_over_its_limit():
	for (platform, mode), limit in LIMITS.items():
		assert check_reply("x" * limit, platform=platform, mode=mode) == [], (platform, mode)
		assert codes(check_reply("x" * (limit + 1), platform=platform, mode=mode)) == [(ERROR, "too_long")]
	# X has no private replies to a comment; Meta has all three ways
	assert modes("X") == [PUBLIC, DM]
	assert codes(check_reply("hi", platform="X", mode=PRIVATE)) == [(ERROR, "mode")]
	assert sorted(modes("Facebook")) == sorted(modes("Instagram")) == sorted([PUBLIC, DM, PRIVATE])


def test_length_and_mode():
	assert codes(check_reply("x" * 281, platform="X", mode=PUBLIC)) == [(ERROR, "too_long")]
	assert check_reply("x" * 280, platform="X", mode=PUBLIC) == []
	assert check_reply("x" * 5000, platform="X", mode=DM) == []
	assert codes(check_reply("hi", platform="X", mode=PRIVATE)) == [(ERROR, "mode")]
	assert codes(check_reply("   ", platform="X", mode=PUBLIC)) == [(ERROR, "empty")]


def test_pii_in_public_blocks_or_warns_and_is_fine_in_private():
	text = "Call us back on +44 7700 900123 or mail jo@example.com"
	assert (ERROR, "pii_public") in codes(check_reply(text, platform="Facebook", mode=PUBLIC))
	assert (WARNING, "pii_public") in codes(
		check_reply(text, platform="Facebook", mode=PUBLIC, block_pii_in_public=False)
	)
	assert check_reply(text, platform="Facebook", mode=DM) == []


def test_tone_in_several_languages():
	assert (WARNING, "tone") in codes(
		check_reply("Just restart it", platform="X", mode=PUBLIC, language="en")
	)
	assert (WARNING, "tone") in codes(
		check_reply("Starten Sie einfach neu", platform="X", mode=PUBLIC, language="de")
	)
	assert (WARNING, "tone") in codes(
		check_reply("Po prostu uruchom ponownie", platform="X", mode=PUBLIC, language="pl")
	)


def test_signature():
	assert signature("Initials", "Sam Berg") == "^SB"
	assert signature("First Name", "Sam Berg") == "^Sam"
	assert signature("None", "Sam Berg") == ""
	assert with_signature("Thanks! ", "^SB") == "Thanks! ^SB"
	assert with_signature("Thanks! ^SB", "^SB") == "Thanks! ^SB"


def test_greeting_check_by_setting():
	assert check_reply("Your parcel ships today", platform="X", mode=PUBLIC, require_greeting=False) == []
	assert codes(
		check_reply("Your parcel ships today", platform="X", mode=PUBLIC, require_greeting=True)
	) == [(WARNING, "greeting")]
	assert (
		check_reply(
			"@carla Hi Carla, your parcel ships today", platform="X", mode=PUBLIC, require_greeting=True
		)
		== []
	)
	assert (
		check_reply(
			"Hej Erik! Paketet skickas idag", platform="X", mode=PUBLIC, language="sv", require_greeting=True
		)
		== []
	)
	assert (
		check_reply(
			"Dzień dobry, paczka wyjdzie dziś",
			platform="X",
			mode=PUBLIC,
			language="pl",
			require_greeting=True,
		)
		== []
	)
	assert (
		check_reply("您好，包裹今天发出", platform="X", mode=PUBLIC, language="zh", require_greeting=True)
		== []
	)
