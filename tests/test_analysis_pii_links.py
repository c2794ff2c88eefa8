"""A link is not personal data: the digits of a post id in a URL are never read as a phone or card."""

import random

from social_support.analysis.pii import detect_pii


def test_post_links_are_not_phones_or_cards():
	rng = random.Random(7)
	for _ in range(600):
		post_id = str(rng.randrange(10**15, 10**19))
		for text in (
			f"Hi Anna, we know about this problem. Updates here: https://x.com/brand/status/{post_id}",
			f"Status: www.facebook.com/1001_{post_id}",
		):
			assert detect_pii(text, "en") == [], text


def test_numbers_outside_links_are_still_found():
	kinds = [s.kind for s in detect_pii("Call me on +46 70 123 45 67, see https://x.com/b/status/1", "sv")]
	assert kinds == ["phone"]
	kinds = [s.kind for s in detect_pii("card 4111 1111 1111 1111 https://x.com/b/status/4111111111111111")]
	assert kinds == ["card"]
