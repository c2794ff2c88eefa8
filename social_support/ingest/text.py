"""Turning outside text and times into what Frappe stores."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import escape_html

MAX_TEXT = 20_000  # longer than any platform allows; guards the database from abuse
_URL = re.compile(r"https?://[^\s<>\"']+")


def clean_text(text: str | None) -> str:
	text = (text or "").replace("\x00", "")
	return text[:MAX_TEXT]


def to_html(text: str | None) -> str:
	"""Customer text as safe HTML: everything escaped, links made clickable, line breaks kept."""
	escaped = escape_html(clean_text(text))
	escaped = _URL.sub(
		lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener" target="_blank">{m.group(0)}</a>', escaped
	)
	return escaped.replace("\n", "<br>")


def subject_from(text: str | None, fallback: str, limit: int = 120) -> str:
	line = " ".join(clean_text(text).split())
	if not line:
		return fallback
	return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def to_system_time(dt: datetime) -> datetime:
	"""Aware datetime -> naive datetime in the site's time zone (how Frappe stores Datetime)."""
	if dt.tzinfo is None:
		dt = dt.replace(tzinfo=timezone.utc)
	tz = ZoneInfo(frappe.utils.get_system_timezone() or "UTC")
	return dt.astimezone(tz).replace(tzinfo=None)
