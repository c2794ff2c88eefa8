"""Agent replies on a ticket, and approving or rejecting what waits.

Every outbound item is created by ``gate.submit`` (route, compose, checks, policy, once, send);
``create`` is the agent's reply on a ticket through it. Statuses (``constants``): Pending Approval
-> Approved -> Sending -> Sent | Failed; or Rejected; automatic messages that fail the checks are
Refused. Every change is tracked (track_changes) and approvals and rejections are also left as
comments on the ticket.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from . import gate
from .constants import APPROVED, FAILED, GESTURES, PENDING, REFUSED, REJECTED, REPLY, SENDING, SENT, SIGNED
from .gate import can_post, compose, enqueue_send, errors_of, plan, ticket_context

__all__ = [
	"APPROVED",
	"FAILED",
	"PENDING",
	"REFUSED",
	"REJECTED",
	"SENDING",
	"SENT",
	"approve",
	"can_post",
	"create",
	"enqueue_send",
	"plan",
	"reject",
	"ticket_context",
]


def create(
	ticket_name: str,
	text: str,
	private: bool = False,
	in_reply_to: str | None = None,
	communication: str | None = None,
	purpose: str = REPLY,
	incident: str | None = None,
	once_key: str | None = None,
) -> dict:
	"""A reply on a ticket (by the agent in session, or the app for automatic purposes)."""
	route = gate.ticket_route(ticket_name, bool(private), in_reply_to)
	return gate.submit(
		purpose, text, route=route, incident=incident, communication=communication, once_key=once_key
	)


def approve(name: str, text: str | None = None) -> dict:
	frappe.only_for(("Social Approver", "Social Manager", "System Manager"))
	reply = frappe.get_doc("Social Reply", name)
	if reply.status != PENDING:
		frappe.throw(_("Reply {0} is {1}, not waiting for approval.").format(name, reply.status))
	if reply.author == frappe.session.user and "System Manager" not in frappe.get_roles():
		frappe.throw(_("A reply cannot be approved by its own author."), frappe.PermissionError)
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
	reply.approvals_done = cint(reply.approvals_done) + 1
	reply.approved_by = "\n".join(
		filter(None, [reply.approved_by, f"{frappe.session.user} ({now_datetime()})"])
	)
	if reply.approvals_done >= cint(reply.approvals_needed):
		reply.status = APPROVED
	reply.save(
		ignore_permissions=True, ignore_version=False
	)  # the audit trail is the point: keep it in tests too
	_comment(
		reply,
		_("Reply approved ({0}/{1}) by {2}").format(
			reply.approvals_done, reply.approvals_needed, frappe.session.user
		),
	)
	if reply.status == APPROVED:
		enqueue_send(reply.name)
	else:
		_notify_approvers(reply)
	return {"name": reply.name, "status": reply.status, "approvals_done": reply.approvals_done}


def reject(name: str, reason: str) -> dict:
	frappe.only_for(("Social Approver", "Social Manager", "System Manager"))
	if not (reason or "").strip():
		frappe.throw(_("Say why the reply is rejected, so the agent can revise it."))
	reply = frappe.get_doc("Social Reply", name)
	if reply.status != PENDING:
		frappe.throw(_("Reply {0} is {1}, not waiting for approval.").format(name, reply.status))
	reply.status = REJECTED
	reply.rejection_reason = reason.strip()
	reply.save(
		ignore_permissions=True, ignore_version=False
	)  # the audit trail is the point: keep it in tests too
	_comment(
		reply,
		_("Reply rejected by {0}: {1}").format(frappe.session.user, frappe.utils.escape_html(reason.strip())),
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


def _comment(reply, text: str) -> None:
	gate.note(reply, text)


def _notify_approvers(reply) -> None:
	gate.notify_approvers(reply)
