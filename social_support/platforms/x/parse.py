"""X API v2 pages (mentions, search, DM events) -> InboundItem."""

from __future__ import annotations

from dateutil import parser as dtparser

from ..base import (
	INBOUND,
	KIND_COMMENT,
	KIND_DM,
	KIND_POST,
	MEDIA_IMAGE,
	MEDIA_VIDEO,
	OUTBOUND,
	Author,
	InboundItem,
	Media,
	X,
	clean_handle,
	dm_thread_key,
	id_text,
	public_thread_key,
	utc,
	x_permalink,
)
from .constants import STREAM_DMS
from .rules import summoned_by_v2


def _users(raw: dict) -> dict[str, dict]:
	return {id_text(u.get("id")): u for u in (raw.get("includes") or {}).get("users") or []}


def _author(user_id: str, users: dict[str, dict]) -> Author:
	u = users.get(user_id) or {}
	return Author(
		user_id=user_id,
		handle=clean_handle(X, u.get("username")),
		name=u.get("name"),
		avatar_url=u.get("profile_image_url"),
		follower_count=(u.get("public_metrics") or {}).get("followers_count"),
	)


def _best_variant(variants) -> dict:
	"""The mp4 with the highest bit rate (X lists an HLS playlist besides), else the first one."""
	mp4 = [v for v in variants or [] if isinstance(v, dict) and v.get("content_type") == "video/mp4"]
	if mp4:
		return max(mp4, key=lambda v: int(v.get("bit_rate") or v.get("bitrate") or 0))
	return next((v for v in variants or [] if isinstance(v, dict)), {})


def media_object(m: dict, media_id: str | None = None) -> Media | None:
	"""One X media object (API v2 ``includes.media`` or a v1.1 ``extended_entities.media`` entry):
	a photo's ``url``, a video's or animated GIF's best mp4 variant (its preview image when X lists
	no variant)."""
	if not isinstance(m, dict):
		return None
	kind = m.get("type")
	media_id = media_id or id_text(m.get("media_key") or m.get("id_str") or m.get("id"))
	alt = m.get("alt_text") or m.get("ext_alt_text")
	if kind == "photo" or (kind is None and m.get("media_url_https")):
		return Media(
			MEDIA_IMAGE, url=m.get("url") or m.get("media_url_https"), media_id=media_id, caption=alt
		)
	if kind in ("video", "animated_gif"):
		variant = _best_variant(m.get("variants") or (m.get("video_info") or {}).get("variants"))
		if variant.get("url"):
			return Media(
				MEDIA_VIDEO,
				url=variant.get("url"),
				media_id=media_id,
				mime_type=variant.get("content_type"),
				caption=alt,
			)
		preview = m.get("preview_image_url") or m.get("media_url_https")
		return Media(MEDIA_VIDEO, url=preview, media_id=media_id, caption=alt) if preview else None
	return None


def _media_index(raw: dict) -> dict[str, dict]:
	return {
		id_text(m.get("media_key")): m
		for m in (raw.get("includes") or {}).get("media") or []
		if isinstance(m, dict) and m.get("media_key")
	}


def _attached_media(obj: dict, index: dict[str, dict]) -> list[Media]:
	keys = (obj.get("attachments") or {}).get("media_keys") or []
	return [m for m in (media_object(index.get(id_text(k)) or {}, id_text(k)) for k in keys) if m]


def parse_tweets(raw: dict, account_id: str, stream: str) -> list[InboundItem]:
	users = _users(raw)
	media_index = _media_index(raw)
	quoted_authors = {
		id_text(t.get("id")): id_text(t.get("author_id"))
		for t in (raw.get("includes") or {}).get("tweets") or []
	}
	items = []
	for t in raw.get("data") or []:
		refs = {r.get("type"): id_text(r.get("id")) for r in t.get("referenced_tweets") or []}
		if "retweeted" in refs:
			continue
		tid = id_text(t.get("id"))
		author_id = id_text(t.get("author_id"))
		author = _author(author_id, users)
		parent = refs.get("replied_to")
		root = id_text(t.get("conversation_id") or parent or tid)
		outbound = author_id == str(account_id)
		customer = id_text(t.get("in_reply_to_user_id") or account_id) if outbound else author_id
		items.append(
			InboundItem(
				platform=X,
				account_id=str(account_id),
				external_id=tid,
				kind=KIND_COMMENT if parent else KIND_POST,
				text=t.get("text") or "",
				author=author,
				created_at=utc(dtparser.isoparse(t["created_at"])) if t.get("created_at") else None,
				thread_key=public_thread_key(root, customer),
				direction=OUTBOUND if outbound else INBOUND,
				parent_external_id=parent,
				root_external_id=root,
				permalink=x_permalink(author.handle, tid),
				media=_attached_media(t, media_index),
				stream=stream,
				summoned=None if outbound else summoned_by_v2(t, str(account_id), quoted_authors),
			)
		)
	return items


def _dm_partner(event: dict, account_id: str) -> str:
	sender = id_text(event.get("sender_id"))
	if sender != account_id:
		return sender
	others = [str(p) for p in event.get("participant_ids") or [] if str(p) != account_id]
	if others:
		return others[0]
	# one-to-one conversation ids are "<lower id>-<higher id>"
	parts = str(event.get("dm_conversation_id") or "").split("-")
	others = [p for p in parts if p and p != account_id]
	return others[0] if others else sender


def parse_dm_events(raw: dict, account_id: str) -> list[InboundItem]:
	users = _users(raw)
	media_index = _media_index(raw)
	account_id = str(account_id)
	items = []
	for e in raw.get("data") or []:
		if e.get("event_type", "MessageCreate") != "MessageCreate":
			continue
		sender = id_text(e.get("sender_id"))
		outbound = sender == account_id
		items.append(
			InboundItem(
				platform=X,
				account_id=account_id,
				external_id=id_text(e.get("id")),
				kind=KIND_DM,
				text=e.get("text") or "",
				author=_author(sender, users),
				created_at=utc(dtparser.isoparse(e["created_at"])) if e.get("created_at") else None,
				thread_key=dm_thread_key(_dm_partner(e, account_id)),
				direction=OUTBOUND if outbound else INBOUND,
				media=_attached_media(e, media_index),
				stream=STREAM_DMS,
			)
		)
	return items


def parse_poll(stream: str, raw: dict, account_id: str) -> list[InboundItem]:
	if stream == STREAM_DMS:
		return parse_dm_events(raw, account_id)
	return parse_tweets(raw, account_id, stream)
