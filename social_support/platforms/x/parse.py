"""X API v2 pages (mentions, search, DM events) -> InboundItem."""

from __future__ import annotations

from dateutil import parser as dtparser

from ..base import (
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


def parse_tweets(raw: dict, account_id: str, stream: str) -> list[InboundItem]:
	users = _users(raw)
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
				stream=STREAM_DMS,
			)
		)
	return items


def parse_poll(stream: str, raw: dict, account_id: str) -> list[InboundItem]:
	if stream == STREAM_DMS:
		return parse_dm_events(raw, account_id)
	return parse_tweets(raw, account_id, stream)
