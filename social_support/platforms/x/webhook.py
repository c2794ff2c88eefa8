"""X Account Activity webhooks: CRC answer, signature check, v1.1 payload parsing."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timezone

from dateutil import parser as dtparser

from ..base import (
	ACTION_CREATE,
	ACTION_DELETE,
	INBOUND,
	KIND_COMMENT,
	KIND_DM,
	KIND_POST,
	OUTBOUND,
	Author,
	InboundItem,
	X,
	clean_handle,
	dm_thread_key,
	hmac_sha256,
	id_text,
	public_thread_key,
	signature_matches,
	x_permalink,
)
from .parse import media_object, parse_tweets
from .rules import summoned_by_v1


def signature(body: bytes, consumer_secret: str) -> str:
	return "sha256=" + base64.b64encode(hmac_sha256(consumer_secret, body)).decode()


# X's CRC tokens are short base64 strings. The CRC answer is HMAC(consumer_secret, token): the
# very signature a POST whose body is the token would carry. Answering only for tokens that
# are base64/base64url characters and not JSON keeps it from signing anything we would accept
# as a delivery (a delivery is a JSON object).
CRC_TOKEN_MAX = 256
_CRC_TOKEN = re.compile(rf"[A-Za-z0-9+/_=-]{{1,{CRC_TOKEN_MAX}}}")


def crc_token_ok(token: str | None) -> bool:
	"""Whether ``token`` is shaped like an X CRC token (bounded base64/base64url, never JSON)."""
	if not isinstance(token, str) or not _CRC_TOKEN.fullmatch(token):
		return False
	try:
		json.loads(token)
	except ValueError:
		return True
	return False  # digits, true, false, null: JSON values are never signed


def crc_response(crc_token: str, consumer_secret: str) -> dict:
	if not crc_token_ok(crc_token):
		raise ValueError("not a CRC token: only bounded base64 text that is not JSON is answered")
	return {"response_token": signature(crc_token.encode(), consumer_secret)}


def verify_signature(body: bytes, header: str | None, secrets: list[str]) -> bool:
	"""``x-twitter-webhooks-signature`` over the raw body, against every accepted consumer secret."""
	if not header or not secrets:
		return False
	return signature_matches(header, [signature(body, s) for s in secrets])


# X Activity API events delivered to the same webhook (same CRC, same signature header): an
# envelope {"data": {"event_uuid", "filter": {"user_id"}, "event_type", "payload", "includes"}}
ACTIVITY_POST_EVENTS = ("post.mention.create", "post.reply.create", "post.quote.create", "post.create")
ACTIVITY_DM_EVENTS = ("dm.received", "dm.sent")


def _activity(payload: dict) -> dict | None:
	data = payload.get("data") if isinstance(payload, dict) else None
	return data if isinstance(data, dict) and isinstance(data.get("event_type"), str) else None


def webhook_account_ids(payload: dict) -> list[str]:
	activity = _activity(payload)
	if activity is not None:
		account = (activity.get("filter") or {}).get("user_id")
	else:
		account = payload.get("for_user_id")
	return [str(account)] if account else []


def _parse_activity(event: dict, account_id: str) -> list[InboundItem]:
	"""Mentions, replies and quotes (API v2 Post objects) and DMs (the Account Activity DM shape,
	its users wrapped in ``data``) of the X Activity API; other event types are not conversations."""
	if str((event.get("filter") or {}).get("user_id")) != str(account_id):
		return []
	kind, body = event.get("event_type"), event.get("payload")
	if not isinstance(body, dict):
		return []
	if kind in ACTIVITY_POST_EVENTS:
		includes = event.get("includes") if isinstance(event.get("includes"), dict) else {}
		items = parse_tweets({"data": [body], "includes": includes}, str(account_id), "webhook")
	elif kind in ACTIVITY_DM_EVENTS:
		users = {}
		for uid, u in (body.get("users") or {}).items():
			u = (u.get("data") if isinstance(u.get("data"), dict) else u) if isinstance(u, dict) else {}
			users[id_text(uid)] = {
				"screen_name": u.get("screen_name") or u.get("username"),
				"name": u.get("name"),
				"profile_image_url_https": u.get("profile_image_url_https") or u.get("profile_image_url"),
				"followers_count": u.get("followers_count")
				or (u.get("public_metrics") or {}).get("followers_count"),
			}
		items = [
			i
			for i in (_dm_item(e, users, str(account_id)) for e in body.get("direct_message_events") or [])
			if i
		]
	else:
		return []
	for item in items:
		item.action = item.action or ACTION_CREATE
	return items


def _author_v1(user: dict) -> Author:
	return Author(
		user_id=id_text(user.get("id_str") or user.get("id")),
		handle=clean_handle(X, user.get("screen_name")),
		name=user.get("name"),
		avatar_url=user.get("profile_image_url_https") or user.get("profile_image_url"),
		follower_count=user.get("followers_count"),
	)


def _tweet_item(tweet: dict, account_id: str) -> InboundItem | None:
	if tweet.get("retweeted_status"):
		# a plain retweet adds no words of the customer's own; it is not a conversation
		return None
	tid = id_text(tweet.get("id_str") or tweet.get("id"))
	author = _author_v1(tweet.get("user") or {})
	text = (
		(tweet.get("extended_tweet") or {}).get("full_text")
		or tweet.get("full_text")
		or tweet.get("text")
		or ""
	)
	parent = id_text(tweet.get("in_reply_to_status_id_str")) or None
	outbound = author.user_id == account_id
	# v1.1 payloads carry no conversation id: a reply is threaded under its parent until the
	# app, which knows the parent, resolves the real root
	root = parent or tid
	if outbound:
		customer = id_text(tweet.get("in_reply_to_user_id_str")) or account_id
	else:
		customer = author.user_id
	media = [
		m
		for m in (
			media_object(e)
			for e in (
				((tweet.get("extended_tweet") or {}).get("extended_entities") or {}).get("media")
				or (tweet.get("extended_entities") or tweet.get("entities") or {}).get("media")
				or []
			)
		)
		if m
	]
	return InboundItem(
		platform=X,
		account_id=account_id,
		external_id=tid,
		kind=KIND_COMMENT if parent else KIND_POST,
		text=text,
		author=author,
		created_at=_parse_v1_time(tweet.get("created_at"), tweet.get("timestamp_ms")),
		thread_key=public_thread_key(root, customer),
		direction=OUTBOUND if outbound else INBOUND,
		parent_external_id=parent,
		root_external_id=None if parent else tid,
		permalink=x_permalink(author.handle, tid),
		media=media,
		stream="webhook",
		summoned=None if outbound else summoned_by_v1(tweet, account_id),
	)


def _dm_item(event: dict, users: dict, account_id: str) -> InboundItem | None:
	if event.get("type", "message_create") != "message_create":
		return None
	mc = event.get("message_create") or {}
	sender = id_text(mc.get("sender_id"))
	recipient = id_text((mc.get("target") or {}).get("recipient_id"))
	outbound = sender == account_id
	customer = recipient if outbound else sender
	user = users.get(sender) or {}
	data = mc.get("message_data") or {}
	attachment = media_object((data.get("attachment") or {}).get("media") or {})
	ms = event.get("created_timestamp")
	return InboundItem(
		platform=X,
		account_id=account_id,
		external_id=id_text(event.get("id")),
		kind=KIND_DM,
		text=data.get("text") or "",
		author=Author(
			user_id=sender,
			handle=clean_handle(X, user.get("screen_name")),
			name=user.get("name"),
			avatar_url=user.get("profile_image_url_https"),
			follower_count=user.get("followers_count"),
		),
		created_at=datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc)
		if ms
		else datetime.now(timezone.utc),
		thread_key=dm_thread_key(customer),
		direction=OUTBOUND if outbound else INBOUND,
		media=[attachment] if attachment else [],
		stream="webhook",
	)


def parse_webhook(payload: dict, account_id: str) -> list[InboundItem]:
	activity = _activity(payload)
	if activity is not None:
		return _parse_activity(activity, account_id)
	if str(payload.get("for_user_id")) != str(account_id):
		return []
	items: list[InboundItem] = []
	for tweet in payload.get("tweet_create_events") or []:
		item = _tweet_item(tweet, account_id)
		if item:
			items.append(item)
	users = {id_text(k): v for k, v in (payload.get("users") or {}).items()}
	for event in payload.get("direct_message_events") or []:
		item = _dm_item(event, users, account_id)
		if item:
			items.append(item)
	for deleted in payload.get("tweet_delete_events") or []:
		status = deleted.get("status") or {}
		ms = deleted.get("timestamp_ms")
		items.append(
			InboundItem(
				platform=X,
				account_id=account_id,
				external_id=id_text(status.get("id")),
				kind=KIND_POST,
				text="",
				author=Author(user_id=id_text(status.get("user_id"))),
				created_at=datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc)
				if ms
				else datetime.now(timezone.utc),
				thread_key=public_thread_key(id_text(status.get("id")), id_text(status.get("user_id"))),
				action=ACTION_DELETE,
				stream="webhook",
			)
		)
	for item in items:
		item.action = item.action or ACTION_CREATE
	return items


def _parse_v1_time(created_at: str | None, timestamp_ms: str | None = None) -> datetime:
	if timestamp_ms:
		return datetime.fromtimestamp(int(timestamp_ms) / 1000, tz=timezone.utc)
	if created_at:
		return dtparser.parse(created_at).astimezone(timezone.utc)
	return datetime.now(timezone.utc)
