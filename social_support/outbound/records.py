"""What every step of the way out leaves behind: notes on what an item belongs to, approvers told,
the send job queued. Gate, approval and send all write through here (none of them imports another
for it)."""

from __future__ import annotations

import frappe
from frappe import _

from social_support.core.notify import notify, users_of_first_staffed_role
from social_support.tickets import get_adapter

from .constants import GESTURES


def describe(reply) -> str:
	"""What an outbound item says or does, for people (notifications, comments)."""
	if reply.mode in GESTURES:
		text = frappe.db.get_value("Social Message", reply.in_reply_to, "text") or ""
		return _("{0} the customer's message: {1}").format(_(reply.mode), text[:200])
	return reply.final_text or ""


def note(reply, html: str) -> None:
	"""An Info comment on what the item belongs to (the ticket, the incident or the message)."""
	if not (reply.reference_doctype and reply.reference_name):
		return
	tickets = get_adapter()
	if reply.reference_doctype == tickets.doctype:
		tickets.add_comment(reply.reference_name, html)  # where the ticket system shows notes to agents
	else:
		frappe.get_doc(reply.reference_doctype, reply.reference_name).add_comment("Info", html)


def notify_approvers(reply) -> None:
	notify(
		[u for u in users_of_first_staffed_role("Social Approver", "Social Manager") if u != reply.author]
		or ["Administrator"],
		_("{0} on {1} waits for approval").format(_(reply.purpose), reply.reference_name),
		frappe.utils.escape_html(describe(reply)),
		document_type="Social Reply",
		document_name=reply.name,
	)


def enqueue_send(name: str) -> None:
	frappe.enqueue(
		"social_support.outbound.send.send_reply",
		queue="short",
		job_id=f"social_support:send:{name}",
		deduplicate=True,
		enqueue_after_commit=True,
		name=name,
	)
