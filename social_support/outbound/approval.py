"""Who may let a Social Reply go out, and the last check before any of its words reach a platform.

Every approval is a row on the reply (tier, approver, time, SHA-256 of the final text approved).
The tiers a reply needs are filled by different people, none of them its author, each on exactly
the words that go out: an approver who edits the text voids the approvals given to the old words.
When the last tier is filled (or when the policy needs no approval at all), the hash of the final
text is kept on the reply; ``assert_sendable`` checks all of it again right before the platform call,
so a reply pushed into Approved by any other door is never posted.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from social_support.core.notify import notify

from .compose import compose, errors_of
from .constants import APPROVED, GESTURES, PENDING, REJECTED, SIGNED
from .gate import can_post
from .records import enqueue_send, note, notify_approvers
from .sendable import holding_approvers, text_hash

APPROVER_ROLES = ("Social Approver", "Social Manager", "System Manager")


def _require_approver(user: str) -> None:
	# not frappe.only_for: that one lets everybody through while tests run
	if set(APPROVER_ROLES).isdisjoint(frappe.get_roles(user)):
		frappe.throw(
			_("Only Social Approvers and Social Managers decide on replies."), frappe.PermissionError
		)


def _may_decide(reply, user: str) -> None:
	frappe.get_doc(reply.reference_doctype, reply.reference_name).check_permission("write")
	if not can_post(reply.channel, user):
		frappe.throw(
			_("You are not allowed to post from channel {0}.").format(reply.channel), frappe.PermissionError
		)


def _pending(name: str):
	"""The reply, its row locked until the end of the transaction: concurrent decisions queue here."""
	reply = frappe.get_doc("Social Reply", name, for_update=True)
	if reply.status != PENDING:
		frappe.throw(_("Reply {0} is {1}, not waiting for approval.").format(name, reply.status))
	return reply


def approve(name: str, text: str | None = None) -> dict:
	"""One tier of approval by the current user (optionally after editing the text)."""
	user = frappe.session.user
	_require_approver(user)
	reply = _pending(name)
	if reply.author == user:
		frappe.throw(_("A reply cannot be approved by its own author."), frappe.PermissionError)
	_may_decide(reply, user)
	before = holding_approvers(reply.approvals, reply.final_text)
	if text is not None and reply.whatsapp_template and text.strip() != reply.text:
		# the words of a WhatsApp template are WhatsApp's approved ones: reject it and write another
		frappe.throw(_("A WhatsApp template is sent as approved by WhatsApp; its text cannot be edited."))
	if text is not None and reply.mode not in GESTURES and text.strip() != reply.text:
		handle = (
			frappe.db.get_value("Social Message", reply.in_reply_to, "author_handle")
			if reply.in_reply_to
			else None
		)
		settings = frappe.get_cached_doc("Social Support Settings")
		body, final, checks = compose(
			text,
			platform=reply.platform,
			mode=reply.mode,
			handle=handle,
			author=reply.author,
			settings=settings,
			signed=reply.purpose in SIGNED,
		)
		errors = errors_of(checks)
		if errors:
			frappe.throw("<br>".join(frappe.utils.escape_html(e) for e in errors), title=_("Reply not sent"))
		reply.text, reply.final_text = body, final
		reply.warnings = "\n".join(c.message for c in checks) or None
	holding = holding_approvers(reply.approvals, reply.final_text, reply.get("image_hash"))
	if user in holding:
		frappe.throw(
			_("You have already approved this reply; the next tier needs another approver."),
			frappe.PermissionError,
		)
	current = text_hash(reply.final_text, reply.get("image_hash"))
	reply.append(
		"approvals",
		{"tier": len(holding) + 1, "approver": user, "approved_on": now_datetime(), "text_hash": current},
	)
	reply.approvals_done = len(holding) + 1
	reply.approved_by = "\n".join(
		f"{r.approver} ({r.approved_on})" + ("" if r.text_hash == current else " - earlier text")
		for r in reply.approvals
	)
	if reply.approvals_done >= cint(reply.approvals_needed):
		reply.status = APPROVED
		reply.approved_text_hash = current
	reply.flags.social_internal = True
	reply.save(ignore_permissions=True, ignore_version=False)  # the audit trail is the point
	line = _("Reply approved ({0}/{1}) by {2}").format(reply.approvals_done, reply.approvals_needed, user)
	if before and not holding:
		line += " " + _("after editing it; approvals given to the earlier text no longer count")
	note(reply, line)
	if reply.status == APPROVED:
		enqueue_send(reply.name)
	else:
		notify_approvers(reply)
	return {
		"name": reply.name,
		"status": reply.status,
		"approvals_done": reply.approvals_done,
		"approvals_needed": cint(reply.approvals_needed),
	}


def reject(name: str, reason: str) -> dict:
	user = frappe.session.user
	_require_approver(user)
	if not (reason or "").strip():
		frappe.throw(_("Say why the reply is rejected, so the agent can revise it."))
	reply = _pending(name)
	_may_decide(reply, user)
	reply.status = REJECTED
	reply.rejection_reason = reason.strip()
	reply.flags.social_internal = True
	reply.save(ignore_permissions=True, ignore_version=False)  # the audit trail is the point
	note(
		reply,
		_("Reply rejected by {0}: {1}").format(user, frappe.utils.escape_html(reason.strip())),
	)
	notify(
		[reply.author],
		_("Your reply on {0} was rejected").format(reply.reference_name),
		frappe.utils.escape_html(reason.strip()),
		document_type="Social Reply",
		document_name=reply.name,
	)
	return {"name": reply.name, "status": reply.status}
