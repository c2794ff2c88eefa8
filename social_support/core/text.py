"""Turning outside text and times into what Frappe stores.

Every writer of outside text (the item pipeline, profiles and contacts, the outbound Social
Message) stores it through :func:`clean_text`: plain text, inert in HTML, size-limited (the
rule lives in the pure ``platforms.base`` so the parsers' tests exercise the same code).
Anything that turns stored text into HTML escapes it (:func:`to_html`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import escape_html

from social_support.platforms.base import MAX_TEXT, clean_text

__all__ = [
	"MAX_TEXT",
	"clean_text",
	"media_html",
	"message_html",
	"subject_from",
	"to_html",
	"to_system_time",
]

# http(s) only: a customer's "javascript:" or "data:" link stays text
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}*"


def to_html(text: str | None) -> str:
	"""Customer text as safe HTML: everything escaped, http(s) links clickable, line breaks kept."""
	raw = clean_text(text)
	out, pos = [], 0
	for m in _URL.finditer(raw):
		url = m.group(0).rstrip(_URL_TRAILING)
		if len(url) <= len("https://"):
			continue
		out.append(escape_html(raw[pos : m.start()]))
		href = escape_html(url)
		out.append(f'<a href="{href}" rel="nofollow noopener noreferrer" target="_blank">{href}</a>')
		pos = m.start() + len(url)
	out.append(escape_html(raw[pos:]))
	return "".join(out).replace("\n", "<br>")


MEDIA_LABELS = {
	"image": "Photo",
	"video": "Video",
	"audio": "Voice message or audio",
	"document": "Document",
	"sticker": "Sticker",
	"file": "Attachment",
}


def _media_rows(media) -> list[dict]:
	if isinstance(media, str):
		try:
			media = json.loads(media or "[]")
		except ValueError:
			return []
	return [m for m in media or [] if isinstance(m, dict)]


def media_html(media) -> str:
	"""A message's media as safe HTML for the ticket timeline: images as previews, the rest as links.

	The desk loads nothing from outside on its own: a preview (``<img>``) is only ever a file of this
	site (``file_url`` under ``/private/files/``, downloaded by ``ingest/media``), which needs a login
	to be read. Media not downloaded are links to the platform's media host (the only URLs
	``platforms.base.clean_media`` keeps) that the agent chooses to open, without a referrer. Every
	attribute is escaped; captions, names and errors are text.
	"""
	out = []
	for m in _media_rows(media):
		kind = m.get("kind") if m.get("kind") in MEDIA_LABELS else "file"
		local = m.get("file_url") if str(m.get("file_url") or "").startswith("/private/files/") else None
		remote = m.get("url") if str(m.get("url") or "").startswith(("https://", "http://")) else None
		href = local or remote
		label = frappe._(MEDIA_LABELS[kind])
		name = m.get("file_name") or m.get("caption")
		text = escape_html(f"{label}: {name}" if name else label)
		if not href:
			out.append(f'<span class="social-media social-media-{kind}">{text}</span>')
			continue
		link = f'<a href="{escape_html(href)}" rel="nofollow noopener noreferrer" target="_blank"'
		if local and kind in ("image", "sticker"):
			out.append(
				f'{link} class="social-media social-media-{kind}"><img src="{escape_html(local)}" alt="{text}" '
				'style="max-width: 240px; max-height: 240px;"></a>'
			)
		else:
			out.append(f'{link} class="social-media social-media-{kind}">{text}</a>')
		if m.get("error"):
			out.append(f'<small class="text-muted">{escape_html(str(m["error"])[:200])}</small>')
	return '<div class="social-media-list">' + " ".join(out) + "</div>" if out else ""


def message_html(text: str | None, media=None) -> str:
	"""A message's words (:func:`to_html`) and its media (:func:`media_html`); "(attachment)" when
	it has neither (a platform sent something the app cannot show)."""
	html = to_html(text) + media_html(media)
	return html or escape_html(frappe._("(attachment)"))


def subject_from(text: str | None, fallback: str, limit: int = 120) -> str:
	line = clean_text(text, single_line=True, limit=MAX_TEXT)
	if not line:
		return fallback
	return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def to_system_time(dt: datetime) -> datetime:
	"""Aware datetime -> naive datetime in the site's time zone (how Frappe stores Datetime)."""
	if dt.tzinfo is None:
		dt = dt.replace(tzinfo=timezone.utc)
	tz = ZoneInfo(frappe.utils.get_system_timezone() or "UTC")
	return dt.astimezone(tz).replace(tzinfo=None)
