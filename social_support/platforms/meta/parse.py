"""Meta payloads (webhooks and Graph API pages) -> InboundItem, for Facebook Pages and Instagram."""

from __future__ import annotations

from datetime import datetime, timezone

from dateutil import parser as dtparser

from ..base import (
	ACTION_CREATE,
	ACTION_DELETE,
	ACTION_EDIT,
	FACEBOOK,
	INBOUND,
	INSTAGRAM,
	KIND_COMMENT,
	KIND_DM,
	KIND_POST,
	MEDIA_AUDIO,
	MEDIA_DOCUMENT,
	MEDIA_FILE,
	MEDIA_IMAGE,
	MEDIA_STICKER,
	MEDIA_VIDEO,
	OUTBOUND,
	WHATSAPP,
	Author,
	InboundItem,
	Media,
	clean_handle,
	dm_thread_key,
	facebook_permalink,
	id_text,
	public_thread_key,
	utc,
)
from ..whatsapp.constants import WEBHOOK_OBJECT as WA_OBJECT
from ..whatsapp.parse import webhook_account_ids as wa_account_ids
from . import constants as c

VERBS = {
	"add": ACTION_CREATE,
	"edited": ACTION_EDIT,
	"edit": ACTION_EDIT,
	"remove": ACTION_DELETE,
	"delete": ACTION_DELETE,
}


def rest_time(value: str | None) -> datetime:
	if not value:
		return datetime.now(timezone.utc)
	return utc(dtparser.isoparse(value))


def _seconds(value) -> datetime:
	try:
		return datetime.fromtimestamp(int(value), tz=timezone.utc)
	except (TypeError, ValueError):
		return datetime.now(timezone.utc)


def _millis(value) -> datetime:
	try:
		return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
	except (TypeError, ValueError):
		return datetime.now(timezone.utc)


def webhook_platform(payload: dict) -> str:
	"""Which platform a delivery on the Meta endpoint is for (WhatsApp arrives there too)."""
	obj = payload.get("object")
	if obj == WA_OBJECT:
		return WHATSAPP
	return INSTAGRAM if obj == "instagram" else FACEBOOK


def webhook_account_ids(payload: dict) -> list[str]:
	"""The connected accounts a delivery is for: Page / Instagram ids, or for WhatsApp the phone
	number ids of every change (one WhatsApp Business Account holds several numbers)."""
	if payload.get("object") == WA_OBJECT:
		return wa_account_ids(payload)
	seen = []
	for entry in payload.get("entry") or []:
		account = str(entry.get("id") or "")
		if account and account not in seen:
			seen.append(account)
	return seen


# --- media ---------------------------------------------------------------------------------
# Messenger and Instagram message attachments by ``type`` (webhooks); "share", "story_mention",
# "reel" / "ig_reel" and "fallback" carry a link to something on the platform: a file of kind "file"
# only when its URL is on the platform's media hosts (clean_item drops the rest)
_MESSAGE_KINDS = {
	"image": MEDIA_IMAGE,
	"video": MEDIA_VIDEO,
	"audio": MEDIA_AUDIO,
	"file": MEDIA_DOCUMENT,
	"sticker": MEDIA_STICKER,
	"animated_image": MEDIA_IMAGE,
	"ig_reel": MEDIA_VIDEO,
	"reel": MEDIA_VIDEO,
	"story_mention": MEDIA_FILE,
	"share": MEDIA_FILE,
	"ig_post": MEDIA_FILE,  # a shared post, since November 2025 (its ig_post_media_id and caption)
	"fallback": MEDIA_FILE,
}


def _message_media(message: dict) -> list[Media]:
	"""A Messenger / Instagram webhook message's attachments (and the story it answers, if any)."""
	out = []
	for a in message.get("attachments") or []:
		if not isinstance(a, dict):
			continue
		payload = a.get("payload") or {}
		kind = _MESSAGE_KINDS.get(a.get("type"), MEDIA_FILE)
		if payload.get("sticker_id"):
			kind = MEDIA_STICKER
		out.append(
			Media(
				kind,
				url=payload.get("url"),
				media_id=id_text(
					payload.get("attachment_id")
					or payload.get("reel_video_id")
					or payload.get("ig_post_media_id")
				)
				or None,
				caption=payload.get("title"),
			)
		)
	story = (message.get("reply_to") or {}).get("story") or {}
	if story.get("url"):
		out.append(Media(MEDIA_FILE, url=story.get("url"), media_id=id_text(story.get("id")) or None))
	return out


def _graph_attachment_media(a: dict) -> Media | None:
	"""One attachment of a conversation message read from the Graph API (``messages{attachments}``)."""
	if not isinstance(a, dict):
		return None
	image, video = a.get("image_data") or {}, a.get("video_data") or {}
	mime = a.get("mime_type") or ""
	if image:
		kind, url = (MEDIA_IMAGE, image.get("url"))
		if image.get("render_as_sticker"):
			kind = MEDIA_STICKER
	elif video:
		kind, url = MEDIA_VIDEO, video.get("url")
	else:
		url = a.get("file_url")
		kind = MEDIA_AUDIO if mime.startswith("audio/") else MEDIA_DOCUMENT
	return Media(
		kind,
		url=url,
		media_id=id_text(a.get("id")) or None,
		mime_type=mime or None,
		file_name=a.get("name"),
		size=a.get("size"),
	)


def _feed_webhook_media(v: dict) -> list[Media]:
	"""A Page feed change's photo(s) or video: ``photo`` / ``photos`` / ``video`` are media URLs."""
	out = [Media(MEDIA_IMAGE, url=u) for u in ([v.get("photo")] + list(v.get("photos") or [])) if u]
	if v.get("video"):
		out.append(Media(MEDIA_VIDEO, url=v.get("video"), media_id=id_text(v.get("video_id")) or None))
	return out


def _feed_attachment_media(a: dict) -> list[Media]:
	"""A post's ``attachments`` entry or a comment's ``attachment`` read from the Graph API: the
	image's ``src`` (never the attachment's ``url``, which may be any link), a video's ``source``."""
	if not isinstance(a, dict):
		return []
	out = []
	media = a.get("media") or {}
	kind = MEDIA_VIDEO if "video" in (a.get("media_type") or a.get("type") or "") else MEDIA_IMAGE
	if kind == MEDIA_VIDEO and media.get("source"):
		out.append(
			Media(
				MEDIA_VIDEO,
				url=media.get("source"),
				media_id=id_text((a.get("target") or {}).get("id")) or None,
			)
		)
	elif (media.get("image") or {}).get("src"):
		out.append(
			Media(
				MEDIA_IMAGE if kind == MEDIA_IMAGE else MEDIA_VIDEO,
				url=media["image"]["src"],
				media_id=id_text((a.get("target") or {}).get("id")) or None,
				caption=a.get("description"),
			)
		)
	for sub in (a.get("subattachments") or {}).get("data") or []:
		out.extend(_feed_attachment_media(sub))
	return out


# --- webhooks ------------------------------------------------------------------------------
def parse_webhook(payload: dict, account_id: str) -> list[InboundItem]:
	platform = webhook_platform(payload)
	account_id = str(account_id)
	items: list[InboundItem] = []
	for entry in payload.get("entry") or []:
		if str(entry.get("id")) != account_id:
			continue
		for change in entry.get("changes") or []:
			field, value = change.get("field"), change.get("value") or {}
			if platform == FACEBOOK and field == "feed":
				item = _feed_change(value, account_id)
			elif platform == INSTAGRAM and field in ("comments", "live_comments"):
				item = _ig_comment_change(value, account_id)
			else:
				item = None
			if item:
				items.append(item)
		for event in entry.get("messaging") or []:
			item = _messaging_event(event, account_id, platform)
			if item:
				items.append(item)
	return items


def _feed_change(v: dict, page: str) -> InboundItem | None:
	kind = v.get("item")
	if kind not in ("comment", "post", "status", "photo", "video"):
		return None  # reactions, likes, shares: no words to answer
	action = VERBS.get(v.get("verb"), ACTION_CREATE)
	sender = v.get("from") or {}
	author = Author(user_id=id_text(sender.get("id")), name=sender.get("name"))
	post_id = id_text(v.get("post_id"))
	outbound = author.user_id == page
	if kind == "comment":
		external_id = id_text(v.get("comment_id"))
		parent = id_text(v.get("parent_id") or post_id)
		customer = page if outbound else author.user_id
		return InboundItem(
			platform=FACEBOOK,
			account_id=page,
			external_id=external_id,
			kind=KIND_COMMENT,
			text=v.get("message") or "",
			author=author,
			created_at=_seconds(v.get("created_time")),
			thread_key=public_thread_key(post_id, customer),
			direction=OUTBOUND if outbound else INBOUND,
			action=action,
			parent_external_id=parent,
			root_external_id=post_id,
			permalink=facebook_permalink(external_id),
			media=_feed_webhook_media(v),
			stream="webhook",
		)
	return InboundItem(
		platform=FACEBOOK,
		account_id=page,
		external_id=post_id,
		kind=KIND_POST,
		text=v.get("message") or "",
		author=author,
		created_at=_seconds(v.get("created_time")),
		thread_key=public_thread_key(post_id, author.user_id),
		direction=OUTBOUND if outbound else INBOUND,
		action=action,
		root_external_id=post_id,
		# never the post's own "link": that is whatever the visitor attached
		permalink=facebook_permalink(post_id),
		media=_feed_webhook_media(v),
		stream="webhook",
	)


def _ig_comment_change(v: dict, account: str) -> InboundItem | None:
	sender = v.get("from") or {}
	author = Author(user_id=id_text(sender.get("id")), handle=clean_handle(INSTAGRAM, sender.get("username")))
	media = id_text((v.get("media") or {}).get("id"))
	outbound = author.user_id == account
	return InboundItem(
		platform=INSTAGRAM,
		account_id=account,
		external_id=id_text(v.get("id")),
		kind=KIND_COMMENT,
		text=v.get("text") or "",
		author=author,
		created_at=datetime.now(timezone.utc),  # the comments webhook carries no time
		thread_key=public_thread_key(media, account if outbound else author.user_id),
		direction=OUTBOUND if outbound else INBOUND,
		parent_external_id=id_text(v.get("parent_id") or media) or None,
		root_external_id=media or None,
		stream="webhook",
	)


def _messaging_event(e: dict, account: str, platform: str) -> InboundItem | None:
	message = e.get("message")
	if not message or not message.get("mid"):
		return None  # delivery/read receipts, postbacks, reactions
	if message.get("is_deleted"):
		action = ACTION_DELETE
	else:
		action = ACTION_EDIT if e.get("message_edit") else ACTION_CREATE
	sender = id_text((e.get("sender") or {}).get("id"))
	recipient = id_text((e.get("recipient") or {}).get("id"))
	echo = bool(message.get("is_echo")) or sender == account
	customer = recipient if echo else sender
	return InboundItem(
		platform=platform,
		account_id=account,
		external_id=id_text(message["mid"]),
		kind=KIND_DM,
		text=message.get("text") or "",
		author=Author(user_id=sender),
		created_at=_millis(e.get("timestamp")),
		thread_key=dm_thread_key(customer),
		direction=OUTBOUND if echo else INBOUND,
		action=action,
		media=_message_media(message),
		stream="webhook",
	)


# --- polled pages ----------------------------------------------------------------------------
def parse_poll(stream: str, raw: dict, account_id: str) -> list[InboundItem]:
	account_id = str(account_id)
	if stream == c.STREAM_FEED:
		return _feed_page(raw, account_id)
	if stream == c.STREAM_IG_COMMENTS:
		return _ig_media_page(raw, account_id)
	if stream in (c.STREAM_MESSENGER, c.STREAM_IG_DMS):
		return _conversations_page(
			raw, account_id, FACEBOOK if stream == c.STREAM_MESSENGER else INSTAGRAM, stream
		)
	return []


def _feed_page(raw: dict, page: str) -> list[InboundItem]:
	items = []
	for post in raw.get("data") or []:
		post_id = id_text(post.get("id"))
		sender = post.get("from") or {}
		author = Author(user_id=id_text(sender.get("id") or page), name=sender.get("name"))
		post_media = [
			m for a in (post.get("attachments") or {}).get("data") or [] for m in _feed_attachment_media(a)
		]
		if author.user_id != page and ((post.get("message") or "").strip() or post_media):
			items.append(
				InboundItem(
					platform=FACEBOOK,
					account_id=page,
					external_id=post_id,
					kind=KIND_POST,
					text=post.get("message") or "",
					author=author,
					created_at=rest_time(post.get("created_time")),
					thread_key=public_thread_key(post_id, author.user_id),
					root_external_id=post_id,
					permalink=facebook_permalink(post_id),
					media=post_media,
					stream=c.STREAM_FEED,
				)
			)
		for cm in (post.get("comments") or {}).get("data") or []:
			who = cm.get("from") or {}
			cauthor = Author(user_id=id_text(who.get("id")), name=who.get("name"))
			outbound = cauthor.user_id == page
			parent = id_text((cm.get("parent") or {}).get("id") or post_id)
			items.append(
				InboundItem(
					platform=FACEBOOK,
					account_id=page,
					external_id=id_text(cm.get("id")),
					kind=KIND_COMMENT,
					text=cm.get("message") or "",
					author=cauthor,
					created_at=rest_time(cm.get("created_time")),
					thread_key=public_thread_key(post_id, page if outbound else cauthor.user_id),
					direction=OUTBOUND if outbound else INBOUND,
					parent_external_id=parent,
					root_external_id=post_id,
					permalink=facebook_permalink(cm.get("id")),
					media=_feed_attachment_media(cm.get("attachment") or {}),
					stream=c.STREAM_FEED,
				)
			)
	return items


def _ig_comment(cm: dict, media: str, account: str, parent: str) -> InboundItem:
	who = cm.get("from") or {}
	author = Author(
		user_id=id_text(who.get("id")),
		handle=clean_handle(INSTAGRAM, who.get("username") or cm.get("username")),
	)
	outbound = author.user_id == account
	return InboundItem(
		platform=INSTAGRAM,
		account_id=account,
		external_id=id_text(cm.get("id")),
		kind=KIND_COMMENT,
		text=cm.get("text") or "",
		author=author,
		created_at=rest_time(cm.get("timestamp")),
		thread_key=public_thread_key(media, account if outbound else author.user_id),
		direction=OUTBOUND if outbound else INBOUND,
		parent_external_id=parent,
		root_external_id=media,
		stream=c.STREAM_IG_COMMENTS,
	)


def _ig_media_page(raw: dict, account: str) -> list[InboundItem]:
	items = []
	for media in raw.get("data") or []:
		media_id = id_text(media.get("id"))
		for cm in (media.get("comments") or {}).get("data") or []:
			items.append(_ig_comment(cm, media_id, account, media_id))
			for reply in (cm.get("replies") or {}).get("data") or []:
				items.append(_ig_comment(reply, media_id, account, id_text(cm.get("id"))))
	return items


def _conversations_page(raw: dict, account: str, platform: str, stream: str) -> list[InboundItem]:
	items = []
	for conv in raw.get("data") or []:
		participants = [id_text(p.get("id")) for p in (conv.get("participants") or {}).get("data") or []]
		partner = next((p for p in participants if p != account), None)
		# the Graph API lists messages newest first; keep the conversation's order
		for m in reversed((conv.get("messages") or {}).get("data") or []):
			sender = m.get("from") or {}
			sender_id = id_text(sender.get("id"))
			outbound = sender_id == account
			customer = partner or (
				id_text(((m.get("to") or {}).get("data") or [{}])[0].get("id")) if outbound else sender_id
			)
			items.append(
				InboundItem(
					platform=platform,
					account_id=account,
					external_id=id_text(m.get("id")),
					kind=KIND_DM,
					text=m.get("message") or "",
					author=Author(
						user_id=sender_id,
						name=sender.get("name"),
						handle=clean_handle(platform, sender.get("username")),
					),
					created_at=rest_time(m.get("created_time")),
					thread_key=dm_thread_key(customer),
					direction=OUTBOUND if outbound else INBOUND,
					media=[
						x
						for x in (
							_graph_attachment_media(a) for a in (m.get("attachments") or {}).get("data") or []
						)
						if x
					]
					+ (
						[Media(MEDIA_STICKER, url=m["sticker"])]
						if isinstance(m.get("sticker"), str) and m.get("sticker")
						else []
					),
					stream=stream,
				)
			)
	return items


def latest_time(stream: str, raw: dict) -> datetime | None:
	"""The newest creation/update time on a page (what the poll cursor advances to)."""
	times = []
	for obj in raw.get("data") or []:
		for key in ("updated_time", "created_time", "timestamp"):
			if obj.get(key):
				times.append(rest_time(obj[key]))
		for sub in ("comments", "messages"):
			for cm in (obj.get(sub) or {}).get("data") or []:
				for key in ("created_time", "timestamp"):
					if cm.get(key):
						times.append(rest_time(cm[key]))
	return max(times) if times else None
