"""/social-survey?token=...: the satisfaction survey, for guests, in the customer's language."""

from __future__ import annotations

import frappe
import frappe.sessions

from social_support.surveys import answers, status
from social_support.surveys.defaults import PAGE_TEXT, supported_language

no_cache = 1
sitemap = 0

STATUS = {status.OPEN: 200, status.INVALID: 404, status.EXPIRED_STATE: 410, status.USED: 410}


def get_context(context):
	token = frappe.form_dict.get("token")
	state, survey = answers.survey_for_token(token)
	lang = survey.language if survey and survey.language in PAGE_TEXT else _browser_language()
	context.no_cache = 1
	context.state = state
	context.lang = lang
	context.t = PAGE_TEXT[lang]
	context.http_status_code = STATUS[state]
	context.title = PAGE_TEXT[lang]["title"]
	# a customer who is also logged in to this site (an agent trying the link) posts with their session:
	# Frappe then checks the CSRF token of that session, which the page sends back as a header
	context.csrf_token = frappe.sessions.get_csrf_token() if frappe.session.user != "Guest" else ""
	if state == status.OPEN:
		context.token = token
		context.intro = answers.page_intro(survey)
		context.questions = answers.page_questions(survey)
		context.question_kinds = [{"key": q["key"], "kind": q["kind"]} for q in context.questions]
	return context


def _browser_language() -> str:
	"""No survey to ask: the first supported language the browser names, else English."""
	header = frappe.get_request_header("Accept-Language") or ""
	for part in header.split(","):
		code = supported_language(part.split(";")[0])
		if code:
			return code
	return "en"


def after_request(response, request):
	"""hooks.after_request: the survey page and its submit carry a secret token; nothing may store them."""
	path = request.path.rstrip("/")
	if path in ("/social-survey", "/api/method/social_support.api.survey.submit"):
		response.headers["Cache-Control"] = "no-store, max-age=0"
		response.headers["Referrer-Policy"] = "no-referrer"
		response.headers["X-Robots-Tag"] = "noindex, nofollow"
