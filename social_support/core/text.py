"""Turning outside text and times into what Frappe stores.

Every writer of outside text (the item pipeline, profiles and contacts, the outbound Social
Message) stores it through :func:`clean_text`: plain text, inert in HTML, size-limited (the
rule lives in the pure ``platforms.base`` so the parsers' tests exercise the same code).
Anything that turns stored text into HTML escapes it (:func:`to_html`).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import escape_html

from social_support.platforms.base import MAX_TEXT, clean_text

__all__ = ["MAX_TEXT", "clean_text", "subject_from", "to_html", "to_system_time"]

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
