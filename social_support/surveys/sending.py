"""Survey scheduling and sending: scheduled when a social ticket is first Resolved/Closed, sent after a
delay in the customer's channel and language (DM, else email, else the public link), expired when
unanswered.

Invitations go out through the same gate as agents' replies (``outbound.gate.submit``: composed,
checked, pre-approved by policy, sent at most once). A survey invitation is a Social Reply of purpose
Survey: it creates no Communication (first response and SLA are untouched); its outbound Social
Message keeps the platform's echo from becoming a customer message. The send path calls
:func:`invitation_sent` (hook ``social_support_after_send``) when an invitation is out.
"""

from __future__ import annotations

import re
from datetime import timezone

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, get_url, now_datetime

from social_support.analysis.survey import new_token
from social_support.core.addresses import is_placeholder
from social_support.insights.filters import first_assignee
from social_support.outbound import constants as out
from social_support.outbound import gate
from social_support.outbound.gate import (
	Route,
	first_public_inbound,
	latest_inbound,
	ticket_context,
	ticket_route,
)
from social_support.outbound.send import send_reply
from social_support.platforms.base import FACEBOOK, INSTAGRAM, WHATSAPP
from social_support.platforms.meta import messaging_window
from social_support.tickets import get_adapter

from .defaults import INVITATION, TEMPLATE_NAME, supported_language
from .status import EXPIRED, SCHEDULED, SENT, SKIPPED

MAX_DM_ATTEMPTS = 4  # a DM that failed for a passing reason is tried again after 2, 4, 8, 16 minutes
LINK = re.compile(r"https?://\S+")


# --- scheduling (the ticket's on_update) ---------------------------------------------------------
def on_ticket_update(doc, method=None):
	tickets = get_adapter()
	t = tickets.context_of_doc(doc)
	if not t or not tickets.is_closed(t.status):
		return
	if frappe.flags.get("social_support_ignoring") == doc.name:
		return  # closed by "Ignore": the customer was deliberately not answered, nothing is sent
	if frappe.db.exists("Social Survey", {"reference_name": doc.name}):
		return  # one survey per ticket, however often it is closed
	settings = frappe.get_cached_doc("Social Support Settings")
	frappe.get_doc(
		{
			"doctype": "Social Survey",
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"channel": t.channel,
			"platform": t.platform,
			"agent": _first_assignee(doc.name),
			"template": settings.survey_template or TEMPLATE_NAME,
			"language": language_for(t),
			"status": SCHEDULED,
			"scheduled_for": add_to_date(now_datetime(), minutes=cint(settings.survey_delay_minutes)),
		}
	).insert(ignore_permissions=True)


def _first_assignee(ticket: str) -> str | None:
	sent = frappe.get_all(
		"Social Reply",
		filters={"reference_name": ticket, "status": out.SENT, "purpose": ("not in", out.NOT_AGENT_REPLIES)},
		pluck="author",
		order_by="sent_on asc",
		limit=1,
	)
	if sent:
		return sent[0]
	return first_assignee(get_adapter().get(ticket, "assignees"))


def language_for(ticket) -> str:
	"""The Contact's preferred language, else what the customer wrote in, else the site default
	(``ticket``: the ticket's context from the adapter)."""
	settings = frappe.get_cached_doc("Social Support Settings")
	preferred = ""
	if ticket.get("contact") and frappe.get_meta("Contact").has_field("social_language"):
		preferred = frappe.db.get_value("Contact", ticket.contact, "social_language") or ""
	for code in (preferred, ticket.get("language") or "", settings.default_language or ""):
		code = supported_language(code)
		if code:
			return code
	return "en"


# --- sending (scheduler) ------------------------------------------------------------------------
def send_due(now=None) -> list[str]:
	"""Each due survey in its own transaction, committed before the next: a failure never undoes
	another survey's state (and so never sends another invitation with a new link)."""
	now = now or now_datetime()
	done = []
	frappe.db.commit()
	for name in frappe.get_all(
		"Social Survey", filters={"status": SCHEDULED, "scheduled_for": ("<=", now)}, pluck="name", limit=200
	):
		try:
			done.append(send(name))
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				f"Social survey {name} could not be sent",
				reference_doctype="Social Survey",
				reference_name=name,
			)
			frappe.db.commit()
	expire(now)
	return done


def _skip(survey, reason: str) -> str:
	survey.db_set({"status": SKIPPED, "skip_reason": reason})
	return SKIPPED


def send(name: str) -> str:
	"""One step of a survey's delivery: out.DM, else email, else the public link (by setting), else Skipped.

	The invitation is a Social Reply of purpose Survey, created once per way through the gate
	(checked like any reply, pre-approved); the survey links to it and is committed before the
	platform is called. A later run reconciles that reply like any other (look before resending)
	instead of writing a new invitation; the token is made once, with the first invitation.
	"""
	survey = frappe.get_doc("Social Survey", name, for_update=True)
	if survey.status != SCHEDULED:
		return survey.status
	ticket = ticket_context(survey.reference_name)
	reply = _reply_of(survey)
	if not get_adapter().is_closed(ticket.status):
		if not reply or _withdraw(reply, _("the ticket was reopened")):
			return _skip(survey, _("The ticket was reopened before the survey went out."))
	if reply:
		if reply.status == out.SENT:
			invitation_sent(reply, reply.external_id)
			return SENT
		if reply.status in out.SENDABLE:
			return _try(survey, reply.name)
		# this way did not work (failed, refused): the next one, with the same invitation
		tried = [r for r in (survey.skip_reason or "").split("; ") if r]
		tried.append(_("{0}: {1}").format(_(reply.mode), reply.error or reply.status))
		return _next_way(survey, ticket, reply.text, after=reply.mode, tried=tried)
	settings = frappe.get_cached_doc("Social Support Settings")
	token, digest = new_token()
	text = INVITATION.get(survey.language, INVITATION["en"]).format(link=_link(token))
	# the token is made once: later ways and retries reuse this invitation
	survey.db_set(
		{
			"token_hash": digest,
			"expires_on": add_to_date(now_datetime(), days=cint(settings.survey_expiry_days) or 14),
		}
	)
	return _next_way(survey, ticket, text, after=None, tried=[])


def _link(token: str) -> str:
	return get_url(f"/social-survey?token={token}")


def _reply_of(survey):
	if not survey.get("reply"):
		return None
	return frappe.db.get_value(
		"Social Reply",
		survey.reply,
		["name", "status", "mode", "text", "error", "external_id", "reference_name", "purpose"],
		as_dict=True,
	)


def _next_way(survey, ticket, text: str, after: str | None, tried: list) -> str:
	if after is None:
		route = _dm_route(ticket, tried)
		if route:
			return _invite(survey, ticket, text, route, tried)
	if after in (None, out.DM):
		if _by_email(ticket, text, tried):
			survey.db_set(
				{
					"status": SENT,
					"skip_reason": None,
					"sent_on": now_datetime(),
					"delivery": "Email",
					"external_id": None,
				}
			)
			get_adapter().add_comment(ticket.name, _("Satisfaction survey sent by {0}.").format(_("Email")))
			return SENT
		if cint(frappe.get_cached_doc("Social Support Settings").survey_public_fallback):
			route = _public_route(ticket, tried)
			if route:
				return _invite(survey, ticket, text, route, tried)
		else:
			tried.append(_("public link not enabled"))
	return _skip(survey, "; ".join(tried) or _("no way to reach the customer"))


def _invite(survey, ticket, text: str, route, tried: list) -> str:
	values = None
	if route.template:
		# the survey template's one variable is the link
		from social_support.outbound import whatsapp as wa

		(key,) = [
			wa.rules.variable_key(kind, n)
			for kind, names in wa.rules.variables(wa.template_of(route.template).components).items()
			for n in names
		]
		values = {key: LINK.search(text).group(0)}
	r = gate.submit(
		out.SURVEY,
		text,
		route=route,
		once_key=gate.once("survey", survey.name, route.mode),
		template_values=values,
	)
	survey.db_set({"reply": r["name"], "skip_reason": "; ".join(tried) or None})
	if r["status"] == out.REFUSED:
		return send(survey.name)  # the checks refused it here: the next way
	return _try(survey, r["name"])


def _try(survey, reply_name: str) -> str:
	"""Marked before the call (committed), then sent; the send path marks the survey Sent."""
	frappe.db.commit()
	outcome = send_reply(reply_name)
	survey.reload()
	if outcome == out.SENT or survey.status != SCHEDULED:
		return survey.status
	if outcome in out.SENDABLE:
		return _later(survey, reply_name)
	return send(survey.name)  # failed for good: the next way


def _later(survey, reply_name: str) -> str:
	"""A passing failure (rate limit, timeout, 5xx): the same invitation again after 2, 4, 8, 16 minutes."""
	reply = frappe.db.get_value("Social Reply", reply_name, ["status", "error"], as_dict=True)
	attempts = cint(survey.attempts) + 1
	if attempts > MAX_DM_ATTEMPTS and _withdraw(
		reply_name, _("no answer after {0} attempts").format(attempts)
	):
		return send(survey.name)
	survey.db_set(
		{
			"attempts": attempts,
			"scheduled_for": add_to_date(now_datetime(), minutes=2**attempts),
			"skip_reason": (reply.error or "")[:500] or None,
		}
	)
	return SCHEDULED


def _withdraw(reply, reason: str) -> bool:
	"""Stop an invitation that has certainly not gone out (Approved, not Sending): compare-and-set."""
	name = reply if isinstance(reply, str) else reply.name
	frappe.db.sql(
		"update `tabSocial Reply` set status=%s, error=%s where name=%s and status in %s",
		(out.FAILED, reason[:1000], name, (out.APPROVED, out.PENDING)),
	)
	withdrawn = frappe.db._cursor.rowcount == 1
	status = frappe.db.get_value("Social Reply", name, "status")
	return withdrawn or status in (out.FAILED, out.REFUSED, out.REJECTED)


def invitation_sent(reply, external_id: str | None) -> None:
	"""Called by the send path when a survey invitation is out: the survey is Sent."""
	name = frappe.db.get_value("Social Survey", {"reply": reply.name}, "name")
	if not name:
		return
	settings = frappe.get_cached_doc("Social Support Settings")
	frappe.db.set_value(
		"Social Survey",
		name,
		{
			"status": SENT,
			"skip_reason": None,  # an earlier passing failure is history now
			"sent_on": now_datetime(),
			"delivery": reply.mode,
			"external_id": external_id,
			"expires_on": add_to_date(now_datetime(), days=cint(settings.survey_expiry_days) or 14),
		},
	)


def _customer_dm_target(ticket):
	key = ticket.thread_key or ""
	if key.startswith("dm:"):
		return key[3:]
	private = latest_inbound(ticket.name, "DM")
	if private:
		return private.author_id  # a public conversation that continued in private messages
	if ticket.platform == "X":
		return key.split(":")[-1]  # X lets us write the author of a public mention a out.DM
	return None  # Meta: a public commenter gets messages only through a private reply, used for agents


def _dm_route(ticket, tried: list):
	target = _customer_dm_target(ticket)
	if not target:
		tried.append(_("no private channel to this customer"))
		return None
	if ticket.platform in (FACEBOOK, INSTAGRAM):
		last = ticket.last_inbound_on
		window = (
			messaging_window(
				get_datetime(last).replace(tzinfo=timezone.utc),
				now_datetime().replace(tzinfo=timezone.utc),
				False,
			)
			if last
			else None
		)
		if window != "RESPONSE":
			# HUMAN_AGENT is for people answering, not for automated surveys
			tried.append(_("Meta's 24-hour messaging window has closed"))
			return None
	window_open = template = None
	if ticket.platform == WHATSAPP:
		window_open, template = _whatsapp_way(ticket, tried)
		if window_open is None:
			return None
	return Route(
		channel=ticket.channel,
		platform=ticket.platform,
		mode=out.DM,
		reference_doctype=get_adapter().doctype,
		reference_name=ticket.name,
		target=target,
		profile=ticket.profile,
		ticket=ticket,
		window_open=window_open,
		template=template,
	)


def _whatsapp_way(ticket, tried: list) -> tuple[bool | None, str | None]:
	"""WhatsApp: a message inside the 24-hour window; outside it only the channel's survey template
	(an approved UTILITY template with one variable, the link). (None, None): no WhatsApp way."""
	from social_support.outbound import whatsapp as wa

	if wa.window(ticket.name, ticket.channel)["open"]:
		return True, None
	name = frappe.db.get_value("Social Channel", ticket.channel, "survey_template")
	if not name:
		tried.append(_("WhatsApp's 24-hour window has closed and the channel has no survey template"))
		return None, None
	template = wa.template_of(name)
	names = [n for names in wa.rules.variables(template.components).values() for n in names]
	if not template.approved or template.category != "UTILITY" or len(names) != 1:
		tried.append(
			_("the channel's WhatsApp survey template is not an approved UTILITY template with one variable")
		)
		return None, None
	return False, name


def _public_route(ticket, tried: list):
	if ticket.get("moved_to_private_on"):
		tried.append(_("the public conversation was moved to private messages"))
		return None
	first = first_public_inbound(ticket.name)
	if not first:
		tried.append(_("no public thread"))
		return None
	return ticket_route(ticket.name, False, first)


def _by_email(ticket, text: str, tried: list) -> bool:
	email = _real_email(ticket)
	if not email:
		tried.append(_("no real email address"))
		return False
	link = LINK.search(text).group(0)
	html = frappe.utils.escape_html(text).replace(
		frappe.utils.escape_html(link), f'<a href="{link}">{link}</a>'
	)
	try:
		frappe.sendmail(
			recipients=[email],
			subject=_("How did we do?"),
			message=html,
			reference_doctype=get_adapter().doctype,
			reference_name=ticket.name,
		)
	except frappe.OutgoingEmailError:
		frappe.clear_messages()
		tried.append(_("outgoing email is not set up"))
		return False
	return True


def _real_email(ticket) -> str | None:
	email = frappe.db.get_value("Contact", ticket.contact, "email_id") if ticket.get("contact") else None
	return email if email and not is_placeholder(email) else None


def expire(now=None) -> None:
	frappe.db.set_value(
		"Social Survey",
		{"status": SENT, "expires_on": ("<", now or now_datetime())},
		"status",
		EXPIRED,
		update_modified=False,
	)
