"""The last check before any word reaches a platform: the reply is sendable exactly as stored.

Every approval is a row on the reply (tier, approver, time, SHA-256 of the final text approved);
``assert_sendable`` runs right before the platform call (send job), so a reply pushed into Approved
by any other door is never posted.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _
from frappe.utils import cint

from social_support.tickets import get_adapter

from .compose import errors_of, final_checks
from .constants import APPROVED, AUTOMATIC, HIDE, PUBLIC_MODES, SENDING


class NotSendable(frappe.ValidationError):
	"""The reply's approval record does not allow sending it."""


def text_hash(text: str | None, image_hash: str | None = None) -> str:
	"""What an approval is given to: the final text, and the image's SHA-256 when one goes with it."""
	payload = (text or "") + (f"\x00image:{image_hash}" if image_hash else "")
	return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def holding_approvers(rows, final_text: str | None, image_hash: str | None = None) -> list[str]:
	"""Approvers (in order, repeats kept) whose approval was given to this very text (and image)."""
	current = text_hash(final_text, image_hash)
	return [r.get("approver") for r in rows or [] if r.get("text_hash") == current]


def mark_approved_by_policy(doc) -> None:
	"""The app created the reply Approved (no reason to hold it): its final text is the approved one."""
	if doc.status in (APPROVED, SENDING) and not cint(doc.approvals_needed):
		doc.approved_text_hash = text_hash(doc.final_text, doc.get("image_hash"))


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
			"purpose",
			"reference_doctype",
			"reference_name",
			"in_reply_to",
			"image",
			"image_hash",
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
	if bool(reply.image) != bool(reply.image_hash):
		raise NotSendable(_("Reply {0}: its image has no approval on record.").format(reply_name))
	if reply.approved_text_hash != text_hash(reply.final_text, reply.image_hash):
		if reply.image_hash:
			raise NotSendable(
				_("The text or image of reply {0} is not what was approved.").format(reply_name)
			)
		raise NotSendable(_("The text of reply {0} is not the text that was approved.").format(reply_name))
	needed = cint(reply.approvals_needed)
	if needed > 0:
		rows = frappe.get_all(
			"Social Reply Approval",
			filters={"parenttype": "Social Reply", "parent": reply_name, "parentfield": "approvals"},
			fields=["approver", "text_hash"],
			order_by="idx asc",
		)
		approvers = holding_approvers(rows, reply.final_text, reply.image_hash)
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
	if reply.purpose in AUTOMATIC and reply.mode in PUBLIC_MODES and _moved_to_private(reply):
		# the agent moved the conversation after this was queued: it stays unsaid
		raise NotSendable(
			_("Reply {0}: the public conversation was moved to private messages.").format(reply_name)
		)
	if reply.mode == HIDE and is_complaint(reply.in_reply_to):
		# the customer complained while the hide waited for approval: it stays visible
		raise NotSendable(_("Reply {0}: complaints are not hidden.").format(reply_name))
	settings = frappe.get_cached_doc("Social Support Settings")
	errors = errors_of(
		final_checks(
			reply.final_text, platform=reply.platform, mode=reply.mode, settings=settings, body=reply.text
		)
	)
	if errors:
		raise NotSendable(_("Reply {0} does not pass the checks: {1}").format(reply_name, " ".join(errors)))


def _moved_to_private(reply) -> bool:
	tickets = get_adapter()
	if reply.reference_doctype != tickets.doctype or not reply.reference_name:
		return False
	return bool(tickets.get(reply.reference_name, "moved_to_private_on"))


def is_complaint(message: str) -> bool:
	"""A complaint is never hidden: the message's own intent, or its ticket's."""
	msg = frappe.db.get_value(
		"Social Message", message, ["intent", "reference_doctype", "reference_name"], as_dict=True
	)
	if not msg:
		return False
	if msg.intent == "complaint":
		return True
	tickets = get_adapter()
	if msg.reference_doctype == tickets.doctype and msg.reference_name:
		return tickets.get(msg.reference_name, "intent") == "complaint"
	return False
