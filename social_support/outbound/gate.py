"""One way out: every word and gesture the brand publishes passes here.

``submit(purpose, ...)`` creates the outbound Social Reply of any purpose (an agent's reply, move
to DM, thank publicly, an acknowledgement, a follow-up, an incident answer or status update, a
survey invitation, a like, a repost, a hide) and walks it through the same steps:

1. route: channel, mode, target, what it answers, the reference (ticket, incident or message),
   Meta's window and tag; refused when the platform would refuse;
2. who: the author may post from the channel and write the ticket (automatic messages are the
   app's own and skip this step, never the others);
3. compose: the customer's @handle on X public replies, the agent's signature on their own words;
4. checks (``analysis.reply_checks``): length, personal data in public, tone. An error stops an
   agent's message before anything is stored; a templated one is recorded as Refused with the
   reason on the ticket (or incident), so one bad template never stops the others;
5. policy: approval reasons and tiers (automatic messages are pre-approved by policy, never
   unchecked); a hide needs its reason (spam, or a published community rule named) and a person's
   confirmation every time, and is refused for complaints (the message's or its ticket's intent)
   whatever the client says;
6. once: a once-key (per message for gestures, per incident/channel/text for a status update,
   per survey and way, per ticket for acknowledgements) gives back the existing live item
   instead of a second one, enforced by a unique index;
7. send: the send job (``send.send_reply``: claim by compare-and-set, look before resending,
   outbound Social Message, audit line). Status updates and gestures are sent at once when
   nothing holds them, so the agent sees the platform's answer.

``preview`` runs steps 1, 3 and 4 without storing anything: the composer's live count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timezone

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from social_support.analysis import detect_language
from social_support.analysis.reply_checks import ERROR, check_reply, signature, with_signature
from social_support.core.channels import unavailable_actions
from social_support.platforms.base import FACEBOOK, INSTAGRAM, WHATSAPP, X
from social_support.platforms.limits import char_limit
from social_support.platforms.meta import PRIVATE_REPLY_WINDOW_DAYS, messaging_window
from social_support.platforms.x import rules as x_rules
from social_support.tickets import get_adapter

from . import images
from .compose import compose, errors_of, final_checks
from .constants import (
	APPROVED,
	AUTOMATIC,
	CLOSED,
	DM,
	GESTURES,
	HIDE,
	HIDE_RULE,
	HIDE_SPAM,
	INCIDENT_UPDATE,
	LIVE,
	PENDING,
	POST,
	PRIVATE,
	PUBLIC,
	PUBLIC_MODES,
	REFUSED,
	SIGNED,
	TEMPLATED,
)
from .records import describe, enqueue_send, note, notify_approvers
from .send import send_reply
from .sendable import is_complaint

TRAINEE_ROLE = "Social Trainee"
ALWAYS_MAY_POST = ("Social Manager", "System Manager")
DEFAULT_POSTING_ROLES = ("Social Agent", "Social Approver")
APP_AUTHOR = "Administrator"  # automatic messages: the app speaks, not a person
SEND_AT_ONCE = (INCIDENT_UPDATE, *GESTURES)


@dataclass
class Route:
	"""Where an outbound item goes and what it belongs to."""

	channel: str
	platform: str
	mode: str
	reference_doctype: str
	reference_name: str
	target: str | None = None
	in_reply_to: str | None = None  # the Social Message answered or acted on
	tag: str | None = None  # Meta messaging tag
	window_open: bool | None = None  # WhatsApp: the 24-hour customer service window (None: not WhatsApp)
	template: str | None = None  # WhatsApp: the approved template to send instead of free text
	handle: str | None = None  # the customer's handle (X public replies address it)
	profile: str | None = None  # the customer's Social Profile (policy: flagged, high reach)
	ticket: frappe._dict | None = None


# --- 1. route ------------------------------------------------------------------------------------
def ticket_context(ticket: str) -> frappe._dict:
	"""The ticket's social context from the ticket adapter (channel, platform, thread_key, conversation,
	profile, status, ...); refused when the ticket is not a social ticket."""
	t = get_adapter().context(ticket)
	if not t:
		frappe.throw(_("{0} is not a social ticket.").format(ticket))
	return t


MESSAGE_FIELDS = (
	"name",
	"external_id",
	"kind",
	"author_id",
	"author_handle",
	"posted_on",
	"thread_key",
	"summoned",
	"text",
	"permalink",
)


def latest_inbound(ticket: str, kind: str | None = None):
	filters = {"reference_name": ticket, "direction": "Inbound"}
	if kind:
		filters["kind"] = kind
	rows = frappe.get_all(
		"Social Message",
		filters=filters,
		fields=[*MESSAGE_FIELDS],
		order_by="posted_on desc",
		limit=1,
	)
	return rows[0] if rows else None


def first_public_inbound(ticket: str):
	"""The customer's first public message on a ticket (where a public thread can be answered)."""
	rows = frappe.get_all(
		"Social Message",
		filters={"reference_name": ticket, "direction": "Inbound", "kind": ("!=", "DM")},
		pluck="name",
		order_by="posted_on asc",
		limit=1,
	)
	return rows[0] if rows else None


def plan(ticket: dict, private: bool, in_reply_to: str | None) -> dict:
	"""Where a reply on a ticket goes: mode, target, the message answered, and the Meta messaging tag."""
	platform = ticket.platform
	if in_reply_to:
		answered = frappe.db.get_value(
			"Social Message", in_reply_to, [*MESSAGE_FIELDS, "reference_name", "direction"], as_dict=True
		)
		if not answered or answered.reference_name != ticket.name:
			frappe.throw(_("Message {0} is not part of ticket {1}.").format(in_reply_to, ticket.name))
	else:
		answered = latest_inbound(ticket.name)
	if not answered:
		frappe.throw(_("The ticket has no customer message to answer yet."))
	thread_private = ticket.conversation == "Private" or answered.kind == "DM" or platform == WHATSAPP
	customer = answered.author_id
	if thread_private or (private and platform == X):
		mode, target = DM, customer
	elif private:
		mode, target = PRIVATE, answered.external_id  # Meta: a private reply to the comment
	else:
		if platform == X:
			answered = _x_answerable(ticket, answered, explicit=bool(in_reply_to))
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


class ReplyNotAllowed(frappe.ValidationError):
	"""The platform would refuse this: said before approval, with what can be done instead."""


def _x_answerable(ticket: dict, answered, explicit: bool):
	"""X: pay-per-use apps reply publicly only to posts that @mention the account or quote it.

	The message to answer when the platform allows it: the one asked for, or (when the agent did
	not pick one) the customer's latest post on the ticket that summoned the account, so a
	customer's own follow-up in their thread is answered under the post that called us. Refused
	with what can be done instead when there is none."""
	access, handle = frappe.db.get_value("Social Channel", ticket.channel, ["x_access", "account_handle"])
	handle = (handle or "").lstrip("@")
	if not x_rules.is_self_serve(access):
		return answered

	def summons(msg) -> bool:
		return bool(cint(msg.summoned)) or x_rules.mentions_handle(msg.text, handle)

	if summons(answered):
		return answered
	if not explicit:
		for msg in frappe.get_all(
			"Social Message",
			filters={"reference_name": ticket.name, "direction": "Inbound", "kind": ("!=", "DM")},
			fields=[*MESSAGE_FIELDS],
			order_by="posted_on desc",
			limit=50,
		):
			if summons(msg):
				return msg
	options = _(
		"Answer by direct message instead (tick Private; X delivers it only if the customer accepts messages from the account)"
	)
	if answered.permalink:
		link = frappe.utils.escape_html(answered.permalink)
		options += _(", or open the post on X and answer by hand: {0}").format(
			f'<a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a>'
		)
	frappe.throw(
		_("X does not let this channel reply publicly here: {0}, and this post does neither. {1}.").format(
			_(x_rules.UNSUMMONED_REPLY), options
		),
		ReplyNotAllowed,
		title=_("Public reply not possible on X"),
	)


def _meta_window(ticket: str, mode: str, answered) -> str | None:
	"""RESPONSE inside 24 h; HUMAN_AGENT to 7 days (people only); beyond: refused before approval, not after."""
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
	last = latest_inbound(ticket, "DM") or answered
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


def ticket_route(ticket_name: str, private: bool = False, in_reply_to: str | None = None) -> Route:
	t = ticket_context(ticket_name)
	p = plan(t, bool(private), in_reply_to)
	return Route(
		channel=t.channel,
		platform=t.platform,
		mode=p["mode"],
		reference_doctype=get_adapter().doctype,
		reference_name=t.name,
		target=p["target"],
		in_reply_to=p["answered"].name,
		tag=p["tag"],
		handle=p["handle"],
		profile=t.profile,
		ticket=t,
		window_open=_whatsapp_window_open(t) if t.platform == WHATSAPP else None,
	)


def _whatsapp_window_open(ticket) -> bool:
	from . import whatsapp

	return whatsapp.window(ticket.name, ticket.channel)["open"]


def message_route(message: str, mode: str) -> Route:
	"""A gesture (like, repost, hide) on a customer's message."""
	msg = frappe.db.get_value(
		"Social Message",
		message,
		[
			"name",
			"channel",
			"platform",
			"direction",
			"external_id",
			"author_handle",
			"social_profile",
			"reference_doctype",
			"reference_name",
		],
		as_dict=True,
	)
	if not msg:
		frappe.throw(_("Message {0} does not exist.").format(message))
	if msg.direction != "Inbound":
		frappe.throw(_("Only customer messages can be liked, reposted or hidden."))
	ticket = msg.reference_name if msg.reference_doctype == get_adapter().doctype else None
	return Route(
		channel=msg.channel,
		platform=msg.platform,
		mode=mode,
		reference_doctype=msg.reference_doctype if ticket else "Social Message",
		reference_name=ticket or msg.name,
		target=msg.external_id,
		in_reply_to=msg.name,
		handle=msg.author_handle,
		profile=msg.social_profile,
		ticket=ticket_context(ticket) if ticket else None,
	)


def channel_route(channel: str, incident: str) -> Route:
	"""A post of the channel's own for an incident: no ticket, no customer."""
	platform = frappe.db.get_value("Social Channel", channel, "platform")
	if not platform:
		frappe.throw(_("Channel {0} does not exist.").format(channel))
	return Route(
		channel=channel,
		platform=platform,
		mode=POST,
		reference_doctype="Social Incident",
		reference_name=incident,
	)


def refuse_unavailable(route: Route) -> None:
	"""A gesture the platform does not allow this channel (a like on pay-per-use X): refused
	before anything is stored, after the permission check."""
	if route.mode.lower() in unavailable_actions(frappe.get_cached_doc("Social Channel", route.channel)):
		frappe.throw(
			_("{0} is not available on channel {1}: the platform does not allow it with this access.").format(
				_(route.mode), route.channel
			),
			ReplyNotAllowed,
			title=_("Not available"),
		)


# --- 2. who --------------------------------------------------------------------------------------
def can_post(channel: str, user: str | None = None) -> bool:
	"""The channel's Posting Role; without one, Social Agents and Social Approvers (approvers are agents too)."""
	roles = set(frappe.get_roles(user))
	if roles & set(ALWAYS_MAY_POST):
		return True
	if roles & set(DEFAULT_POSTING_ROLES):
		roles.add("Social Agent")  # an approver is an agent too (approving posts on the channel)
	return (frappe.db.get_value("Social Channel", channel, "posting_role") or "Social Agent") in roles


def authorize(route: Route, user: str) -> None:
	if not can_post(route.channel, user):
		frappe.throw(
			_("You are not allowed to post from channel {0}.").format(route.channel), frappe.PermissionError
		)
	# answering, liking or hiding on a ticket changes it; a status update changes the incident
	ptype = "read" if route.reference_doctype == "Social Message" else "write"
	frappe.get_doc(route.reference_doctype, route.reference_name).check_permission(ptype)


# --- 3. compose and 4. checks (compose.py) -------------------------------------------------------
def verify(purpose: str, text: str, route: Route) -> None:
	"""Refuse now what ``submit`` would refuse, without storing anything."""
	user = APP_AUTHOR if purpose in AUTOMATIC else frappe.session.user
	_body, _final, checks = compose(
		text,
		platform=route.platform,
		mode=route.mode,
		handle=route.handle,
		author=user,
		settings=frappe.get_cached_doc("Social Support Settings"),
		signed=purpose in SIGNED,
	)
	errors = errors_of(checks)
	if errors:
		frappe.throw("<br>".join(frappe.utils.escape_html(e) for e in errors), title=_("Reply not sent"))


def preview(ticket: str, text: str, private: bool = False, purpose: str = "Reply") -> dict:
	"""What the composer shows while typing: the text as it will be sent, its length and the checks."""
	route = ticket_route(ticket, private)
	settings = frappe.get_cached_doc("Social Support Settings")
	_body, final, checks = compose(
		text,
		platform=route.platform,
		mode=route.mode,
		handle=route.handle,
		author=frappe.session.user,
		settings=settings,
		signed=purpose in SIGNED,
	)
	return {
		"mode": route.mode,
		"final_text": final,
		"length": len(final),
		"limit": char_limit(route.platform, route.mode),
		"checks": [c.to_dict() for c in checks],
	}


# --- 5. policy -----------------------------------------------------------------------------------
def approval_reasons(route: Route, warnings: list, user: str, settings) -> list[str]:
	reasons = []
	if cint(settings.approve_all):
		reasons.append(_("all replies are approved"))
	# Administrator holds every role, the trainee one included; it is not a trainee
	if cint(settings.approve_trainees) and user != "Administrator" and TRAINEE_ROLE in frappe.get_roles(user):
		reasons.append(_("written by a trainee"))
	if cint(settings.approve_public) and route.mode in PUBLIC_MODES:
		reasons.append(_("public reply"))
	if cint(settings.approve_warnings) and warnings:
		reasons.append(_("has warnings"))
	if (
		cint(settings.approve_flagged)
		and route.profile
		and frappe.db.get_value("Social Profile", route.profile, "flagged")
	):
		reasons.append(_("flagged profile"))
	threshold = cint(settings.approve_min_followers)
	if threshold and route.profile:
		followers = cint(frappe.db.get_value("Social Profile", route.profile, "follower_count"))
		if followers >= threshold:
			reasons.append(_("high-reach profile ({0} followers)").format(followers))
	return reasons


def community_rules() -> list[str]:
	"""The published community rules, as the settings list them."""
	settings = frappe.get_cached_doc("Social Support Settings")
	return [r.rule.strip() for r in settings.get("community_rules") or [] if (r.rule or "").strip()]


def check_hide(message: str, reason: str | None, rule: str | None, confirmed: bool) -> tuple[str, str | None]:
	"""Hide only spam or a breach of a published community rule, named; a person confirms every time
	(whatever triage said); never a complaint. Returns (the reason as stored, the rule)."""
	if not confirmed:
		frappe.throw(
			_(
				"Confirm that this comment is spam or breaks the published community rules; nothing is hidden unconfirmed."
			),
			frappe.ValidationError,
		)
	if is_complaint(message):
		frappe.throw(_("Complaints are not hidden."))  # no flag from a client changes this
	if reason == HIDE_SPAM:
		return HIDE_SPAM, None
	if reason != HIDE_RULE:
		frappe.throw(_("A comment is hidden only as {0} or as {1}.").format(_(HIDE_SPAM), _(HIDE_RULE)))
	rules = community_rules()
	if not rules:
		frappe.throw(
			_(
				"No community rules are published: a System Manager lists them in Social Support Settings first."
			)
		)
	named = (rule or "").strip()
	if named not in rules:
		frappe.throw(_("Name the published community rule the comment breaks."))
	return HIDE_RULE, named


MOVED_TO_PRIVATE = "The public conversation was moved to private messages: nothing automatic is posted there."


def moved_to_private(route: Route) -> bool:
	"""A public word on a ticket whose public thread was moved to private (automatic messages never go there)."""
	if route.mode not in PUBLIC_MODES or route.reference_doctype != get_adapter().doctype:
		return False
	ticket = route.ticket or get_adapter().context(route.reference_name) or {}
	return bool(ticket.get("moved_to_private_on"))


# --- the one function ----------------------------------------------------------------------------
def submit(
	purpose: str,
	text: str = "",
	*,
	route: Route,
	incident: str | None = None,
	communication: str | None = None,
	once_key: str | None = None,
	reason: str | None = None,
	rule: str | None = None,
	details: str | None = None,
	confirmed: bool = False,
	signer: str | None = None,
	whatsapp_template: str | None = None,
	template_values: dict | None = None,
	image: str | None = None,
) -> dict:
	"""Create, check, hold or queue one outbound item. Returns {name, status, warnings,
	approval_reasons, final_text, errors, existing}. ``signer``: the agent whose signature an
	automatic message carries (a follow-up is signed by the agent the customer talked to). ``image``:
	the URL of one of the ticket's image files to send with the words (``images.for_reply``)."""
	automatic = purpose in AUTOMATIC
	user = APP_AUTHOR if automatic else frappe.session.user
	if not automatic:
		authorize(route, user)
	elif route.tag == "HUMAN_AGENT":
		frappe.throw(
			_(
				"Meta's 24-hour window has closed; the HUMAN_AGENT tag is for people, not for automatic messages."
			)
		)
	if route.mode in GESTURES:
		refuse_unavailable(route)
	whatsapp_template = whatsapp_template or route.template
	window_closed = None
	if whatsapp_template:
		text = _whatsapp_template_text(route, whatsapp_template, template_values)
	elif route.window_open is False:
		window_closed = _(
			"WhatsApp's 24-hour customer service window is closed: the customer's last message is older than 24 hours. Choose an approved template instead (the composer lists them), or wait until the customer writes again."
		)
		if purpose not in TEMPLATED:
			frappe.throw(window_closed, ReplyNotAllowed, title=_("Outside WhatsApp's 24-hour window"))
	if once_key:
		existing = _live(once_key)
		if existing:
			return _result(existing, existing=True)
	settings = frappe.get_cached_doc("Social Support Settings")
	gesture = route.mode in GESTURES
	attached = None if gesture else images.for_reply(route, image, user)  # refused before anything is stored
	if route.mode == HIDE:
		reason, rule = check_hide(route.in_reply_to, reason, rule, confirmed)
		reason = " — ".join(p for p in (_(reason), rule, (details or "").strip()) if p)
	if gesture:
		body = final = ""
		checks = []
	else:
		body, final, checks = compose(
			text,
			platform=route.platform,
			mode=route.mode,
			handle=route.handle,
			author=signer or user,
			settings=settings,
			# a template's words are WhatsApp-approved as they are: no signature added
			signed=(purpose in SIGNED or bool(signer)) and not whatsapp_template,
		)
	errors = errors_of(checks)
	warnings = [c.message for c in checks if c.message not in errors]
	if automatic and moved_to_private(route):
		errors.append(MOVED_TO_PRIVATE)
	if window_closed:
		errors.append(window_closed)  # an automatic message outside the window: recorded as Refused
	if errors and purpose not in TEMPLATED:
		frappe.throw("<br>".join(frappe.utils.escape_html(e) for e in errors), title=_("Reply not sent"))
	reasons = [] if automatic or errors else approval_reasons(route, warnings, user, settings)
	tiers = max(1, min(3, cint(settings.approval_tiers) or 1)) if reasons else 0
	status = REFUSED if errors else PENDING if tiers else APPROVED
	doc = frappe.get_doc(
		{
			"doctype": "Social Reply",
			"reference_doctype": route.reference_doctype,
			"reference_name": route.reference_name,
			"channel": route.channel,
			"platform": route.platform,
			"mode": route.mode,
			"in_reply_to": route.in_reply_to,
			"target_id": route.target,
			"messaging_tag": route.tag,
			"text": body,
			"final_text": final,
			"image": attached[0] if attached else None,
			"image_hash": attached[1] if attached else None,
			"warnings": "\n".join(warnings) or None,
			"error": "\n".join(errors)[:1000] or None,
			"approvals_needed": tiers,
			"approvals_done": 0,
			"approval_reasons": ", ".join(reasons) or None,
			"author": user,
			"status": status,
			"communication": communication,
			"purpose": purpose,
			"incident": incident,
			"action_reason": (reason or "").strip() or None,
			"community_rule": rule if route.mode == HIDE else None,
			"once_key": once_key,
			"whatsapp_template": whatsapp_template,
			"template_values": frappe.as_json(template_values) if whatsapp_template else None,
		}
	)
	if once_key:
		_release(once_key)
	doc.flags.social_internal = True  # the gate is the app's own door (the controller refuses others)
	try:
		doc.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		# another request created the same item a moment ago: that one counts
		frappe.clear_messages()
		existing = _live(once_key) if once_key else None
		if not existing:
			raise
		return _result(existing, existing=True)
	if errors:
		note(doc, _("{0} not sent: {1}").format(_(purpose), frappe.utils.escape_html("; ".join(errors))))
	elif tiers:
		# the agent's ticket shows what became of the answer (the desk's form and Helpdesk's screen alike)
		note(
			doc,
			_("{0} waits for approval ({1}): {2}").format(
				_(purpose), frappe.utils.escape_html(", ".join(reasons)), frappe.utils.escape_html(final)
			),
		)
		notify_approvers(doc)
	elif purpose in SEND_AT_ONCE:
		send_reply(doc.name)
		doc.reload()
	else:
		enqueue_send(doc.name)
	return _result(doc, warnings=warnings, reasons=reasons, errors=errors)


def _whatsapp_template_text(route: Route, template: str, values) -> str:
	"""The template's text with the agent's values; refused unless it is an approved template of the
	route's WhatsApp channel with every variable filled."""
	from . import whatsapp

	if route.platform != WHATSAPP or route.mode != DM:
		frappe.throw(_("Templates are sent on WhatsApp conversations only."))
	preview = whatsapp.template_preview(route.channel, template, values or {})
	if preview["problem"]:
		frappe.throw(frappe.utils.escape_html(preview["problem"]), title=_("Template not sent"))
	return preview["text"]


def _live(once_key: str):
	name = frappe.db.get_value("Social Reply", {"once_key": once_key, "status": ("in", LIVE)}, "name")
	return frappe.get_doc("Social Reply", name) if name else None


def _release(once_key: str) -> None:
	"""A rejected, failed or refused item does not block doing the same thing again."""
	frappe.db.sql(
		"update `tabSocial Reply` set once_key=null where once_key=%s and status in %s",
		(once_key, CLOSED),
	)


def _result(doc, existing=False, warnings=None, reasons=None, errors=None) -> dict:
	return {
		"name": doc.name,
		"status": doc.status,
		"warnings": warnings if warnings is not None else (doc.warnings or "").splitlines(),
		"approval_reasons": reasons
		if reasons is not None
		else [r for r in (doc.approval_reasons or "").split(", ") if r],
		"final_text": doc.final_text or "",
		"errors": errors if errors is not None else ([doc.error] if doc.status == REFUSED else []),
		"external_id": doc.external_id,
		"error": doc.error,
		"existing": existing,
	}


def once(*parts) -> str:
	"""A short once-key from its parts (long texts are hashed)."""
	key = ":".join(str(p) for p in parts)
	if len(key) <= 140:
		return key
	return key[:100] + ":" + hashlib.sha256(key.encode()).hexdigest()[:32]
