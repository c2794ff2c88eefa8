"""How WhatsApp serves media: by id. ``GET /{media-id}`` with the number's bearer token answers a
short-lived URL on WhatsApp's media host (``lookaside.fbsbx.com``), which is downloaded with the
same bearer token. The token goes only to that URL's origin (``platforms/media.fetch`` sends the
headers to the first URL only and never across a redirect)."""

from __future__ import annotations

from ..base import BadRequest, Media
from ..media import MediaRequest
from .client import resolve_media


def media_request(config, media: Media) -> MediaRequest:
	token = config.credentials.get("access_token") or ""
	if not media.media_id:
		raise BadRequest("a WhatsApp medium without its media id cannot be fetched")
	found = resolve_media(
		media.media_id,
		token,
		api_base_url=config.api_base_url,
		version=getattr(config, "graph_version", None),
		timeout=config.timeout,
	)
	return MediaRequest(found["url"], headers={"Authorization": f"Bearer {token}"})
