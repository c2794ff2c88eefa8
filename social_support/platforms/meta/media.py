"""How Meta serves media: attachment and photo URLs on its CDN (``*.fbcdn.net``,
``lookaside.fbsbx.com``, ``*.cdninstagram.com``) carry their own signature; the Page or Instagram
token is never sent there."""

from __future__ import annotations

from ..base import Media
from ..media import MediaRequest


def media_request(config, media: Media) -> MediaRequest:
	return MediaRequest(media.url or "")
