"""The email addresses and phone numbers a customer writes, normalized to find the Contact they belong to."""

from social_support.analysis.pii import contact_details, normalize_phone


def test_emails_are_found_lower_cased_once_each():
	details = contact_details("It is Carla.Customer@Example.com (carla.customer@example.com) or c@b.co")
	assert details.emails == ["carla.customer@example.com", "c@b.co"]
	assert details.phones == []


def test_phones_in_any_writing_become_the_same_number():
	written = ["+49 151 12345678", "0151 12345678", "(0151) 123-45678", "+49-151-1234-5678"]
	assert {normalize_phone(w, "de") for w in written} == {"+4915112345678"}
	assert contact_details("ruf mich an: 0151 12345678", "de").phones == ["+4915112345678"]
	assert contact_details("ring 070-123 45 67", "sv").phones == ["+46701234567"]


def test_order_numbers_and_short_digits_are_not_phones():
	assert contact_details("my order 5512 and order #123456789 are late").phones == []
	assert normalize_phone("12") is None
	assert normalize_phone("") is None
	assert normalize_phone(None) is None


def test_a_message_without_details_has_none():
	details = contact_details("the zip broke after a day")
	assert (details.emails, details.phones) == ([], [])
	assert contact_details(None).emails == []
