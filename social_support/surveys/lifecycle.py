"""Survey lifecycle: scheduled when a social ticket is first Resolved/Closed, sent after a delay in the
customer's channel and language, answered on the page or with a rating in the channel.

Survey messages are not agent replies: they create no Communication (first response and SLA
are untouched) and go straight through the platform client; the outbound Social Message keeps
the platform's echo from becoming a customer message.
"""

from __future__ import annotations

import json
from datetime import timezone

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, get_url, now_datetime, strip_html_tags

from social_support.analysis.survey import (
	CHOICE,
	Question,
	hash_token,
	new_token,
	rating_from_text,
	same_hash,
	validate_answers,
)
from social_support.ingest import channels as ch
from social_support.ingest.pipeline import message_key
from social_support.ingest.profiles import is_placeholder
from social_support.insights.common import agent_of
from social_support.platforms import make_client
from social_support.platforms.base import FACEBOOK, INSTAGRAM, PlatformError
from social_support.platforms.limits import PUBLIC

from .defaults import INVITATION, TEMPLATE_NAME

CLOSED = ("Resolved", "Closed")
MAX_DM_ATTEMPTS = 4  # a DM that failed for a passing reason is tried again after 2, 4, 8, 16 minutes


class RetryLater(Exception):
	pass


SCHEDULED, SENT, ANSWERED, EXPIRED, SKIPPED = "Scheduled", "Sent", "Answered", "Expired", "Skipped"
LANGUAGES = tuple(INVITATION)


# --- scheduling (Issue on_update) ---------------------------------------------------------------
def on_ticket_update(doc, method=None):
	if not doc.get("social_channel") or doc.status not in CLOSED:
		return
	if frappe.db.exists("Social Survey", {"reference_name": doc.name}):
		return  # one survey per ticket, however often it is closed
	settings = frappe.get_cached_doc("Social Support Settings")
	frappe.get_doc(
		{
			"doctype": "Social Survey",
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"channel": doc.social_channel,
			"platform": doc.social_platform,
			"agent": _agent_of(doc.name),
			"template": settings.survey_template or TEMPLATE_NAME,
			"language": language_for(doc),
			"status": SCHEDULED,
			"scheduled_for": add_to_date(now_datetime(), minutes=cint(settings.survey_delay_minutes)),
		}
	).insert(ignore_permissions=True)


def _agent_of(ticket: str) -> str | None:
	sent = frappe.get_all(
		"Social Reply",
		filters={"reference_name": ticket, "status": "Sent", "purpose": ("!=", "Acknowledgement")},
		pluck="author",
		order_by="sent_on asc",
		limit=1,
	)
	if sent:
		return sent[0]
	return agent_of(frappe.db.get_value("Issue", ticket, "_assign"))


def language_for(issue) -> str:
	"""The Contact's preferred language, else what the customer wrote in, else the site default."""
	settings = frappe.get_cached_doc("Social Support Settings")
	preferred = ""
	if issue.get("contact") and frappe.get_meta("Contact").has_field("social_language"):
		preferred = frappe.db.get_value("Contact", issue.contact, "social_language") or ""
	for code in (preferred, issue.get("social_language") or "", settings.default_language or ""):
		code = supported_language(code)
		if code:
			return code
	return "en"


def supported_language(code: str) -> str | None:
	"""'sv-SE' -> 'sv', 'no'/'nn' -> 'nb', 'zh-TW' -> 'zh'; None when the survey has no such language."""
	base = (code or "").strip().lower().replace("_", "-").split("-")[0]
	base = {"no": "nb", "nn": "nb"}.get(base, base)
	return base if base in LANGUAGES else None


# --- sending (scheduler) ------------------------------------------------------------------------
def send_due(now=None) -> list[str]:
	now = now or now_datetime()
	done = []
	for name in frappe.get_all(
		"Social Survey", filters={"status": SCHEDULED, "scheduled_for": ("<=", now)}, pluck="name", limit=200
	):
		frappe.db.savepoint("social_survey_send")
		try:
			done.append(send(name))
		except Exception:
			frappe.db.rollback(save_point="social_survey_send")
			frappe.log_error(
				f"Social survey {name} could not be sent",
				reference_doctype="Social Survey",
				reference_name=name,
			)
	expire(now)
	return done


def _skip(survey, reason: str) -> str:
	survey.db_set({"status": SKIPPED, "skip_reason": reason})
	return SKIPPED


def send(name: str) -> str:
	survey = frappe.get_doc("Social Survey", name)
	if survey.status != SCHEDULED:
		return survey.status
	issue = frappe.get_doc(survey.reference_doctype, survey.reference_name)
	if issue.status not in CLOSED:
		return _skip(survey, _("The ticket was reopened before the survey went out."))
	settings = frappe.get_cached_doc("Social Support Settings")
	token, digest = new_token()
	link = get_url(f"/social-survey?token={token}")
	text = INVITATION.get(survey.language, INVITATION["en"]).format(link=link)
	expires = add_to_date(now_datetime(), days=cint(settings.survey_expiry_days) or 14)
	tried = []

	try:
		delivered = _by_dm(issue, text, tried, retry_left=cint(survey.attempts) < MAX_DM_ATTEMPTS)
	except RetryLater as e:
		attempts = cint(survey.attempts) + 1
		survey.db_set(
			{
				"attempts": attempts,
				"scheduled_for": add_to_date(now_datetime(), minutes=2**attempts),
				"skip_reason": str(e)[:500],
			}
		)
		return SCHEDULED
	if delivered:
		mode, external_id = "Direct Message", delivered
	elif _by_email(issue, text, link, tried):
		mode, external_id = "Email", None
	elif cint(settings.survey_public_fallback):
		external_id = _by_public_reply(issue, text, tried)
		if not external_id:
			return _skip(survey, "; ".join(tried) or _("no way to reach the customer"))
		mode = "Public Reply"
	else:
		tried.append(_("public link not enabled"))
		return _skip(survey, "; ".join(tried))
	survey.db_set(
		{
			"status": SENT,
			"skip_reason": None,  # an earlier passing failure is history now
			"sent_on": now_datetime(),
			"delivery": mode,
			"token_hash": digest,
			"expires_on": expires,
			"external_id": external_id,
		}
	)
	issue.add_comment("Info", _("Satisfaction survey sent by {0}.").format(_(mode)))
	return SENT


def _customer_dm_target(issue):
	key = issue.social_thread_key or ""
	if key.startswith("dm:"):
		return key[3:]
	if issue.social_platform == "X":
		return key.split(":")[-1]  # X lets us write the author of a public mention a DM
	return None  # Meta: a public commenter gets messages only through a private reply, used for agents


def _by_dm(issue, text: str, tried: list, retry_left: bool = False) -> str | None:
	target = _customer_dm_target(issue)
	if not target:
		tried.append(_("no private channel to this customer"))
		return None
	if issue.social_platform in (FACEBOOK, INSTAGRAM):
		from social_support.platforms.meta import messaging_window

		last = issue.social_last_inbound_on
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
	try:
		result = make_client(ch.channel_config(issue.social_channel)).send_dm(
			target, text
		)  # no HUMAN_AGENT tag: surveys are automated
	except PlatformError as e:
		if e.retryable and retry_left:
			raise RetryLater(str(e)) from e  # rate limit, timeout, 5xx: the same DM a little later
		tried.append(_("direct message failed: {0}").format(e))
		return None
	_record_outbound(issue, result.external_id, text, "DM")
	return result.external_id


def _by_public_reply(issue, text: str, tried: list) -> str | None:
	from social_support.outbound.actions import first_public_inbound

	first = first_public_inbound(issue.name)
	if not first:
		tried.append(_("no public thread"))
		return None
	try:
		result = make_client(ch.channel_config(issue.social_channel)).reply_public(
			frappe.db.get_value("Social Message", first, "external_id"), text
		)
	except PlatformError as e:
		tried.append(_("public reply failed: {0}").format(e))
		return None
	_record_outbound(issue, result.external_id, text, "Comment")
	return result.external_id


def _record_outbound(issue, external_id: str, text: str, kind: str) -> None:
	doc = frappe.get_doc(
		{
			"doctype": "Social Message",
			"channel": issue.social_channel,
			"platform": issue.social_platform,
			"direction": "Outbound",
			"kind": kind,
			"status": "Sent",
			"external_id": external_id,
			"message_key": message_key(issue.social_channel, external_id),
			"posted_on": now_datetime(),
			"text": text,
			"thread_key": issue.social_thread_key,
			"reference_doctype": issue.doctype,
			"reference_name": issue.name,
		}
	)
	doc.db_insert()


def _by_email(issue, text: str, link: str, tried: list) -> bool:
	email = _real_email(issue)
	if not email:
		tried.append(_("no real email address"))
		return False
	html = frappe.utils.escape_html(text).replace(
		frappe.utils.escape_html(link), f'<a href="{link}">{link}</a>'
	)
	try:
		frappe.sendmail(
			recipients=[email],
			subject=_("How did we do?"),
			message=html,
			reference_doctype=issue.doctype,
			reference_name=issue.name,
		)
	except frappe.OutgoingEmailError:
		frappe.clear_messages()
		tried.append(_("outgoing email is not set up"))
		return False
	return True


def _real_email(issue) -> str | None:
	email = frappe.db.get_value("Contact", issue.contact, "email_id") if issue.get("contact") else None
	return email if email and not is_placeholder(email) else None


def expire(now=None) -> None:
	frappe.db.set_value(
		"Social Survey",
		{"status": SENT, "expires_on": ("<", now or now_datetime())},
		"status",
		EXPIRED,
		update_modified=False,
	)


# --- answers ------------------------------------------------------------------------------------
OPEN, INVALID, EXPIRED_STATE, USED = "open", "invalid", "expired", "used"


def survey_for_token(token: str | None, for_update: bool = False):
	"""(state, survey) for a link token: open, invalid (unknown or never sent), expired or used.

	Only the token's SHA-256 is stored, so the lookup is by hash; a leaked database gives no links.
	"""
	if not token or len(token) > 100:
		return INVALID, None
	name = frappe.db.get_value(
		"Social Survey", {"token_hash": hash_token(token)}, "name", for_update=for_update
	)
	if not name:
		return INVALID, None
	survey = frappe.get_doc("Social Survey", name)
	if not same_hash(survey.token_hash, hash_token(token)):
		return INVALID, None
	if survey.status == ANSWERED:
		return USED, survey
	if survey.status == EXPIRED or (survey.expires_on and get_datetime(survey.expires_on) < now_datetime()):
		return EXPIRED_STATE, survey
	if survey.status != SENT:
		return INVALID, survey
	return OPEN, survey


def questions_of(template: str) -> list:
	return frappe.get_doc("Social Survey Template", template).questions


def page_intro(survey) -> str:
	template = frappe.get_doc("Social Survey Template", survey.template)
	raw = (template.intro_translations or "").strip()
	translations = json.loads(raw) if raw else {}
	return translations.get(survey.language) or template.intro or ""


def page_questions(survey) -> list[dict]:
	"""The template's questions in the survey's language, for the page."""
	out = []
	for q in questions_of(survey.template):
		translations = json.loads(q.translations or "{}") if (q.translations or "").strip() else {}
		out.append(
			{
				"key": q.key,
				"kind": q.kind,
				"required": bool(q.required),
				"label": translations.get(survey.language) or q.label,
				"options": [o.strip() for o in (q.options or "").splitlines() if o.strip()],
			}
		)
	return out


def record_answers(survey, answers: dict, in_channel: bool = False) -> None:
	qs = [
		Question(
			q.key,
			q.kind,
			bool(q.required),
			tuple(o.strip() for o in (q.options or "").splitlines() if o.strip()) if q.kind == CHOICE else (),
		)
		for q in questions_of(survey.template)
	]
	clean = validate_answers(
		answers, [q if not in_channel else Question(q.key, q.kind, False, q.options) for q in qs]
	)
	for q in qs:  # free text from the outside: no markup kept
		if q.kind == "Text" and q.key in clean:
			clean[q.key] = strip_html_tags(clean[q.key]).strip()
	satisfaction = clean.get("satisfaction") or 0  # Int column: 0 = not rated
	survey.db_set(
		{
			"status": ANSWERED,
			"answers": json.dumps(clean, ensure_ascii=False),
			"satisfaction": satisfaction,
			"answered_on": now_datetime(),
			"answered_in_channel": int(in_channel),
		}
	)
	if satisfaction:
		frappe.db.set_value(
			survey.reference_doctype,
			survey.reference_name,
			"social_satisfaction",
			satisfaction,
			update_modified=False,
		)


def rating_in_channel(channel: str, thread_key: str, text: str) -> bool:
	"""A bare 1–5 answer to a survey sent by DM: recorded, and nothing else happens (no reopening, no ticket)."""
	rating = rating_from_text(text)
	if rating is None:
		return False
	rows = frappe.db.sql(
		"""select s.name from `tabSocial Survey` s join `tabIssue` i on i.name = s.reference_name
		where s.status=%s and s.delivery='Direct Message' and i.social_channel=%s and i.social_thread_key=%s
		order by s.sent_on desc limit 1""",
		(SENT, channel, thread_key),
	)
	if not rows:
		return False
	record_answers(frappe.get_doc("Social Survey", rows[0][0]), {"satisfaction": rating}, in_channel=True)
	return True


# --- follow-ups (scheduler) ---------------------------------------------------------------------
def follow_up_due(now=None) -> list[str]:
	"""Tickets waiting on the customer (Replied) for N hours since the last message either way get one short nudge."""
	settings = frappe.get_cached_doc("Social Support Settings")
	hours = cint(settings.followup_after_hours)
	if not hours or not (settings.followup_text or "").strip():
		return []
	now = now or now_datetime()
	cutoff = add_to_date(now, hours=-hours)
	sent = []
	# waiting since the later of the customer's last message and our last reply; one follow-up per wait
	for t in frappe.db.sql(
		"""select i.name, i.social_channel, i.contact from `tabIssue` i
		where i.status = 'Replied' and ifnull(i.social_channel, '') != ''
			and i.social_last_inbound_on < %(cutoff)s
			and (i.social_followup_sent_on is null or i.social_followup_sent_on < i.social_last_inbound_on)
			and not exists (
				select 1 from `tabSocial Reply` r where r.reference_doctype = 'Issue' and r.reference_name = i.name
				and r.status not in ('Rejected', 'Failed', 'Draft') and coalesce(r.sent_on, r.creation) >= %(cutoff)s)
		order by i.social_last_inbound_on asc limit 200""",
		{"cutoff": cutoff},
		as_dict=True,
	):
		from social_support.outbound.replies import APPROVED, enqueue_send, plan, ticket_context

		try:
			ticket = ticket_context(t.name)
			p = plan(ticket, False, None)
		except frappe.ValidationError as e:
			frappe.get_doc("Issue", t.name).add_comment("Info", _("No follow-up sent: {0}").format(e))
			frappe.db.set_value("Issue", t.name, "social_followup_sent_on", now, update_modified=False)
			frappe.clear_messages()
			continue
		first = (frappe.db.get_value("Contact", t.contact, "first_name") if t.contact else "") or ""
		text = settings.followup_text.replace("{first_name}", first.lstrip("@")).strip()
		if ticket.social_platform == "X" and p["mode"] == PUBLIC and p["handle"]:
			text = f"@{p['handle']} {text}"
		reply = frappe.get_doc(
			{
				"doctype": "Social Reply",
				"reference_doctype": "Issue",
				"reference_name": t.name,
				"channel": t.social_channel,
				"platform": ticket.social_platform,
				"mode": p["mode"],
				"in_reply_to": p["answered"].name,
				"target_id": p["target"],
				"messaging_tag": p["tag"],
				"text": text,
				"final_text": text,
				"purpose": "Follow-up",
				"status": APPROVED,
				"author": "Administrator",
			}
		)
		reply.flags.social_internal = True  # the app's own reply: the Social Reply controller lets it in
		reply.insert(ignore_permissions=True)
		frappe.db.set_value("Issue", t.name, "social_followup_sent_on", now, update_modified=False)
		frappe.get_doc("Issue", t.name).add_comment(
			"Info", _("Follow-up queued: {0}").format(frappe.utils.escape_html(text))
		)
		enqueue_send(reply.name)
		sent.append(reply.name)
	return sent
