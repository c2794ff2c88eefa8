"""Personal data in a message: email, phone, card (Luhn), IBAN (checksum), password, street address."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn

from .lexicon import lexicon

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
# a link is not personal data: the digits of a post id in a URL are no phone or card number
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
REGIONS = {
	"en": ["US", "GB"],
	"de": ["DE", "AT", "CH"],
	"sv": ["SE"],
	"nb": ["NO"],
	"pl": ["PL"],
	"zh": ["CN"],
}
DEFAULT_REGIONS = ["US", "GB", "DE", "SE", "NO", "PL", "CN"]
# a number right after these words is an order, parcel or customer number, not a phone
NOT_PHONE_BEFORE = re.compile(
	r"(?:#|order|nr\.?|no\.?|number|bestellung|sendungsnummer|ordernummer|order|kollinummer|sporingsnummer|ordre|zamówienie|przesyłki|订单|单号|ticket|case|invoice|rechnung)\s*:?\s*$",
	re.IGNORECASE,
)
PASSWORD_VALUE = re.compile(
	r"^\s*(?:is|was|ist|lautet|är|er|to|jest|是|:|=|：)\s*[:：]?\s*\S{4,}", re.IGNORECASE
)


@dataclass
class PiiSpan:
	kind: str
	start: int
	end: int


def _overlaps(spans: list[PiiSpan], start: int, end: int) -> bool:
	return any(s.start < end and start < s.end for s in spans)


def detect_pii(text: str, language: str | None = None) -> list[PiiSpan]:
	spans: list[PiiSpan] = []
	links = [PiiSpan("link", m.start(), m.end()) for m in URL.finditer(text)]
	for m in EMAIL.finditer(text):
		spans.append(PiiSpan("email", m.start(), m.end()))
	for m in IBAN.finditer(text):
		if std_iban.is_valid(m.group(0)):
			spans.append(PiiSpan("iban", m.start(), m.end()))
	for m in CARD.finditer(text):
		digits = re.sub(r"\D", "", m.group(0))
		if (
			13 <= len(digits) <= 19
			and luhn.is_valid(digits)
			and not _overlaps(spans + links, m.start(), m.end())
		):
			before = text[max(0, m.start() - 20) : m.start()]
			# the digits of an IBAN with a bad checksum are not a card either
			if not NOT_PHONE_BEFORE.search(before) and not re.search(r"[A-Z]{2}\d{2}\s?$", before):
				spans.append(PiiSpan("card", m.start(), m.end()))
	spans.extend(_phones(text, language, spans + links))
	spans.extend(_passwords(text, language))
	spans.extend(_addresses(text, language))
	return sorted(spans, key=lambda s: s.start)


def _phones(text: str, language: str | None, taken: list[PiiSpan]) -> list[PiiSpan]:
	found: list[PiiSpan] = []
	regions = REGIONS.get(language or "", []) + [
		r for r in DEFAULT_REGIONS if r not in REGIONS.get(language or "", [])
	]
	for region in regions:
		for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
			if _overlaps(taken + found, m.start, m.end):
				continue
			if NOT_PHONE_BEFORE.search(text[max(0, m.start - 20) : m.start]):
				continue
			digits = re.sub(r"\D", "", m.raw_string)
			if len(digits) < 7:
				continue
			found.append(PiiSpan("phone", m.start, m.end))
		if found and not text.count("+") > len(found):
			break
	return found


def _passwords(text: str, language: str | None) -> list[PiiSpan]:
	"""A password term with a value after it (disclosed) or a request verb near it (asked for)."""
	lower = text.lower()
	out = []
	for lang in dict.fromkeys([language, "en"]):
		lex = lexicon(lang) if lang else None
		if not lex:
			continue
		for term in lex.m["password"].all_substrings or sorted(
			lex.m["password"].words | set(lex.m["password"].prefixes)
		):
			start = lower.find(term)
			while start != -1:
				end = start + len(term)
				# the word itself may be inflected (lösenordet, passordet, hasło): skip to its end
				while end < len(lower) and lower[end].isalpha() and not lex.m["password"].substring:
					end += 1
				before = lower[max(0, start - 40) : start]
				disclosed = PASSWORD_VALUE.match(lower[end : end + 40]) or re.match(
					r"^\s*(?:mitt|min|my|mein)\s", lower[end:]
				)
				cues = lex.m["password_cues"].all_substrings or [
					c
					for c in lex.m["password_cues"].words | set(lex.m["password_cues"].prefixes)
					if len(c) > 2
				]
				asked = any(c in before or c in lower[end : end + 25] for c in cues)
				if disclosed or asked:
					out.append(PiiSpan("password", start, end))
					break
				start = lower.find(term, end)
			if out:
				return out
	return out


def _addresses(text: str, language: str | None) -> list[PiiSpan]:
	out = []
	for lang in dict.fromkeys([language, "en"]):
		lex = lexicon(lang) if lang else None
		if not lex:
			continue
		for pattern in lex.address:
			for m in pattern.finditer(text):
				out.append(PiiSpan("address", m.start(), m.end()))
		if out:
			break
	return out


@dataclass
class ContactDetails:
	"""Email addresses and phone numbers a customer wrote, normalized for matching a Contact."""

	emails: list[str]
	phones: list[str]  # E.164 ("+4915112345678")


def contact_details(text: str | None, language: str | None = None) -> ContactDetails:
	"""The emails (lower-cased) and phone numbers (E.164) in a message, in order, without repeats."""
	text = text or ""
	emails: list[str] = []
	phones: list[str] = []
	for span in detect_pii(text, language):
		value = text[span.start : span.end]
		if span.kind == "email":
			value = value.lower()
			if value not in emails:
				emails.append(value)
		elif span.kind == "phone":
			e164 = normalize_phone(value, language)
			if e164 and e164 not in phones:
				phones.append(e164)
	return ContactDetails(emails, phones)


def normalize_phone(raw: str | None, language: str | None = None) -> str | None:
	"""A phone number as E.164, read in the language's regions first; None when it is no valid number."""
	raw = (raw or "").strip()
	if not raw:
		return None
	regions = REGIONS.get(language or "", []) + [
		r for r in DEFAULT_REGIONS if r not in REGIONS.get(language or "", [])
	]
	for region in regions:
		try:
			number = phonenumbers.parse(raw, region)
		except phonenumbers.NumberParseException:
			continue
		if phonenumbers.is_valid_number(number):
			return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
	return None
