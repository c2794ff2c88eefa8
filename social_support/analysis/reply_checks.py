"""Checks on an agent's reply before it is queued (pure): length, personal data in public (posted or
asked for), tone."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from social_support.platforms.limits import DM, PUBLIC, char_limit

from .data_requests import requested_data
from .lexicon import lexicon
from .pii import detect_pii
from .text import normalize
from .tone import tone_warnings

ERROR, WARNING = "error", "warning"


@dataclass
class Check:
	level: str
	code: str
	message: str

	def to_dict(self) -> dict:
		return asdict(self)


def has_greeting(text: str, language: str | None = None) -> bool:
	"""A greeting or a thank-you near the start (after an @handle), in the reply's language or English."""
	start = normalize(" ".join(w for w in (text or "").split() if not w.startswith("@"))[:60])
	for lang in dict.fromkeys([language, "en"]):
		lex = lexicon(lang) if lang and lang != "und" else None
		if lex and lex.m["greetings"].hits(start):
			return True
	return False


def signature(style: str | None, full_name: str | None) -> str:
	"""``^SB`` (initials) or ``^Sam`` (first name), by setting; empty when off or unknown."""
	names = (full_name or "").split()
	if not names or style in (None, "", "None"):
		return ""
	if style == "First Name":
		return f"^{names[0]}"
	return "^" + "".join(n[0].upper() for n in names[:3])


def with_signature(text: str, sig: str) -> str:
	text = (text or "").rstrip()
	return f"{text} {sig}" if sig and not text.endswith(sig) else text


def check_reply(
	text: str,
	*,
	platform: str,
	mode: str,
	block_pii_in_public: bool = True,
	language: str | None = None,
	require_greeting: bool = False,
) -> list[Check]:
	checks: list[Check] = []
	body = (text or "").strip()
	if not body:
		return [Check(ERROR, "empty", "The reply is empty.")]
	limit = char_limit(platform, mode)
	if limit is None:
		checks.append(Check(ERROR, "mode", f"{platform} does not support {mode.lower()}s."))
	elif len(body) > limit:
		checks.append(
			Check(
				ERROR, "too_long", f"{len(body)} characters; {platform} allows {limit} in a {mode.lower()}."
			)
		)
	if mode == PUBLIC:
		kinds = sorted({s.kind for s in detect_pii(body, language)})
		if kinds:
			level = ERROR if block_pii_in_public else WARNING
			checks.append(
				Check(
					level,
					"pii_public",
					"Personal data in a public reply ({}). Move the conversation to a private message.".format(
						", ".join(kinds)
					),
				)
			)
		# asking the customer to post their data here: kinds already reported above are not repeated
		asked = [k for k in requested_data(body, language) if k not in kinds]
		if asked:
			checks.append(
				Check(
					WARNING,
					"pii_request",
					"Asks for {} in a public reply: ask the customer to send it in a DM instead.".format(
						", ".join(asked)
					),
				)
			)
	if require_greeting and not has_greeting(body, language):
		checks.append(Check(WARNING, "greeting", "No greeting: open with the customer's name or a hello."))
	for word in tone_warnings(body, language):
		checks.append(Check(WARNING, "tone", f'"{word}" can sound dismissive.'))
	return checks


__all__ = ["DM", "ERROR", "PUBLIC", "WARNING", "Check", "check_reply", "signature", "with_signature"]
