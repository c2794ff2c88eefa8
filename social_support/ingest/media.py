"""A message's media: recorded on the Social Message, downloaded into private Files on the ticket.

The item pipeline stores the cleaned media (``platforms.base.clean_media``) as JSON on
``Social Message.media`` and, when the channel has *Download Media* on, queues :func:`download`
after the item's transaction commits (job id per message): the ingest transaction never waits for a
media host. The job fetches each medium through its platform's ``media_request`` and
``platforms.media.fetch`` (the platform's media hosts only, redirects checked, size and type limits
from the settings, the type read from the bytes), stores it as a private File attached to the ticket,
and records the File, or the reason it was not downloaded, on the message's media. The ticket's
timeline then shows the downloaded file instead of the platform's link. A failure is the message's,
never the channel's: health, polling and backoff are untouched.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import frappe
import requests
from frappe.utils import cint

from social_support.core.channels import channel_config
from social_support.core.text import message_html
from social_support.platforms import media_request
from social_support.platforms.base import PlatformError, clean_media_url, media_from_dicts, redact_secrets
from social_support.platforms.hosts import sandbox_origin
from social_support.platforms.media import MediaRefused, fetch, file_name_for
from social_support.tickets import get_adapter

DEFAULT_MAX_MB = 25
DEFAULT_TYPES = (
	"image/jpeg",
	"image/png",
	"image/gif",
	"image/webp",
	"video/mp4",
	"video/quicktime",
	"audio/mpeg",
	"audio/mp4",
	"audio/aac",
	"audio/ogg",
	"application/pdf",
)
MAX_ERROR = 300


def media_json(media) -> str | None:
	"""Cleaned media as stored on the Social Message (None when there are none)."""
	return json.dumps([asdict(m) for m in media], ensure_ascii=False) if media else None


def stored_media(value) -> list[dict]:
	try:
		rows = json.loads(value or "[]")
	except ValueError:
		return []
	return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def downloads_on(channel: str) -> bool:
	return bool(cint(frappe.get_cached_value("Social Channel", channel, "download_media")))


def queue_download(channel: str, message: str) -> None:
	"""Queue the download of a message's media after the current transaction commits, when the
	channel says so (off by default)."""
	if not downloads_on(channel):
		return
	frappe.enqueue(
		"social_support.ingest.media.download",
		queue="default",
		job_id=f"social_support:media:{message}",
		deduplicate=True,
		enqueue_after_commit=True,
		message=message,
	)


def limits() -> tuple[int, list[str]]:
	settings = frappe.get_cached_doc("Social Support Settings")
	max_mb = cint(settings.get("media_max_mb")) or DEFAULT_MAX_MB
	types = [t.strip() for t in (settings.get("media_allowed_types") or "").splitlines() if t.strip()]
	return max_mb * 1024 * 1024, types or list(DEFAULT_TYPES)


def download(message: str, session: requests.Session | None = None) -> list[dict]:
	"""Download what is not downloaded yet of one message's media; returns the media as recorded."""
	msg = frappe.db.get_value(
		"Social Message",
		message,
		[
			"name",
			"channel",
			"platform",
			"media",
			"text",
			"reference_doctype",
			"reference_name",
			"communication",
			"status",
		],
		as_dict=True,
	)
	if not msg or not msg.reference_name or not downloads_on(msg.channel):
		return []
	rows = stored_media(msg.media)
	pending = [i for i, r in enumerate(rows) if not r.get("file")]
	if not pending:
		return rows
	channel = frappe.get_doc("Social Channel", msg.channel)
	try:
		config = channel_config(channel)
	except frappe.ValidationError as e:
		for i in pending:
			rows[i]["error"] = _error_text(str(e), [])
		return _record(msg, rows, None)
	known = [v for v in config.credentials.values() if v]
	origin = sandbox_origin(config.api_base_url)
	max_bytes, types = limits()
	for i in pending:
		row = rows[i]
		(medium,) = media_from_dicts([row]) or (None,)
		if medium is None or (not medium.url and not medium.media_id):
			row["error"] = _("nothing to download")
			continue
		try:
			request = media_request(config, medium)
			got = fetch(
				request,
				platform=msg.platform,
				sandbox_origin=origin,
				max_bytes=max_bytes,
				allowed_types=types,
				session=session,
			)
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": file_name_for(medium, got.mime_type, i),
					"attached_to_doctype": msg.reference_doctype or get_adapter().doctype,
					"attached_to_name": msg.reference_name,
					"is_private": 1,
					"content": got.data,
				}
			)
			file.flags.ignore_permissions = True
			file.insert()
			row.update(
				file=file.name, file_url=file.file_url, mime_type=got.mime_type, size=got.size, error=None
			)
		except (MediaRefused, PlatformError, requests.RequestException, frappe.ValidationError) as e:
			# (a File the site refuses, e.g. by its allowed file extensions, is recorded the same way)
			frappe.clear_messages()
			row["error"] = _error_text(str(e) or type(e).__name__, known)
	return _record(msg, rows, origin)


def _(text: str) -> str:
	return frappe._(text)


def _error_text(text: str, known: list[str]) -> str:
	return (redact_secrets(text, known) or "")[:MAX_ERROR]


def _record(msg, rows: list[dict], origin) -> list[dict]:
	"""The media as recorded on the message, and the timeline shown from it (downloaded files first;
	a link only where the URL is still one of the platform's media hosts, whatever the stored row says)."""
	frappe.db.set_value(
		"Social Message", msg.name, "media", json.dumps(rows, ensure_ascii=False), update_modified=False
	)
	if msg.communication:
		shown = [
			{**r, "url": clean_media_url(msg.platform, r.get("url"), sandbox_origin=origin)} for r in rows
		]
		html = message_html(msg.text, shown)
		if msg.status == "Edited":
			html += "<p><em>" + frappe.utils.escape_html(_("(edited on the platform)")) + "</em></p>"
		frappe.db.set_value("Communication", msg.communication, "content", html, update_modified=False)
	frappe.db.commit()
	return rows
