"""WhatsApp on the way in: one customer whatever id form WhatsApp uses, the number on the Contact,
and delivery statuses on our own messages.

A customer's id is their business-scoped user id (BSUID) where WhatsApp sends one, else their phone
number (wa_id); a customer first seen by number who later arrives by BSUID (or the other way round,
or without the number once they adopt a username) stays the one profile and the one conversation:
the profile keeps both forms (``scoped_user_id``, ``phone``) and an item is filed under the id its
customer's profile already has.
"""

from __future__ import annotations

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import escape_html

from social_support.core.keys import message_key
from social_support.core.rows import update_row
from social_support.platforms.base import (
	DELIVERY_FAILED,
	WHATSAPP,
	DeliveryStatus,
	InboundItem,
	dm_thread_key,
	later_status,
	valid_phone,
)
from social_support.platforms.whatsapp import delivery_error

PROFILE = "Social Profile"
# Frappe's Communication.delivery_status shows on the ticket's timeline
COMMUNICATION_STATUS = {"sent": "Sent", "delivered": "Sent", "read": "Read", "failed": "Error"}


# --- customers -----------------------------------------------------------------------------------
def known_customer(user_id: str, phone: str | None) -> str | None:
	"""The user id of the profile this customer already has, in whichever form it was made."""
	if frappe.db.exists(PROFILE, f"{WHATSAPP}-{user_id}"):
		return user_id
	if not valid_phone(user_id):
		found = frappe.db.get_value(PROFILE, {"platform": WHATSAPP, "scoped_user_id": user_id}, "user_id")
		if found:
			return found
	if phone:
		found = frappe.db.get_value(PROFILE, {"platform": WHATSAPP, "phone": phone}, "user_id")
		if found:
			return found
		if frappe.db.exists(PROFILE, f"{WHATSAPP}-{phone}"):
			return phone
	return None


def same_customer(item: InboundItem) -> InboundItem:
	"""The item filed under its customer's existing profile and conversation, whatever id form it came in."""
	if item.platform != WHATSAPP or not item.author or not item.author.user_id:
		return item
	known = known_customer(item.author.user_id, item.author.phone)
	if not known or known == item.author.user_id:
		return item
	return replace(item, author=replace(item.author, user_id=known), thread_key=dm_thread_key(known))


def remember_ids(profile, item: InboundItem, arrived_as: str) -> None:
	"""The customer's number and BSUID (``arrived_as`` when it is one) on their profile, and the
	number on the Contact."""
	if item.platform != WHATSAPP or not profile:
		return
	author = item.author
	scoped = arrived_as if arrived_as and not valid_phone(arrived_as) else None
	row = frappe.db.get_value(PROFILE, profile.name, ["phone", "scoped_user_id", "contact"], as_dict=True)
	if not row:
		return
	changes = {}
	if author.phone and row.phone != author.phone:
		changes["phone"] = author.phone
	if scoped and row.scoped_user_id != scoped:
		changes["scoped_user_id"] = scoped
	if changes:
		update_row(PROFILE, profile.name, changes)
	if author.phone and row.contact:
		add_phone_to_contact(row.contact, author.phone)


def add_phone_to_contact(contact: str, phone: str) -> None:
	"""The number on the Contact (as +<digits>), once; an agent's own numbers stay as they are."""
	number = "+" + phone
	existing = frappe.get_all(
		"Contact Phone", filters={"parent": contact, "parenttype": "Contact"}, pluck="phone"
	)
	digits = {"".join(ch for ch in (p or "") if ch.isdigit()) for p in existing}
	if phone in digits:
		return
	doc = frappe.get_doc("Contact", contact)
	doc.add_phone(number, is_primary_mobile_no=not doc.mobile_no, is_primary_phone=not doc.phone)
	doc.flags.ignore_permissions = True
	doc.flags.ignore_mandatory = True
	doc.save()


# --- delivery statuses ---------------------------------------------------------------------------
def apply_status(channel: str, status: DeliveryStatus) -> str:
	"""The status on our outbound Social Message, its reply and its Communication; a failure explained
	on the ticket. Returns "updated", "duplicate" (nothing new) or "skipped" (not a message of ours)."""
	from social_support.outbound.constants import FAILED, SENDING

	msg = frappe.db.get_value(
		"Social Message",
		{"message_key": message_key(channel, status.external_id)},
		["name", "delivery_status", "communication", "reference_doctype", "reference_name"],
		as_dict=True,
	)
	reply = None
	if status.callback_data:
		reply = frappe.db.get_value(
			"Social Reply",
			{"name": status.callback_data, "channel": channel},
			["name", "status", "external_id"],
			as_dict=True,
		)
	if not msg and reply and reply.status in (SENDING, FAILED) and not reply.external_id:
		# an attempt whose answer was lost did reach WhatsApp: the reply is Sent (never sent again)
		from social_support.outbound.send import FIELDS, _mark_sent

		row = frappe.db.get_value("Social Reply", reply.name, FIELDS, as_dict=True)
		_mark_sent(row, status.external_id)
		msg = frappe.db.get_value(
			"Social Message",
			{"message_key": message_key(channel, status.external_id)},
			["name", "delivery_status", "communication", "reference_doctype", "reference_name"],
			as_dict=True,
		)
	if not msg:
		if reply and reply.status == SENDING:
			# our send is still being recorded: fail the event so it is processed again shortly
			raise frappe.ValidationError(f"status for {status.external_id} arrived before its message")
		return "skipped"
	new = later_status(msg.delivery_status, status.status)
	if new == msg.delivery_status:
		return "duplicate"
	values = {"delivery_status": new}
	explanation = delivery_error(status.errors) if new == DELIVERY_FAILED else None
	if explanation:
		values["delivery_error"] = explanation[:1000]
	update_row("Social Message", msg.name, values)
	replies = frappe.get_all("Social Reply", filters={"social_message": msg.name}, pluck="name")
	if not replies and reply and reply.external_id == status.external_id:
		replies = [reply.name]
	for name in replies:
		reply_values = {"delivery_status": new}
		if explanation:
			reply_values["error"] = explanation[:1000]
		frappe.db.set_value("Social Reply", name, reply_values, update_modified=False)
	if msg.communication:
		frappe.db.set_value(
			"Communication",
			msg.communication,
			"delivery_status",
			COMMUNICATION_STATUS[new],
			update_modified=False,
		)
	if explanation and msg.reference_doctype and msg.reference_name:
		frappe.get_doc(msg.reference_doctype, msg.reference_name).add_comment(
			"Info",
			_("WhatsApp could not deliver a message to the customer: {0}").format(escape_html(explanation)),
		)
	return "updated"
