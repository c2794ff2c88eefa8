"""Downloading a message's media: only from the platform's media hosts, within limits, typed by its bytes.

Each platform family says how one of its media is fetched (``media_request(config, media)`` in
``x/media.py`` and ``meta/media.py``): the URL, and the credentials the platform requires there (X
signs DM media on ton.twitter.com with the account's OAuth 1 token; Meta's CDN URLs carry their own
signature and get no token). A platform that serves media by id through its API (WhatsApp:
``GET /{media-id}`` answers a URL that is downloaded with the bearer token) resolves the id in its
own ``media_request`` and returns the URL with that header; :func:`fetch` then does the rest the
same way for everyone:

- the URL is checked again (``base.clean_media_url``: the platform's media hosts, or the sandbox's
  media path when the channel talks to the sandbox);
- redirects are followed by hand, at most :data:`MAX_REDIRECTS`, each target checked the same way,
  and credentials are only ever sent to the first URL's origin;
- the answer must be 200; its ``Content-Length`` and then the bytes as they stream are held to
  ``max_bytes``; its ``Content-Type`` must be allowed, and so must the type its first bytes show
  (:func:`sniff`), which is the type recorded. What the payload said about the type is never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests

from .base import Media, Origin, clean_media_url, clean_mime_type, url_origin

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
TIMEOUT = 30.0


@dataclass
class MediaRequest:
	"""Where one medium is downloaded from and with what (an Authorization header, an auth object)."""

	url: str
	headers: dict[str, str] = field(default_factory=dict)
	auth: Any = None  # a requests auth (X: OAuth 1 for DM media)


@dataclass
class Downloaded:
	data: bytes
	mime_type: str  # from the bytes (sniff), among the allowed types
	size: int


class MediaRefused(Exception):
	"""A medium that is not downloaded, and why (recorded on the message)."""


# file signatures: first bytes -> the types they can be (the Content-Type picks among them)
_SIGNATURES: list[tuple[int, bytes, tuple[str, ...]]] = [
	(0, b"\xff\xd8\xff", ("image/jpeg",)),
	(0, b"\x89PNG\r\n\x1a\n", ("image/png",)),
	(0, b"GIF87a", ("image/gif",)),
	(0, b"GIF89a", ("image/gif",)),
	(0, b"BM", ("image/bmp",)),
	(0, b"%PDF-", ("application/pdf",)),
	(0, b"OggS", ("audio/ogg", "video/ogg", "application/ogg", "audio/opus")),
	(0, b"ID3", ("audio/mpeg",)),
	(0, b"#!AMR", ("audio/amr",)),
	(0, b"\x1aE\xdf\xa3", ("video/webm", "audio/webm")),
	(4, b"ftyp", ("video/mp4", "audio/mp4", "audio/x-m4a", "audio/aac", "video/quicktime", "video/3gpp")),
	(
		0,
		b"PK\x03\x04",
		(
			"application/zip",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		),
	),
]
EXTENSIONS = {
	"image/jpeg": "jpg",
	"image/png": "png",
	"image/gif": "gif",
	"image/webp": "webp",
	"image/bmp": "bmp",
	"video/mp4": "mp4",
	"video/quicktime": "mov",
	"video/webm": "webm",
	"video/3gpp": "3gp",
	"audio/mpeg": "mp3",
	"audio/mp4": "m4a",
	"audio/x-m4a": "m4a",
	"audio/aac": "aac",
	"audio/ogg": "ogg",
	"audio/opus": "opus",
	"audio/wav": "wav",
	"audio/amr": "amr",
	"audio/webm": "weba",
	"application/pdf": "pdf",
	"application/zip": "zip",
}


def sniff(head: bytes) -> tuple[str, ...]:
	"""The types the first bytes of a file can be; () when they say nothing known."""
	if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
		return ("image/webp",)
	if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
		return ("audio/wav", "audio/x-wav")
	if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
		return ("audio/mpeg",)
	if head[:2] in (b"\xff\xf1", b"\xff\xf9"):
		return ("audio/aac",)
	for offset, magic, types in _SIGNATURES:
		if head[offset : offset + len(magic)] == magic:
			return types
	return ()


def file_name_for(media: Media, mime_type: str, index: int) -> str:
	"""The name a downloaded medium is stored under: the platform's (already defused) name, else
	``<kind>-<media id or position>.<extension of the type its bytes show>``."""
	if media.file_name:
		return media.file_name
	ext = EXTENSIONS.get(mime_type, "bin")
	ident = "".join(ch for ch in (media.media_id or str(index + 1)) if ch.isalnum() or ch in "_-")[:40]
	return f"{media.kind}-{ident}.{ext}"


def fetch(
	request: MediaRequest,
	*,
	platform: str,
	sandbox_origin: Origin | None,
	max_bytes: int,
	allowed_types: list[str] | tuple[str, ...],
	timeout: float = TIMEOUT,
	session: requests.Session | None = None,
) -> Downloaded:
	"""Download one medium under the rules above, or raise :class:`MediaRefused` saying why."""
	allowed = {t for t in (clean_mime_type(a) for a in allowed_types) if t}
	url = clean_media_url(platform, request.url, sandbox_origin=sandbox_origin)
	if not url:
		raise MediaRefused("not on the platform's media hosts; not downloaded")
	first = url_origin(url)
	http = session or requests.Session()
	for _hop in range(MAX_REDIRECTS + 1):
		same = url_origin(url) == first
		resp = http.get(
			url,
			headers=request.headers if same else {},
			auth=request.auth if same else None,
			stream=True,
			allow_redirects=False,
			timeout=timeout,
		)
		if not resp.is_redirect:
			break
		target = urljoin(url, resp.headers.get("Location") or "")
		resp.close()
		url = clean_media_url(platform, target, sandbox_origin=sandbox_origin)
		if not url:
			raise MediaRefused("the media host redirected to a host that is not the platform's; not followed")
	else:
		raise MediaRefused(f"more than {MAX_REDIRECTS} redirects; not followed")
	with resp:
		if resp.status_code != 200:
			hint = (
				" (the platform refused the download; the channel's token may be needed)"
				if resp.status_code in (401, 403)
				else ""
			)
			raise MediaRefused(f"the media host answered HTTP {resp.status_code}{hint}")
		declared = clean_mime_type(resp.headers.get("Content-Type"))
		if declared not in allowed:
			raise MediaRefused(f"type {declared or 'unknown'} is not among the allowed media types")
		try:
			length = int(resp.headers.get("Content-Length") or 0)
		except ValueError:
			length = 0
		if length > max_bytes:
			raise MediaRefused(f"{length} bytes is more than the limit of {max_bytes} bytes")
		chunks, size = [], 0
		for chunk in resp.iter_content(CHUNK):
			size += len(chunk)
			if size > max_bytes:
				raise MediaRefused(f"more than the limit of {max_bytes} bytes; the download was stopped")
			chunks.append(chunk)
	data = b"".join(chunks)
	kinds = sniff(data[:64])
	fits = [t for t in kinds if t in allowed]
	if not fits:
		raise MediaRefused(
			f"its bytes are {'/'.join(kinds[:2]) if kinds else 'of no known type'}, not an allowed media type"
		)
	return Downloaded(data, declared if declared in fits else fits[0], size)
