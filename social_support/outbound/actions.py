"""Agent actions beyond a plain reply: move to DM, thank publicly, like, repost, hide.

All of them go through ``gate.submit``: the same permission, policy (trainees wait for approval),
at-most-once claim and audit line as a reply. Likes, reposts and hides carry no text.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_support.tickets import get_adapter

from . import gate
from .constants import FAILED, HIDE, LIKE, MOVE_TO_DM, REPOST, THANK_PUBLICLY

MOVE_TO_DM_NOTE = "Let's continue in a private message so we can look at your details safely."


def move_to_dm(ticket: str, text: str | None = None, note: str | None = None) -> dict:
	"""A short public note inviting the customer to private messages, then the private reply (without
	a private text, the note only asks the customer to write privately). Either way the public thread
	is marked moved: the customer's private messages join this ticket, nothing automatic goes public."""
	if not gate.first_public_inbound(ticket):
		frappe.throw(_("This conversation is already private."))
	# both are checked before either is stored: no public note without its private message
	# the public note answers the public thread, even when the customer wrote privately since
	public_route = gate.ticket_route(ticket, False, gate.first_public_inbound(ticket))
	private_route = gate.ticket_route(ticket, True) if (text or "").strip() else None
	if private_route:
		gate.verify(MOVE_TO_DM, text, private_route)
	public = gate.submit(MOVE_TO_DM, note or _(MOVE_TO_DM_NOTE), route=public_route)
	private = gate.submit(MOVE_TO_DM, text, route=private_route) if private_route else None
	mark_moved_to_private(ticket)
	return {"public": public, "private": private}


def mark_moved_to_private(ticket: str) -> None:
	"""The public thread is marked: from now on nothing automatic is posted there (the gate refuses it)."""
	tickets = get_adapter()
	first = not tickets.get(ticket, "moved_to_private_on")
	tickets.set(ticket, {"moved_to_private_on": now_datetime()})
	if first:
		tickets.add_comment(
			ticket,
			_(
				"Moved to private messages. The customer's private messages on this channel join this "
				"ticket; nothing automatic (follow-up, survey link, acknowledgement) is posted in the "
				"public thread."
			),
		)


def thank_publicly(ticket: str, text: str) -> dict:
	"""After a private resolution: come back to the public thread and thank the customer there."""
	first = gate.first_public_inbound(ticket)
	if not first:
		frappe.throw(
			_("The customer never wrote in public on this ticket; there is no public thread to come back to.")
		)
	return gate.submit(THANK_PUBLICLY, text, route=gate.ticket_route(ticket, False, first))


def _gesture(mode: str, message: str, **hide) -> dict:
	route = gate.message_route(message, mode)
	out = gate.submit(mode, route=route, once_key=gate.once(mode.lower(), message), **hide)
	if out["status"] == FAILED:
		error = frappe.db.get_value("Social Reply", out["name"], "error")
		frappe.throw(_("The platform refused: {0}").format(frappe.utils.escape_html(error or "")))
	return {"ok": True, **out}


def like(message: str) -> dict:
	return _gesture(LIKE, message)


def repost(message: str) -> dict:
	return _gesture(REPOST, message)


def hide(
	message: str, reason: str, rule: str | None = None, details: str | None = None, confirmed: bool = False
) -> dict:
	"""Hide a comment only as spam or as a breach of a published community rule (named), confirmed by a
	person every time — never to bury a complaint (the gate refuses it whatever the client sends)."""
	return _gesture(HIDE, message, reason=reason, rule=rule, details=details, confirmed=confirmed)
