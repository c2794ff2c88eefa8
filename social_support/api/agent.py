"""Agent actions on social tickets (desk). Thin: parse, check permission, call outbound/."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from social_support.analysis.reply_checks import signature
from social_support.outbound import constants, gate, replies
from social_support.tickets import get_adapter


@frappe.whitelist(methods=["POST"])
def reply(
	ticket: str, text: str, private: int = 0, in_reply_to: str | None = None, image: str | None = None
) -> dict:
	"""Answer the customer where they wrote; ``image``: the URL of one of the ticket's image files
	(refused before anything is stored where the platform cannot carry it). Returns {name, status,
	warnings, approval_reasons, final_text}."""
	return replies.create(ticket, text, bool(cint(private)), in_reply_to, image=image or None)


@frappe.whitelist(methods=["POST"])
def reply_with_template(ticket: str, template: str, values: str | dict | None = None) -> dict:
	"""WhatsApp: send an approved template (its variables filled) where free text is not allowed."""
	from social_support.outbound import whatsapp

	get_adapter().check_permission(ticket, "write")
	return replies.create(
		ticket, "", whatsapp_template=template, template_values=whatsapp.parse_values(values or {})
	)


@frappe.whitelist()
def preview_template(ticket: str, template: str, values: str | dict | None = None) -> dict:
	"""WhatsApp: the template as the customer will read it with these values, and what is missing."""
	from social_support.outbound import whatsapp

	get_adapter().check_permission(ticket, "read")
	t = gate.ticket_context(ticket)
	return whatsapp.template_preview(t.channel, template, values or {})


@frappe.whitelist(methods=["POST"])
def approve_reply(reply: str, text: str | None = None) -> dict:
	"""Approve (optionally after editing the text); the last tier's approval sends it."""
	return replies.approve(reply, text)


@frappe.whitelist(methods=["POST"])
def reject_reply(reply: str, reason: str) -> dict:
	return replies.reject(reply, reason)


@frappe.whitelist()
def composer_context(ticket: str) -> dict:
	"""What the composer shows: the recent thread, modes and limits, signature, pending replies."""
	from social_support.platforms.limits import char_limit, image_refusal, modes

	t = gate.ticket_context(ticket)
	get_adapter().check_permission(ticket, "read")
	settings = frappe.get_cached_doc("Social Support Settings")
	thread = frappe.get_all(
		"Social Message",
		filters={"reference_name": ticket},
		fields=["name", "direction", "kind", "author_handle", "author_name", "text", "posted_on", "status"],
		order_by="posted_on desc",
		limit=10,
	)
	whatsapp = None
	if t.platform == "WhatsApp":
		from social_support.outbound import whatsapp as wa

		whatsapp = {"window": wa.window(ticket, t.channel), "templates": wa.templates_for(t.channel)}
	return {
		"platform": t.platform,
		"whatsapp": whatsapp,
		"conversation": t.conversation,
		"limits": {m: char_limit(t.platform, m) for m in modes(t.platform)},
		# which reply modes can carry an image (None) or why not, and the ticket's images to choose from
		"image_refusals": {
			m: image_refusal(
				t.platform, m, login=frappe.get_cached_value("Social Channel", t.channel, "instagram_login")
			)
			for m in modes(t.platform)
		},
		"images": ticket_images(ticket),
		"signature": signature(settings.signature_style, frappe.utils.get_fullname()),
		"thread": list(reversed(thread)),
		"can_post": gate.can_post(t.channel),
		"statuses": {
			"pending": constants.PENDING,
			"approved": constants.APPROVED,
			"sending": constants.SENDING,
			"sent": constants.SENT,
			"failed": constants.FAILED,
			"rejected": constants.REJECTED,
			"refused": constants.REFUSED,
		},
		"replies": frappe.get_all(
			"Social Reply",
			filters={"reference_name": ticket},
			fields=[
				"name",
				"status",
				"mode",
				"purpose",
				"final_text",
				"rejection_reason",
				"error",
				"author",
				"creation",
			],
			order_by="creation desc",
			limit=10,
		),
	}


@frappe.whitelist()
def check_draft(ticket: str, text: str, private: int = 0) -> dict:
	"""Live checks for the composer, on the text exactly as it would be sent (the customer's @handle on
	X public replies, the signature): count against the limit, personal data in public, tone."""
	get_adapter().check_permission(ticket, "read")
	return gate.preview(ticket, text, bool(cint(private)))


@frappe.whitelist(methods=["POST"])
def approve_replies(replies_: str | list[str] | None = None, names: str | list[str] | None = None) -> dict:
	"""Approve several pending replies at once (an incident's answers); each is checked and audited."""
	import json

	from social_support.outbound import approval

	names = names or replies_
	if isinstance(names, str):
		names = json.loads(names) if names.strip().startswith("[") else [names]
	if not isinstance(names, list) or len(names) > 500:
		frappe.throw(frappe._("Pass a list of at most 500 replies."))
	if set(approval.APPROVER_ROLES).isdisjoint(frappe.get_roles()):
		frappe.throw(
			frappe._("Only Social Approvers and Social Managers approve replies."), frappe.PermissionError
		)
	done, errors = [], {}
	for name in dict.fromkeys(str(n) for n in names):  # a name given twice is one approval, not two tiers
		try:
			done.append(replies.approve(name))
		except (frappe.ValidationError, frappe.PermissionError) as e:
			errors[name] = str(e)
			frappe.clear_messages()
	return {"approved": done, "errors": errors}


@frappe.whitelist(methods=["POST"])
def move_to_dm(ticket: str, text: str | None = None, note: str | None = None) -> dict:
	from social_support.outbound import actions

	return actions.move_to_dm(ticket, text, note)


@frappe.whitelist()
def customer_panel(ticket: str) -> dict:
	"""The customer at a glance for the ticket and the composer: read on the ticket; every list shows
	only what the user may read (other tickets, profiles, the Customer's orders, deliveries, invoices
	and open warranty claims)."""
	from social_support.ingest import customers

	return customers.panel(ticket)


@frappe.whitelist(methods=["POST"])
def link_contact(ticket: str, contact: str) -> dict:
	"""Link the ticket's Social Profile to an existing Contact ("same person as", or found by search):
	write on the ticket and the profile, read on the Contact; audited on all of them."""
	from social_support.ingest import customers

	return customers.link(ticket, contact)


@frappe.whitelist(methods=["POST"])
def unlink_contact(ticket: str) -> dict:
	"""Give the ticket's Social Profile its own new Contact again: write on the ticket and the profile; audited."""
	from social_support.ingest import customers

	return customers.unlink(ticket)


@frappe.whitelist(methods=["POST"])
def thank_publicly(ticket: str, text: str) -> dict:
	from social_support.outbound import actions

	return actions.thank_publicly(ticket, text)


@frappe.whitelist(methods=["POST"])
def like(message: str) -> dict:
	from social_support.outbound import actions

	return actions.like(message)


@frappe.whitelist(methods=["POST"])
def repost(message: str) -> dict:
	from social_support.outbound import actions

	return actions.repost(message)


@frappe.whitelist(methods=["POST"])
def hide_comment(
	message: str,
	reason: str,
	rule: str | None = None,
	details: str | None = None,
	confirmed: int = 0,
) -> dict:
	"""Hide a comment as Spam or as a breach of a published Community Rule (``rule`` names it); the agent
	confirms every time (``confirmed``); complaints are refused. Permission: the gate (posting role and
	write on the ticket)."""
	from social_support.outbound import actions

	return actions.hide(message, reason, rule, details, bool(cint(confirmed)))


@frappe.whitelist()
def community_rules() -> list[str]:
	"""The published community rules, for the hide dialog (any desk user may read them)."""
	from social_support.outbound import gate

	return gate.community_rules()


@frappe.whitelist(methods=["POST"])
def ignore(message: str | None = None, ticket: str | None = None, note: str | None = None) -> dict:
	"""Leave a message or a ticket alone (a troll): closed, nothing hidden, nothing posted, audited.
	Read on the message and write on the ticket."""
	from social_support.ingest import inbox

	return inbox.ignore(message, ticket, note)


@frappe.whitelist(methods=["POST"])
def incident_action(
	incident: str,
	action: str,
	tickets: str | list[str] | None = None,
	keyword: str | None = None,
	hours: int = 24,
	channel: str | None = None,
) -> dict:
	"""link | link_search (the conversations of the customer messages of the last ``hours`` that contain
	``keyword``) | post_update | answer_all | resolve."""
	import json

	from social_support.outbound import incidents

	if action == "link":
		if isinstance(tickets, str):
			tickets = json.loads(tickets) if tickets.strip().startswith("[") else [tickets]
		return incidents.link(incident, tickets or [])
	if action == "link_search":
		from social_support.ingest import inbox

		frappe.get_doc("Social Incident", incident).check_permission("write")
		names = inbox.search(keyword or "", cint(hours), channel)
		found, skipped = inbox.tickets_of(names)
		source = _('by the keyword "{0}" over {1} hours ({2} messages)').format(
			(keyword or "").strip(), cint(hours), len(names)
		)
		return {
			**incidents.link(incident, found, source=source),
			"messages": names,
			"skipped_messages": skipped,
		}
	if action in ("post_update", "answer_all", "resolve"):
		return getattr(incidents, action)(incident)
	frappe.throw(frappe._("Unknown incident action {0}").format(action))


IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")


def ticket_images(ticket: str) -> list[dict]:
	"""The ticket's image files the user may read (Frappe's own permission query), newest first."""
	rows = frappe.get_list(
		"File",
		filters={
			"attached_to_doctype": get_adapter().doctype,
			"attached_to_name": ticket,
			"is_folder": 0,
		},
		fields=["file_url", "file_name"],
		order_by="creation desc",
		limit_page_length=50,
	)
	return [
		{"value": r.file_url, "label": r.file_name}
		for r in rows
		if (r.file_name or "").rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS
	]
