"""Agent actions beyond a plain reply: move to DM, thank publicly, like, repost, hide."""

from __future__ import annotations

import frappe
from frappe import _

from social_support.ingest import channels as ch
from social_support.platforms import make_client
from social_support.platforms.base import PlatformError

from . import replies

MOVE_TO_DM_NOTE = "Let's continue in a private message so we can look at your details safely."
HIDE_REASONS = ("spam", "troll")


def first_public_inbound(ticket: str):
	rows = frappe.get_all(
		"Social Message",
		filters={"reference_name": ticket, "direction": "Inbound", "kind": ("!=", "DM")},
		pluck="name",
		order_by="posted_on asc",
		limit=1,
	)
	return rows[0] if rows else None


def move_to_dm(ticket: str, text: str, note: str | None = None) -> dict:
	"""A short public note inviting the customer to private messages, then the private reply."""
	if not first_public_inbound(ticket):
		frappe.throw(_("This conversation is already private."))
	public = replies.create(ticket, note or _(MOVE_TO_DM_NOTE), private=False, purpose="Move to DM")
	private = replies.create(ticket, text, private=True, purpose="Move to DM")
	return {"public": public, "private": private}


def thank_publicly(ticket: str, text: str) -> dict:
	"""After a private resolution: come back to the public thread and thank the customer there."""
	first = first_public_inbound(ticket)
	if not first:
		frappe.throw(
			_("The customer never wrote in public on this ticket; there is no public thread to come back to.")
		)
	return replies.create(ticket, text, private=False, in_reply_to=first, purpose="Thank Publicly")


def _message_and_client(message: str):
	msg = frappe.get_doc("Social Message", message)
	if msg.direction != "Inbound":
		frappe.throw(_("Only customer messages can be liked, reposted or hidden."))
	if msg.reference_name:
		frappe.get_doc(msg.reference_doctype, msg.reference_name).check_permission("write")
	else:
		msg.check_permission("read")  # a logged message in the Social Inbox, on no ticket yet
	if not replies.can_post(msg.channel):
		frappe.throw(
			_("You are not allowed to act from channel {0}.").format(msg.channel), frappe.PermissionError
		)
	return msg, make_client(ch.channel_config(msg.channel))


def _audit(msg, text: str) -> None:
	if msg.reference_name:
		frappe.get_doc(msg.reference_doctype, msg.reference_name).add_comment("Info", text)
	msg.add_comment("Info", text)


def _run(fn, *args):
	try:
		return fn(*args)
	except PlatformError as e:
		frappe.throw(_("The platform refused: {0}").format(frappe.utils.escape_html(str(e))))


def like(message: str) -> dict:
	msg, client = _message_and_client(message)
	_run(client.like, msg.external_id)
	frappe.db.set_value("Social Message", msg.name, "liked", 1, update_modified=False)
	_audit(msg, _("{0} liked the customer's message on {1}.").format(frappe.session.user, msg.platform))
	return {"ok": True}


def repost(message: str) -> dict:
	msg, client = _message_and_client(message)
	_run(client.repost, msg.external_id)
	_audit(msg, _("{0} reposted the customer's message on {1}.").format(frappe.session.user, msg.platform))
	return {"ok": True}


def hide(message: str, reason: str, breaks_rules: bool = False) -> dict:
	"""Hide a comment only when it is spam or abuse against the published rules — never to bury a complaint."""
	msg, client = _message_and_client(message)
	if not (reason or "").strip():
		frappe.throw(_("Say why the comment is hidden; it is kept in the audit trail."))
	if msg.intent not in HIDE_REASONS and not breaks_rules:
		frappe.throw(
			_(
				"This comment was not classified as spam or trolling. Confirm that it breaks the published rules to hide it; complaints are never hidden."
			)
		)
	if msg.intent == "complaint" and not breaks_rules:
		frappe.throw(_("Complaints are not hidden."))
	_run(client.hide, msg.external_id, True)
	frappe.db.set_value("Social Message", msg.name, "hidden", 1, update_modified=False)
	_audit(
		msg,
		_("{0} hid this comment on {1}: {2}").format(
			frappe.session.user, msg.platform, frappe.utils.escape_html(reason.strip())
		),
	)
	return {"ok": True}
