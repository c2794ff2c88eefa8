"""Reply limits per platform and mode (characters), in one place."""

from __future__ import annotations

from .base import FACEBOOK, INSTAGRAM, WHATSAPP, OutboundImage, X
from .meta.client import image_problem as meta_image_problem
from .meta.constants import CHAR_LIMITS as META
from .whatsapp.constants import CHAR_LIMITS as WA
from .whatsapp.constants import SERVICE_WINDOW_HOURS
from .x.client import image_problem as x_image_problem
from .x.constants import CHAR_LIMITS as XL

PUBLIC, DM, PRIVATE = "Public Reply", "Direct Message", "Private Reply"
POST = "Post"

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


def image_refusal(
	platform: str, mode: str, image: OutboundImage | None = None, login: str | None = None
) -> str | None:
	"""Why an image cannot go with a reply of this mode on this platform (a sentence for the agent),
	or None when it can. ``image``: also its type and size against the platform's limits; ``login``:
	an Instagram channel's login (Instagram Login channels upload no message images)."""
	if platform == X:
		if mode not in (PUBLIC, DM, POST):
			return "X has no private replies; an image goes with a public reply, a post or a DM"
		return x_image_problem(image) if image is not None else None
	if platform in (FACEBOOK, INSTAGRAM):
		short = {PUBLIC: "public", DM: "dm", PRIVATE: "private", POST: "post"}.get(mode, mode)
		return meta_image_problem(platform, short, image, login)
	return f"{platform} replies carry no images in this app"
