"""Social Reply lifecycle: checks, approval policy, approve / reject, then the send job.

Statuses: Pending Approval -> Approved -> Sending -> Sent | Failed; or Rejected. A reply that
needs no approval goes straight to Approved. Every change is tracked (track_changes) and
approvals and rejections are also left as comments on the ticket.
"""

from __future__ import annotations

from datetime import timezone

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from social_support.analysis import detect_language
from social_support.analysis.reply_checks import ERROR, check_reply, signature, with_signature
from social_support.platforms.base import FACEBOOK, INSTAGRAM, X
from social_support.platforms.limits import DM, PRIVATE, PUBLIC
from social_support.tickets import get_adapter

PENDING, APPROVED, SENDING, SENT, FAILED, REJECTED = (
	"Pending Approval",
	"Approved",
	"Sending",
	"Sent",
	"Failed",
	"Rejected",
)
TRAINEE_ROLE = "Social Trainee"
ALWAYS_MAY_POST = ("Social Manager", "System Manager")
APPROVER_ROLE = "Social Approver"


def ticket_context(ticket: str) -> dict:
	issue = frappe.db.get_value(
		"Issue",
		ticket,
		[
			"name",
			"social_channel",
			"social_platform",
			"social_thread_key",
			"social_conversation",
			"social_profile",
			"status",
		],
		as_dict=True,
	)
	if not issue or not issue.social_channel:
		frappe.throw(_("{0} is not a social ticket.").format(ticket))
	return issue


def can_post(channel: str, user: str | None = None) -> bool:
	"""The channel's Posting Role (default Social Agent; a Social Approver is an agent too)."""
	roles = set(frappe.get_roles(user))
	if roles & set(ALWAYS_MAY_POST):
		return True
	if APPROVER_ROLE in roles:
		roles.add("Social Agent")
	role = frappe.db.get_value("Social Channel", channel, "posting_role") or "Social Agent"
	return role in roles


def _latest_inbound(ticket: str, kind: str | None = None):
	filters = {"reference_name": ticket, "direction": "Inbound"}
	if kind:
		filters["kind"] = kind
	rows = frappe.get_all(
		"Social Message",
		filters=filters,
		fields=["name", "external_id", "kind", "author_id", "author_handle", "posted_on", "thread_key"],
		order_by="posted_on desc",
		limit=1,
	)
	return rows[0] if rows else None


def plan(ticket: dict, private: bool, in_reply_to: str | None) -> dict:
	"""Where the reply goes: mode, target, the message answered, and the Meta messaging tag."""
	platform = ticket.social_platform
	if in_reply_to:
		answered = frappe.db.get_value(
			"Social Message",
			in_reply_to,
			[
				"name",
				"external_id",
				"kind",
				"author_id",
				"author_handle",
				"posted_on",
				"reference_name",
				"direction",
			],
			as_dict=True,
		)
		if not answered or answered.reference_name != ticket.name:
			frappe.throw(_("Message {0} is not part of ticket {1}.").format(in_reply_to, ticket.name))
	else:
		answered = _latest_inbound(ticket.name)
	if not answered:
		frappe.throw(_("The ticket has no customer message to answer yet."))
	thread_private = ticket.social_conversation == "Private" or answered.kind == "DM"
	customer = answered.author_id
	if thread_private or (private and platform == X):
		mode, target = DM, customer
	elif private:
		mode, target = PRIVATE, answered.external_id  # Meta: a private reply to the comment
	else:
		mode, target = PUBLIC, answered.external_id
	tag = None
	if platform in (FACEBOOK, INSTAGRAM) and mode in (DM, PRIVATE):
		tag = _meta_window(ticket.name, mode, answered)
	return {
		"mode": mode,
		"target": target,
		"answered": answered,
		"tag": tag,
		"handle": answered.author_handle,
	}


def _meta_window(ticket: str, mode: str, answered) -> str | None:
	"""RESPONSE inside 24 h; HUMAN_AGENT to 7 days (people only); beyond: refused before approval, not after."""
	from social_support.platforms.meta import PRIVATE_REPLY_WINDOW_DAYS, messaging_window

	now = now_datetime()
	if mode == PRIVATE:
		age_days = (now - get_datetime(answered.posted_on)).total_seconds() / 86400
		if age_days > PRIVATE_REPLY_WINDOW_DAYS:
			frappe.throw(
				_(
					"Meta allows a private reply to a comment only within 7 days; this comment is {0} days old."
				).format(int(age_days))
			)
		return None
	last = _latest_inbound(ticket, "DM") or answered
	window = messaging_window(
		get_datetime(last.posted_on).replace(tzinfo=timezone.utc), now.replace(tzinfo=timezone.utc), True
	)
	if window is None:
		frappe.throw(
			_(
				"The customer's last message is more than 7 days old: Meta does not allow a reply any more. Ask them to write again, or use another channel."
			)
		)
	return None if window == "RESPONSE" else "HUMAN_AGENT"


def approval_reasons(ticket: dict, mode: str, warnings: list, user: str, settings) -> list[str]:
	reasons = []
	if cint(settings.approve_all):
		reasons.append(_("all replies are approved"))
	# Administrator holds every role, the trainee one included; it is not a trainee
	if cint(settings.approve_trainees) and user != "Administrator" and TRAINEE_ROLE in frappe.get_roles(user):
		reasons.append(_("written by a trainee"))
	if cint(settings.approve_public) and mode == PUBLIC:
		reasons.append(_("public reply"))
	if cint(settings.approve_warnings) and warnings:
		reasons.append(_("has warnings"))
	if (
		cint(settings.approve_flagged)
		and ticket.social_profile
		and frappe.db.get_value("Social Profile", ticket.social_profile, "flagged")
	):
		reasons.append(_("flagged profile"))
	threshold = cint(settings.approve_min_followers)
	if threshold and ticket.social_profile:
		followers = cint(frappe.db.get_value("Social Profile", ticket.social_profile, "follower_count"))
		if followers >= threshold:
			reasons.append(_("high-reach profile ({0} followers)").format(followers))
	return reasons


def compose(
	text: str, *, platform: str, mode: str, handle: str | None, author: str, settings
) -> tuple[str, str, list]:
	"""The text as sent (the customer's @handle kept on X public replies, signature added), and its checks."""
	body = (text or "").strip()
	if platform == X and mode == PUBLIC and handle and f"@{handle.lower()}" not in body.lower():
		body = f"@{handle} {body}"  # X threads replies under the mention; keep the customer addressed
	final = with_signature(body, signature(settings.signature_style, frappe.utils.get_fullname(author)))
	checks = check_reply(
		final,
		platform=platform,
		mode=mode,
		block_pii_in_public=bool(cint(settings.block_pii_in_public)),
		language=detect_language(body),
		require_greeting=bool(cint(settings.require_greeting)),
	)
	errors = [c.message for c in checks if c.level == ERROR]
	if errors:
		frappe.throw("<br>".join(frappe.utils.escape_html(e) for e in errors), title=_("Reply not sent"))
	return body, final, [c.message for c in checks]


def create(
	ticket_name: str,
	text: str,
	private: bool = False,
	in_reply_to: str | None = None,
	communication: str | None = None,
	purpose: str = "Reply",
	incident: str | None = None,
) -> dict:
	user = frappe.session.user
	ticket = ticket_context(ticket_name)
	frappe.get_doc("Issue", ticket_name).check_permission("write")  # posting in its name changes the ticket
	if not can_post(ticket.social_channel, user):
		frappe.throw(
			_("You are not allowed to post from channel {0}.").format(ticket.social_channel),
			frappe.PermissionError,
		)
	settings = frappe.get_cached_doc("Social Support Settings")
	p = plan(ticket, bool(private), in_reply_to)
	body, final, warnings = compose(
		text,
		platform=ticket.social_platform,
		mode=p["mode"],
		handle=p["handle"],
		author=user,
		settings=settings,
	)
	reasons = approval_reasons(ticket, p["mode"], warnings, user, settings)
	tiers = max(1, min(3, cint(settings.approval_tiers) or 1)) if reasons else 0
	reply = frappe.get_doc(
		{
			"doctype": "Social Reply",
			"reference_doctype": get_adapter().doctype,
			"reference_name": ticket_name,
			"channel": ticket.social_channel,
			"platform": ticket.social_platform,
			"mode": p["mode"],
			"in_reply_to": p["answered"].name,
			"target_id": p["target"],
			"messaging_tag": p["tag"],
			"text": body,
			"final_text": final,
			"warnings": "\n".join(warnings) or None,
			"approvals_needed": tiers,
			"approvals_done": 0,
			"approval_reasons": ", ".join(reasons) or None,
			"author": user,
			"status": PENDING if tiers else APPROVED,
			"communication": communication,
			"purpose": purpose,
			"incident": incident,
		}
	)
	reply.flags.social_internal = True
	reply.insert(ignore_permissions=True)
	if tiers:
		_notify_approvers(reply)
	else:
		enqueue_send(reply.name)
	return {
		"name": reply.name,
		"status": reply.status,
		"warnings": warnings,
		"approval_reasons": reasons,
		"final_text": final,
	}


def approve(name: str, text: str | None = None) -> dict:
	from .approval import approve as _approve

	return _approve(name, text)


def reject(name: str, reason: str) -> dict:
	from .approval import reject as _reject

	return _reject(name, reason)


def _comment(reply, text: str) -> None:
	frappe.get_doc(reply.reference_doctype, reply.reference_name).add_comment("Info", text)


def _notify_approvers(reply) -> None:
	from social_support.ingest.notify import notify, users_with_role

	notify(
		[u for u in users_with_role("Social Approver", "Social Manager") if u != reply.author]
		or ["Administrator"],
		_("Reply on {0} waits for approval").format(reply.reference_name),
		frappe.utils.escape_html(reply.final_text or ""),
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
