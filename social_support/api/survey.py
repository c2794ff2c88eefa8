"""The survey page's one endpoint: guests submit answers with the token from their link."""

from __future__ import annotations

import json

import frappe
from frappe.rate_limiter import rate_limit

from social_support.analysis.survey import AnswerError
from social_support.surveys import answers as survey_answers
from social_support.surveys import status
from social_support.surveys.defaults import PAGE_TEXT

# per IP: a person answers once; a few retries after a validation error are normal
SUBMIT_LIMIT = 10
SUBMIT_WINDOW_SECONDS = 10 * 60


class SurveyUnavailable(frappe.ValidationError):
	http_status_code = 410  # gone: used or expired


class SurveyNotFound(frappe.ValidationError):
	http_status_code = 404


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=SUBMIT_LIMIT, seconds=SUBMIT_WINDOW_SECONDS)
def submit(token: str, answers: str) -> dict:
	state, survey = survey_answers.survey_for_token(token, for_update=True)
	text = PAGE_TEXT.get(survey.language if survey else "en") or PAGE_TEXT["en"]
	if state == status.INVALID:
		frappe.throw(text["invalid"], SurveyNotFound)
	if state != status.OPEN:
		frappe.throw(text[state], SurveyUnavailable)
	try:
		parsed = json.loads(answers) if isinstance(answers, str) else answers
	except ValueError:
		frappe.throw(f"{text['error']} (answers must be JSON keyed by question)", frappe.ValidationError)
	try:
		survey_answers.record_answers(survey, parsed)
	except AnswerError as e:
		frappe.throw(f"{text['error']} ({e})", frappe.ValidationError)
	return {"status": "Answered", "message": text["thanks"]}
