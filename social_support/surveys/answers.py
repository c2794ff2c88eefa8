"""Survey answers: the survey page's submit (by link token) and a bare 1–5 rating written back in
the channel where the invitation went by DM; both recorded on the survey and the ticket."""

from __future__ import annotations

import json

import frappe
from frappe.utils import get_datetime, now_datetime, strip_html_tags

from social_support.analysis.survey import (
	CHOICE,
	Question,
	hash_token,
	rating_from_text,
	same_hash,
	validate_answers,
)
from social_support.tickets import get_adapter

from .status import ANSWERED, EXPIRED, EXPIRED_STATE, INVALID, OPEN, SENT, USED


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
		get_adapter().set(survey.reference_name, {"satisfaction": satisfaction})


def rating_in_channel(channel: str, thread_key: str, text: str) -> bool:
	"""A bare 1–5 answer to a survey sent by DM: recorded, and nothing else happens (no reopening, no ticket)."""
	rating = rating_from_text(text)
	if rating is None:
		return False
	tickets = get_adapter()
	rows = frappe.db.sql(
		f"""select s.name from `tabSocial Survey` s join `{tickets.table}` i on i.name = s.reference_name
		where s.status=%s and s.delivery='Direct Message'
			and i.`{tickets.field("channel")}`=%s and i.`{tickets.field("thread_key")}`=%s
		order by s.sent_on desc limit 1""",
		(SENT, channel, thread_key),
	)
	if not rows:
		return False
	record_answers(frappe.get_doc("Social Survey", rows[0][0]), {"satisfaction": rating}, in_channel=True)
	return True
