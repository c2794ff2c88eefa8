"""Who may let a Social Reply go out, and the last check before any of its words reach a platform.

Every approval is a row on the reply (tier, approver, time, SHA-256 of the final text approved).
The tiers a reply needs are filled by different people, none of them its author, each on exactly
the words that go out: an approver who edits the text voids the approvals given to the old words.
When the last tier is filled (or when the policy needs no approval at all), the hash of the final
text is kept on the reply; ``assert_sendable`` checks all of it again right before the platform call,
so a reply pushed into Approved by any other door is never posted.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from . import gate
from .constants import APPROVED, GESTURES, PENDING, REJECTED, SENDING, SIGNED

APPROVER_ROLES = ("Social Approver", "Social Manager", "System Manager")


class NotSendable(frappe.ValidationError):
	"""The reply's approval record does not allow sending it."""


def text_hash(text: str | None) -> str:
	return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def holding_approvers(rows, final_text: str | None) -> list[str]:
	"""Approvers (in order, repeats kept) whose approval was given to this very text."""
	current = text_hash(final_text)
	return [r.get("approver") for r in rows or [] if r.get("text_hash") == current]


def mark_approved_by_policy(doc) -> None:
	"""The app created the reply Approved (no reason to hold it): its final text is the approved one."""
	if doc.status in (APPROVED, SENDING) and not cint(doc.approvals_needed):
		doc.approved_text_hash = text_hash(doc.final_text)


def assert_sendable(reply_name: str) -> None:
	"""Raise NotSendable unless the reply may be posted now, exactly as it is stored."""
	reply = frappe.db.get_value(
		"Social Reply",
		reply_name,
		[
			"name",
			"status",
			"author",
			"text",
			"final_text",
			"platform",
			"mode",
			"approvals_needed",
			"approved_text_hash",
		],
		as_dict=True,
	)
	if not reply:
		raise NotSendable(_("Social Reply {0} does not exist.").format(reply_name))
	if reply.status not in (APPROVED, SENDING):
		raise NotSendable(
			_("Reply {0} is {1}; only an approved reply is sent.").format(reply_name, reply.status)
		)
	if not reply.approved_text_hash:
		raise NotSendable(_("Reply {0} has no approval on record.").format(reply_name))
	if reply.approved_text_hash != text_hash(reply.final_text):
		raise NotSendable(_("The text of reply {0} is not the text that was approved.").format(reply_name))
	needed = cint(reply.approvals_needed)
	if needed > 0:
		rows = frappe.get_all(
			"Social Reply Approval",
			filters={"parenttype": "Social Reply", "parent": reply_name, "parentfield": "approvals"},
			fields=["approver", "text_hash"],
			order_by="idx asc",
		)
		approvers = holding_approvers(rows, reply.final_text)
		if not all(approvers) or reply.author in approvers:
			raise NotSendable(_("Reply {0} was approved by its own author.").format(reply_name))
		if len(set(approvers)) != len(approvers):
			raise NotSendable(_("One person filled several approval tiers of reply {0}.").format(reply_name))
		if len(approvers) < needed:
			raise NotSendable(
				_("Reply {0} needs {1} approvals by different people; {2} on record.").format(
					reply_name, needed, len(approvers)
				)
			)
	settings = frappe.get_cached_doc("Social Support Settings")
	errors = gate.errors_of(
		gate.final_checks(
			reply.final_text, platform=reply.platform, mode=reply.mode, settings=settings, body=reply.text
		)
	)
	if errors:
		raise NotSendable(_("Reply {0} does not pass the checks: {1}").format(reply_name, " ".join(errors)))


def _require_approver(user: str) -> None:
	# not frappe.only_for: that one lets everybody through while tests run
	if set(APPROVER_ROLES).isdisjoint(frappe.get_roles(user)):
		frappe.throw(
			_("Only Social Approvers and Social Managers decide on replies."), frappe.PermissionError
		)


def _may_decide(reply, user: str) -> None:
	from .replies import can_post

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
	from . import replies

	user = frappe.session.user
	_require_approver(user)
	reply = _pending(name)
	if reply.author == user:
		frappe.throw(_("A reply cannot be approved by its own author."), frappe.PermissionError)
	_may_decide(reply, user)
	before = holding_approvers(reply.approvals, reply.final_text)
	if text is not None and reply.mode not in GESTURES and text.strip() != reply.text:
		handle = (
			frappe.db.get_value("Social Message", reply.in_reply_to, "author_handle")
			if reply.in_reply_to
			else None
		)
		settings = frappe.get_cached_doc("Social Support Settings")
		body, final, checks = gate.compose(
			text,
			platform=reply.platform,
			mode=reply.mode,
			handle=handle,
			author=reply.author,
			settings=settings,
			signed=reply.purpose in SIGNED,
		)
		errors = gate.errors_of(checks)
		if errors:
			frappe.throw("<br>".join(frappe.utils.escape_html(e) for e in errors), title=_("Reply not sent"))
		reply.text, reply.final_text = body, final
		reply.warnings = "\n".join(c.message for c in checks) or None
	holding = holding_approvers(reply.approvals, reply.final_text)
	if user in holding:
		frappe.throw(
			_("You have already approved this reply; the next tier needs another approver."),
			frappe.PermissionError,
		)
	current = text_hash(reply.final_text)
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
	note = _("Reply approved ({0}/{1}) by {2}").format(reply.approvals_done, reply.approvals_needed, user)
	if before and not holding:
		note += " " + _("after editing it; approvals given to the earlier text no longer count")
	replies._comment(reply, note)
	if reply.status == APPROVED:
		replies.enqueue_send(reply.name)
	else:
		replies._notify_approvers(reply)
	return {
		"name": reply.name,
		"status": reply.status,
		"approvals_done": reply.approvals_done,
		"approvals_needed": cint(reply.approvals_needed),
	}


def reject(name: str, reason: str) -> dict:
	from . import replies

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
	replies._comment(
		reply,
		_("Reply rejected by {0}: {1}").format(user, frappe.utils.escape_html(reason.strip())),
	)
	from social_support.ingest.notify import notify

	notify(
		[reply.author],
		_("Your reply on {0} was rejected").format(reply.reference_name),
		frappe.utils.escape_html(reason.strip()),
		document_type="Social Reply",
		document_name=reply.name,
	)
	return {"name": reply.name, "status": reply.status}
