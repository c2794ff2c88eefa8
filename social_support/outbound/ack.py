"""Auto-acknowledgement: the first message of a new ticket gets an immediate answer from a template.

Never for spam, logged-only messages or echoes (only called for new tickets); respects the
platform windows (a new message opens them); at most once per thread per N hours; sent in
the conversation's own mode. It is not an agent's answer: no sent Communication (so the
first response time and the SLA still wait for a person), a comment on the ticket instead.
It goes out through the same gate as an agent's reply (``gate.submit``), pre-approved by policy.
"""

from __future__ import annotations

from datetime import time as dtime

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, get_time, now_datetime, time_diff_in_seconds

from social_support.analysis.business_time import WeeklyHours, parse_days, rounded_wait
from social_support.analysis.metrics import median
from social_support.analysis.reply_checks import with_signature
from social_support.tickets import get_adapter

from . import gate
from .constants import ACKNOWLEDGEMENT
from .follow_ups import agent_of, customer_language, team_signature
from .gate import ticket_context

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_SAMPLES = 3  # fewer first responses than this in the window say nothing about the queue

# the acknowledgement in the languages the app speaks; the channel's templates are the site's default
# language's. "wait": in hours with a live wait; "soon": in hours, the queue too quiet to tell; "closed":
# out of hours, with the next opening.
TEXTS = {
	"en": {
		"wait": "Thanks {first_name}! We got your message and will answer within {wait}.",
		"soon": "Thanks {first_name}! We got your message and will answer as soon as we can.",
		"closed": "Thanks {first_name}! We got your message. We are closed now and answer from {opens}.",
	},
	"de": {
		"wait": "Danke, {first_name}! Wir haben Ihre Nachricht erhalten und antworten in {wait}.",
		"soon": "Danke, {first_name}! Wir haben Ihre Nachricht erhalten und antworten so bald wie möglich.",
		"closed": "Danke, {first_name}! Wir haben Ihre Nachricht erhalten. Wir sind gerade nicht da und antworten ab {opens}.",
	},
	"sv": {
		"wait": "Tack {first_name}! Vi har fått ditt meddelande och svarar inom {wait}.",
		"soon": "Tack {first_name}! Vi har fått ditt meddelande och svarar så snart vi kan.",
		"closed": "Tack {first_name}! Vi har fått ditt meddelande. Vi har stängt nu och svarar från {opens}.",
	},
	"nb": {
		"wait": "Takk, {first_name}! Vi har fått meldingen din og svarer innen {wait}.",
		"soon": "Takk, {first_name}! Vi har fått meldingen din og svarer så snart vi kan.",
		"closed": "Takk, {first_name}! Vi har fått meldingen din. Vi har stengt nå og svarer fra {opens}.",
	},
	"pl": {
		"wait": "Dziękujemy, {first_name}! Otrzymaliśmy Twoją wiadomość i odpowiemy w ciągu {wait}.",
		"soon": "Dziękujemy, {first_name}! Otrzymaliśmy Twoją wiadomość i odpowiemy najszybciej, jak to możliwe.",
		"closed": "Dziękujemy, {first_name}! Otrzymaliśmy Twoją wiadomość. Teraz nie pracujemy; odpowiemy po otwarciu: {opens}.",
	},
	"zh": {
		"wait": "{first_name}，谢谢！我们已收到您的消息，将在{wait}内回复。",
		"soon": "{first_name}，谢谢！我们已收到您的消息，会尽快回复。",
		"closed": "{first_name}，谢谢！我们已收到您的消息。现在是非工作时间，我们将于{opens}起回复。",
	},
}
# {wait} as people say it: (n minutes, one hour, n hours)
WAITS = {
	"en": ("about {0} minutes", "about 1 hour", "about {0} hours"),
	"de": ("etwa {0} Minuten", "etwa 1 Stunde", "etwa {0} Stunden"),
	"sv": ("cirka {0} minuter", "cirka 1 timme", "cirka {0} timmar"),
	"nb": ("omtrent {0} minutter", "omtrent 1 time", "omtrent {0} timer"),
	"pl": ("około {0} minut", "około 1 godziny", "około {0} godzin"),
	"zh": ("约{0}分钟", "约1小时", "约{0}小时"),
}
DAYS = {
	"de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
	"sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
	"nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
	"pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
	"zh": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
	"en": WEEKDAY_NAMES,
}


def support_hours(channel) -> WeeklyHours:
	"""The channel's support hours: its Service Level Agreement's working days, hours and Holiday List
	when it names one (ERPNext's own), else its hours on its Support Days (blank: every day) and the
	settings' Holiday List."""
	if channel.get("service_level_agreement"):
		sla = frappe.get_cached_doc("Service Level Agreement", channel.service_level_agreement)
		windows = {
			WEEKDAY_NAMES.index(row.workday): (_seconds(row.start_time), _seconds(row.end_time))
			for row in sla.support_and_resolution
			if row.workday in WEEKDAY_NAMES
		}
		return WeeklyHours(windows, _holidays(sla.holiday_list))
	start = get_time(channel.support_hours_start or dtime(0, 0))
	end = get_time(channel.support_hours_end or dtime(23, 59, 59))
	days = parse_days(channel.get("support_days")) if channel.get("support_days") else tuple(range(7))
	holiday_list = frappe.get_cached_doc("Social Support Settings").get("holiday_list")
	return WeeklyHours.every(start, end, days, _holidays(holiday_list))


def _seconds(value) -> int:
	t = get_time(value)
	return t.hour * 3600 + t.minute * 60 + t.second


def _holidays(holiday_list: str | None) -> frozenset:
	if not holiday_list:
		return frozenset()
	today = now_datetime().date()
	return frozenset(
		get_datetime(d).date()
		for d in frappe.get_all(
			"Holiday",
			filters={
				"parenttype": "Holiday List",
				"parent": holiday_list,
				"holiday_date": ("between", [add_to_date(today, days=-1), add_to_date(today, days=40)]),
			},
			pluck="holiday_date",
		)
	)


def in_support_hours(channel, now=None) -> bool:
	return support_hours(channel).is_open(now or now_datetime())


def live_wait(channel, now=None, language: str | None = None) -> str | None:
	"""The median first response on this channel over its last hours (from the customers' first
	messages), as people say it in ``language`` (else the session's); None when the queue has too few
	answers to tell (then the channel's Expected Wait is used)."""
	now = now or now_datetime()
	hours = cint(channel.get("wait_from_last_hours")) or 8
	tickets = get_adapter()
	c = tickets.columns("i")
	rows = frappe.db.sql(
		f"""select {tickets.conversation_start("i")}, {c["first_responded_on"]} from `{tickets.table}` i
		where {c["channel"]} = %s and {c["first_responded_on"]} >= %s and {c["first_responded_on"]} <= %s""",
		(channel.name, add_to_date(now, hours=-hours), now),
	)
	waits = [
		max(0.0, time_diff_in_seconds(answered, opened)) for opened, answered in rows if opened and answered
	]
	if len(waits) < MIN_SAMPLES:
		return None
	n, unit = rounded_wait(median(waits))
	if language in WAITS:
		minutes, one_hour, hours = WAITS[language]
		return minutes.format(n) if unit == "minutes" else one_hour if n == 1 else hours.format(n)
	if unit == "minutes":
		return _("about {0} minutes").format(n)
	return _("about 1 hour") if n == 1 else _("about {0} hours").format(n)


def render(channel, first_name: str | None, now=None, language: str | None = None) -> str:
	"""The acknowledgement's words: the channel's templates in the site's default language (or when the
	customer's language is one the app does not speak), the app's own wording in the others."""
	now = now or now_datetime()
	hours = support_hours(channel)
	open_now = hours.is_open(now)
	settings = frappe.get_cached_doc("Social Support Settings")
	default = (settings.get("default_language") or "en").lower()
	own = language if language in TEXTS and language != default else None
	opening = hours.next_opening(now)
	if opening and opening.date() == now.date():
		opens = opening.strftime("%H:%M")
	elif opening:
		day = DAYS[own][opening.weekday()] if own else _(WEEKDAY_NAMES[opening.weekday()])
		opens = f"{day} {opening.strftime('%H:%M')}"
	else:
		opens = ""
	live = live_wait(channel, now, own) if open_now else None
	if own:
		template = TEXTS[own]["wait" if live else "soon"] if open_now else TEXTS[own]["closed"]
		if not open_now and not opens:
			template = TEXTS[own]["soon"]
	else:
		template = (
			channel.ack_template if open_now else (channel.ack_out_of_hours_template or channel.ack_template)
		)
	values = {
		"first_name": first_name or "",
		"wait": live or channel.expected_wait or "",
		"hours": f"{str(channel.support_hours_start or '')[:5]}–{str(channel.support_hours_end or '')[:5]}",
		"opens": opens,
	}
	text = template or ""
	for key, value in values.items():
		text = text.replace("{" + key + "}", value)
	return " ".join(text.replace(" !", "!").replace(" ,", ",").split())


def maybe_acknowledge(ticket: str, channel_name: str) -> str | None:
	"""The acknowledgement of a new ticket, through the gate: composed, checked (a template that is too
	long or carries personal data is Refused with the reason on the ticket), pre-approved, sent once."""
	channel = frappe.get_cached_doc("Social Channel", channel_name)
	if not cint(channel.auto_acknowledge) or not (channel.ack_template or "").strip():
		return None
	t = ticket_context(ticket)
	tickets = get_adapter()
	since = add_to_date(now_datetime(), hours=-(cint(channel.ack_every_hours) or 24))
	recent = frappe.db.sql(
		f"""select r.name from `tabSocial Reply` r join `{tickets.table}` i on i.name = r.reference_name
		where r.purpose=%s and i.`{tickets.field("channel")}`=%s
			and i.`{tickets.field("thread_key")}`=%s and r.creation > %s limit 1""",
		(ACKNOWLEDGEMENT, channel_name, t.thread_key, since),
	)
	if recent:
		return None
	try:
		route = gate.ticket_route(ticket)
	except frappe.ValidationError:
		frappe.clear_messages()
		return None  # window closed: an acknowledgement is never worth an error
	first = (frappe.db.get_value("Social Message", route.in_reply_to, "author_name") or "").split(" ")[0]
	settings = frappe.get_cached_doc("Social Support Settings")
	language = customer_language(t, settings)
	text = render(channel, first, language=language)
	# signed like an agent's reply: by the agent the ticket is assigned to, else as the team
	signer = agent_of(ticket, tickets.get(ticket, "assignees"))
	if not signer:
		text = with_signature(text, team_signature(settings))
	r = gate.submit(ACKNOWLEDGEMENT, text, route=route, once_key=gate.once("ack", ticket), signer=signer)
	return r["name"]
