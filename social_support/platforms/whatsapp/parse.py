"""WhatsApp Cloud API webhooks -> InboundItem (customer messages) and DeliveryStatus (our messages).

A delivery is ``{"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [{"field":
"messages", "value": {...}}]}]}``. One delivery may hold several entries and every entry several
changes, for different phone numbers of the account: each change is routed by its own
``value.metadata.phone_number_id`` and every one of them is read (never only the first).

Customers: since 2026 a webhook carries the customer's business-scoped user id (BSUID, ``user_id``
in ``contacts[]``, ``from_user_id`` on a message, ``recipient_user_id`` on a status) and may come
without the phone number (a customer with a WhatsApp username); the phone number (``wa_id``,
``from``, ``recipient_id``) comes when Meta shares it. The customer's id is the BSUID where present,
else the phone number; the phone number rides along on the author so the app can keep one profile
when the form changes.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from ..base import (
	INBOUND,
	KIND_DM,
	MEDIA_AUDIO,
	MEDIA_DOCUMENT,
	MEDIA_IMAGE,
	MEDIA_STICKER,
	MEDIA_VIDEO,
	WHATSAPP,
	Author,
	DeliveryError,
	DeliveryStatus,
	InboundItem,
	Media,
	dm_thread_key,
	id_text,
	valid_phone,
	valid_user_id,
)
from . import constants as c

MEDIA_KIND = {
	"image": MEDIA_IMAGE,
	"video": MEDIA_VIDEO,
	"audio": MEDIA_AUDIO,
	"document": MEDIA_DOCUMENT,
	"sticker": MEDIA_STICKER,
}
RAW_LIMIT = 4000  # characters of an unknown message's JSON kept in its text


def _seconds(value) -> datetime:
	try:
		return datetime.fromtimestamp(int(value), tz=timezone.utc)
	except (TypeError, ValueError):
		return datetime.now(timezone.utc)


def _changes(payload: dict):
	"""(phone number id, value) of every messages change of every entry."""
	if payload.get("object") != c.WEBHOOK_OBJECT:
		return
	for entry in payload.get("entry") or []:
		if not isinstance(entry, dict):
			continue
		for change in entry.get("changes") or []:
			if not isinstance(change, dict) or change.get("field") != c.MESSAGES_FIELD:
				continue
			value = change.get("value")
			if not isinstance(value, dict):
				continue
			phone_number_id = id_text((value.get("metadata") or {}).get("phone_number_id"))
			if phone_number_id:
				yield phone_number_id, value


def webhook_account_ids(payload: dict) -> list[str]:
	seen: list[str] = []
	for phone_number_id, _value in _changes(payload):
		if phone_number_id not in seen:
			seen.append(phone_number_id)
	return seen


def webhook_platform(payload: dict) -> str:
	return WHATSAPP


def display_phone_numbers(payload: dict) -> dict[str, str]:
	"""Phone number id -> the display number the delivery shows for it."""
	out = {}
	for phone_number_id, value in _changes(payload):
		shown = id_text((value.get("metadata") or {}).get("display_phone_number"))
		if shown:
			out[phone_number_id] = shown
	return out


def parse_webhook(payload: dict, account_id: str) -> list:
	"""Every message and status of every change for phone number ``account_id``, in delivery order."""
	account_id = str(account_id)
	out: list = []
	for phone_number_id, value in _changes(payload):
		if phone_number_id != account_id:
			continue
		contacts = [ct for ct in value.get("contacts") or [] if isinstance(ct, dict)]
		for message in value.get("messages") or []:
			if isinstance(message, dict):
				out.append(parse_message(message, contacts, account_id))
		for status in value.get("statuses") or []:
			if isinstance(status, dict):
				parsed = parse_status(status, account_id)
				if parsed:
					out.append(parsed)
	return out


def parse_poll(stream: str, raw: dict, account_id: str) -> list:
	"""WhatsApp has no history to poll: messages arrive by webhook only."""
	return []


# --- customers ----------------------------------------------------------------------------------
def customer_ids(message_or_status: dict, contacts: list[dict], *, status: bool = False) -> tuple[str, str]:
	"""(BSUID, phone number) of the customer, each "" when not given (or not valid)."""
	if status:
		bsuid = id_text(message_or_status.get("recipient_user_id"))
		phone = id_text(message_or_status.get("recipient_id"))
	else:
		bsuid = id_text(message_or_status.get("from_user_id"))
		phone = id_text(message_or_status.get("from"))
	contact = _contact_for(bsuid, phone, contacts)
	if contact:
		bsuid = bsuid or id_text(contact.get("user_id"))
		phone = phone or id_text(contact.get("wa_id"))
	if phone and not valid_phone(phone):
		# "from"/"recipient_id" may hold a BSUID once phone numbers are withheld
		if not bsuid and valid_user_id(WHATSAPP, phone):
			bsuid = phone
		phone = ""
	if bsuid and (valid_phone(bsuid) or not valid_user_id(WHATSAPP, bsuid)):
		bsuid = ""
	return bsuid, phone


def _contact_for(bsuid: str, phone: str, contacts: list[dict]) -> dict | None:
	for ct in contacts:
		if (bsuid and id_text(ct.get("user_id")) == bsuid) or (phone and id_text(ct.get("wa_id")) == phone):
			return ct
	return contacts[0] if len(contacts) == 1 else None


def customer_author(message: dict, contacts: list[dict]) -> Author:
	bsuid, phone = customer_ids(message, contacts)
	contact = _contact_for(bsuid, phone, contacts) or {}
	profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
	name = profile.get("name") if isinstance(profile.get("name"), str) else None
	username = profile.get("username") if isinstance(profile.get("username"), str) else None
	return Author(user_id=bsuid or phone, handle=username, name=name, phone=phone or None)


# --- messages ------------------------------------------------------------------------------------
def parse_message(message: dict, contacts: list[dict], account_id: str) -> InboundItem:
	author = customer_author(message, contacts)
	kind = message.get("type") if isinstance(message.get("type"), str) else "unknown"
	text, media, parent = describe_message(message)
	context = message.get("context") if isinstance(message.get("context"), dict) else {}
	return InboundItem(
		platform=WHATSAPP,
		account_id=account_id,
		external_id=id_text(message.get("id")),
		kind=KIND_DM,
		text=text,
		author=author,
		created_at=_seconds(message.get("timestamp")),
		thread_key=dm_thread_key(author.user_id),
		direction=INBOUND,
		parent_external_id=parent or id_text(context.get("id")) or None,
		media=media,
		stream=kind if kind in c.KNOWN_TYPES else "unknown",
	)


def describe_message(message: dict) -> tuple[str, list[Media], str | None]:
	"""(text for the agent, media, the message it reacts to) of one message of any type."""
	kind = message.get("type")
	body = message.get(kind) if isinstance(kind, str) and isinstance(message.get(kind), dict) else {}
	if kind == "text":
		return _str(body.get("body")), [], None
	if kind in c.MEDIA_TYPES:
		caption = _str(body.get("caption"))
		media = Media(
			kind=MEDIA_KIND[kind],
			media_id=id_text(body.get("id")) or None,
			mime_type=_str(body.get("mime_type")) or None,
			file_name=_str(body.get("filename")) or None,
			caption=caption or None,
		)
		return caption, [media], None
	if kind == "location":
		place = ", ".join(p for p in (_str(body.get("name")), _str(body.get("address"))) if p)
		where = f"{body.get('latitude')}, {body.get('longitude')}"
		return (f"Location: {place} ({where})" if place else f"Location: {where}"), [], None
	if kind == "contacts":
		cards = [_contact_card(ct) for ct in message.get("contacts") or [] if isinstance(ct, dict)]
		return "Shared contact: " + "; ".join(card for card in cards if card), [], None
	if kind == "interactive":
		reply = body.get(body.get("type")) if isinstance(body.get("type"), str) else None
		if isinstance(reply, dict):
			title = _str(reply.get("title"))
			description = _str(reply.get("description"))
			return (f"{title} ({description})" if description else title), [], None
		return _raw_text(message), [], None
	if kind == "button":
		return _str(body.get("text")) or _str(body.get("payload")), [], None
	if kind == "reaction":
		emoji = _str(body.get("emoji"))
		parent = id_text(body.get("message_id")) or None
		return (f"Reacted {emoji}" if emoji else "Removed a reaction"), [], parent
	if kind == "system":
		return _str(body.get("body")) or _raw_text(message), [], None
	return _raw_text(message), [], None


def _contact_card(ct: dict) -> str:
	name = ct.get("name") if isinstance(ct.get("name"), dict) else {}
	label = _str(name.get("formatted_name")) or " ".join(
		p for p in (_str(name.get("first_name")), _str(name.get("last_name"))) if p
	)
	phones = [
		_str(p.get("phone")) or _str(p.get("wa_id")) for p in ct.get("phones") or [] if isinstance(p, dict)
	]
	return " ".join(p for p in (label, ", ".join(x for x in phones if x)) if p)


def _raw_text(message: dict) -> str:
	"""A message the app does not know: said as such, with what arrived (never interpreted)."""
	kind = message.get("type") if isinstance(message.get("type"), str) else "unknown"
	raw = json.dumps(message, ensure_ascii=False, sort_keys=True)
	if len(raw) > RAW_LIMIT:
		raw = raw[:RAW_LIMIT] + "…"
	return f"(A WhatsApp message of type {kind!r} that the app does not show. As received: {raw})"


def _str(value) -> str:
	return value.strip() if isinstance(value, str) else ""


# --- statuses ------------------------------------------------------------------------------------
STATUSES = ("sent", "delivered", "read", "failed")


def parse_status(status: dict, account_id: str) -> DeliveryStatus | None:
	value = status.get("status")
	if value not in STATUSES:
		return None  # "deleted", "warning", payment statuses: nothing to show on a message
	bsuid, phone = customer_ids(status, [], status=True)
	errors = []
	for err in status.get("errors") or []:
		if not isinstance(err, dict):
			continue
		data = err.get("error_data") if isinstance(err.get("error_data"), dict) else {}
		try:
			code = int(err.get("code"))
		except (TypeError, ValueError):
			code = None
		errors.append(
			DeliveryError(
				code=code,
				title=_str(err.get("title")) or None,
				message=_str(err.get("message")) or None,
				details=_str(data.get("details")) or None,
			)
		)
	callback = status.get("biz_opaque_callback_data")
	return DeliveryStatus(
		platform=WHATSAPP,
		account_id=account_id,
		external_id=id_text(status.get("id")),
		status=value,
		at=_seconds(status.get("timestamp")),
		recipient_id=bsuid or phone,
		errors=errors,
		callback_data=callback if isinstance(callback, str) else None,
	)
