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


ASKS_IN_PUBLIC = [
	(
		"en",
		"Sorry about that! Could you reply with your order number and the email address you used?",
		["email", "order"],
	),
	("en", "What's your phone number? We'll give you a call.", ["phone"]),
	("en", "Please share your delivery address and we'll send a replacement.", ["address"]),
	(
		"de",
		"Das tut uns leid! Teilen Sie uns bitte Ihre Bestellnummer und Ihre Adresse mit.",
		["address", "order"],
	),
	("de", "Wie lautet Ihre Telefonnummer? Dann rufen wir zurück.", ["phone"]),
	(
		"sv",
		"Förlåt för strulet! Skriv ditt ordernummer och din e-postadress här så kollar vi.",
		["email", "order"],
	),
	("sv", "Vad är ditt telefonnummer?", ["phone"]),
	("nb", "Beklager! Oppgi ordrenummeret og adressen din, så ordner vi det.", ["address", "order"]),
	("nb", "Skriv gjerne kortnummeret her så vi finner betalingen.", ["billing"]),
	("pl", "Przepraszamy! Podaj proszę numer zamówienia i adres e-mail w komentarzu.", ["email", "order"]),
	("pl", "Prosimy o podanie numeru telefonu.", ["phone"]),
	("zh", "非常抱歉！请提供您的订单号和收货地址，我们马上处理。", ["address", "order"]),
	("zh", "请在评论区留下您的手机号。", ["phone"]),
	("en", "Hi! What is the order number?", ["order"]),
	("de", "Hallo! Können Sie uns Ihre Bestellnummer nennen?", ["order"]),
	("sv", "Hej! Vilket ordernummer gäller det?", ["order"]),
	("nb", "Kan du sende oss e-postadressen din?", ["email"]),
]

ASKS_IN_PRIVATE_OR_NOT_AT_ALL = [
	("en", "Sorry about that! Could you DM us your order number and the email address you used?"),
	("en", "Please never post your card number in a comment, not even here."),
	("en", "We'll send you an email as soon as your refund is through."),
	("en", "Your order number is in the confirmation email we sent."),
	("de", "Das tut uns leid! Schicken Sie uns Ihre Bestellnummer bitte per Direktnachricht."),
	("de", "Bitte teilen Sie Ihr Passwort niemals mit anderen."),
	("sv", "Skicka ditt ordernummer i ett DM så kollar vi direkt."),
	("sv", "Dela inte ditt lösenord med någon."),
	("nb", "Send oss ordrenummeret ditt i en privat melding, så ordner vi det."),
	("pl", "Prosimy o podanie numeru zamówienia w wiadomości prywatnej."),
	("pl", "Nigdy nie podawaj nikomu swojego hasła."),
	("zh", "非常抱歉！请私信提供您的订单号，我们马上处理。"),
	("zh", "我们会把发票发送到您的邮箱。"),
	("de", "Wir senden Ihnen die Rechnung an Ihre E-Mail-Adresse."),
	("sv", "Vi har uppdaterat din adress."),
	("nb", "Kan du sende oss et bilde av kvitteringen?"),
]


def test_a_public_request_for_personal_data_is_warned_in_every_language():
	for language, text, kinds in ASKS_IN_PUBLIC:
		checks = check_reply(text, platform="Facebook", mode=PUBLIC, language=language)
		assert codes(checks) == [(WARNING, "pii_request")], (language, text)
		assert all(k in checks[0].message for k in kinds) and "DM" in checks[0].message, (language, text)
		others = {"email", "phone", "address", "password", "order", "billing"} - set(kinds)
		assert not any(k in checks[0].message for k in others), (language, text, checks[0].message)


def test_the_same_request_in_a_dm_or_a_private_reply_is_fine():
	for language, text, _kinds in ASKS_IN_PUBLIC:
		for mode in (DM, PRIVATE):
			assert check_reply(text, platform="Facebook", mode=mode, language=language) == [], (
				language,
				mode,
			)


def test_asking_for_a_dm_or_not_asking_is_not_warned():
	for language, text in ASKS_IN_PRIVATE_OR_NOT_AT_ALL:
		assert check_reply(text, platform="Facebook", mode=PUBLIC, language=language) == [], (language, text)


def test_posted_personal_data_is_reported_once_not_again_as_asked_for():
	checks = check_reply("Send us your password: hunter2000", platform="X", mode=PUBLIC, language="en")
	assert codes(checks) == [(ERROR, "pii_public")]
	checks = check_reply(
		"Is jo@example.com your email address? Please confirm your phone number too.",
		platform="X",
		mode=PUBLIC,
		language="en",
		block_pii_in_public=False,
	)
	assert codes(checks) == [(WARNING, "pii_public"), (WARNING, "pii_request")]
	assert "phone" in checks[1].message and "email" not in checks[1].message
