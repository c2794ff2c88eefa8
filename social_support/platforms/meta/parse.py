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
	OUTBOUND,
	WHATSAPP,
	Author,
	InboundItem,
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
			attachments=[v["photo"]] if v.get("photo") else [],
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
		attachments=[v["photo"]] if v.get("photo") else [],
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
	attachments = [
		(a.get("payload") or {}).get("url")
		for a in message.get("attachments") or []
		if (a.get("payload") or {}).get("url")
	]
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
		attachments=attachments,
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
		if author.user_id != page and (post.get("message") or "").strip():
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
