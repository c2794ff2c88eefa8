"""Reply limits per platform and mode (characters), in one place."""

from __future__ import annotations

from .base import FACEBOOK, INSTAGRAM, WHATSAPP, X
from .meta.constants import CHAR_LIMITS as META
from .whatsapp.constants import CHAR_LIMITS as WA
from .whatsapp.constants import SERVICE_WINDOW_HOURS
from .x.constants import CHAR_LIMITS as XL

PUBLIC, DM, PRIVATE = "Public Reply", "Direct Message", "Private Reply"

LIMITS = {
	(X, PUBLIC): XL["post"],
	(X, DM): XL["dm"],
	(FACEBOOK, PUBLIC): META["facebook_comment"],
	(FACEBOOK, DM): META["messenger"],
	(FACEBOOK, PRIVATE): META["messenger"],
	(INSTAGRAM, PUBLIC): META["instagram_comment"],
	(INSTAGRAM, DM): META["instagram_dm"],
	(INSTAGRAM, PRIVATE): META["instagram_dm"],
	(WHATSAPP, DM): WA["text"],
}

# hours after the customer's last message in which a free-form message may be sent
MESSAGING_WINDOW_HOURS = {FACEBOOK: 24, INSTAGRAM: 24, WHATSAPP: SERVICE_WINDOW_HOURS}


def char_limit(platform: str, mode: str) -> int | None:
	return LIMITS.get((platform, mode))


def messaging_window_hours(platform: str) -> int | None:
	return MESSAGING_WINDOW_HOURS.get(platform)


def modes(platform: str) -> list[str]:
	return [m for (p, m) in LIMITS if p == platform]
