"""Follow-ups: a ticket waiting on the customer (Replied) for N hours since the last message either
way gets one short "just checking in", through the gate like every automatic message.

Automation in public is what embarrasses a brand, so: only in private conversations unless *Follow
Up in Public Threads* is on; never in a public thread that was moved to private (the gate refuses it
too); signed by the agent the customer talked to; one per wait; in the customer's language.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, now_datetime

from social_support.analysis.reply_checks import with_signature
from social_support.outbound import constants as out
from social_support.outbound import gate
from social_support.tickets import get_adapter

TEAM_SIGNATURE = (
	"^Team"  # an automatic message nobody has answered or been assigned, when the settings name none
)

# the follow-up in the languages the app speaks; the settings' text is the site's default language's
TEXTS = {
	"en": "Hi {first_name}, just checking in: is there anything else we can help with?",
	"de": "Hallo {first_name}, wir wollten kurz nachfragen: Können wir Ihnen noch bei etwas helfen?",
	"sv": "Hej {first_name}, vi ville bara höra av oss: finns det något mer vi kan hjälpa till med?",
	"nb": "Hei {first_name}, vi ville bare høre: er det noe mer vi kan hjelpe deg med?",
	"pl": "Dzień dobry {first_name}, chcieliśmy tylko zapytać: czy możemy jeszcze w czymś pomóc?",
	"zh": "{first_name}您好，我们想跟进一下：还有什么可以帮您的吗？",
}


def follow_up_due(now=None) -> list[str]:
	"""Tickets waiting on the customer (Replied) for N hours since the last message either way get one short nudge."""
	settings = frappe.get_cached_doc("Social Support Settings")
	hours = cint(settings.followup_after_hours)
	if not hours or not (settings.followup_text or "").strip():
		return []
	now = now or now_datetime()
	cutoff = add_to_date(now, hours=-hours)
	sent = []
	# waiting since the later of the customer's last message and our last words; one follow-up per wait
	tickets = get_adapter()
	f = {
		k: f"i.`{tickets.field(k)}`"
		for k in (
			"status",
			"channel",
			"contact",
			"last_inbound_on",
			"followup_sent_on",
			"language",
			"assignees",
		)
	}
	for t in frappe.db.sql(
		f"""select i.name, {f["contact"]} as contact, {f["language"]} as language,
			{f["assignees"]} as assignees from `{tickets.table}` i
		where {f["status"]} = %(replied)s and ifnull({f["channel"]}, '') != ''
			and {f["last_inbound_on"]} < %(cutoff)s
			and ({f["followup_sent_on"]} is null or {f["followup_sent_on"]} < {f["last_inbound_on"]})
			and not exists (
				select 1 from `tabSocial Reply` r where r.reference_doctype = %(doctype)s and r.reference_name = i.name
				and r.status not in %(not_said)s and r.mode in %(text_modes)s
				and coalesce(r.sent_on, r.creation) >= %(cutoff)s)
		order by {f["last_inbound_on"]} asc limit 200""",
		{
			"replied": tickets.replied_status,
			"doctype": tickets.doctype,
			"cutoff": cutoff,
			"not_said": (out.REJECTED, out.FAILED, out.DRAFT, out.REFUSED),
			"text_modes": out.TEXT_MODES,
		},
		as_dict=True,
	):
		try:
			route = gate.ticket_route(t.name)
		except frappe.ValidationError as e:
			tickets.add_comment(t.name, _("No follow-up sent: {0}").format(e))
			tickets.set(t.name, {"followup_sent_on": now})
			frappe.clear_messages()
			continue
		if route.mode in out.PUBLIC_MODES:
			# this wait is settled without a word: the thread is public
			tickets.set(t.name, {"followup_sent_on": now})
			if gate.moved_to_private(route):
				tickets.add_comment(
					t.name,
					_("No follow-up sent: the public conversation was moved to private messages."),
				)
				continue
			if not cint(settings.followup_public):
				continue
		first = (frappe.db.get_value("Contact", t.contact, "first_name") if t.contact else "") or ""
		text = follow_up_text(settings, customer_language(t, settings), first.lstrip("@"))
		signer = agent_of(t.name, t.assignees)
		if not signer:  # nobody answered or was assigned yet: signed as the team
			text = with_signature(text, team_signature(settings))
		try:
			r = gate.submit(out.FOLLOW_UP, text, route=route, signer=signer)
		except frappe.ValidationError as e:
			tickets.add_comment(t.name, _("No follow-up sent: {0}").format(e))
			frappe.clear_messages()
			r = None
		tickets.set(t.name, {"followup_sent_on": now})
		if r and r["status"] != out.REFUSED:
			tickets.add_comment(
				t.name, _("Follow-up queued: {0}").format(frappe.utils.escape_html(r["final_text"]))
			)
			sent.append(r["name"])
	return sent


def customer_language(ticket, settings) -> str:
	"""The Contact's preferred language, else what the customer last wrote in, else the site default."""
	preferred = ""
	if ticket.get("contact") and frappe.get_meta("Contact").has_field("social_language"):
		preferred = frappe.db.get_value("Contact", ticket.contact, "social_language") or ""
	for code in (preferred, ticket.get("language") or "", settings.default_language or ""):
		code = (code or "").lower().split("-")[0].split("_")[0]
		if code == "no":
			code = "nb"
		if code in TEXTS:
			return code
	return "en"


def follow_up_text(settings, language: str, first_name: str) -> str:
	"""The settings' text in the site's default language (it is the managers' wording); the app's own
	translation in the other languages it speaks."""
	default = (settings.default_language or "en").lower()
	template = settings.followup_text if language == default or language not in TEXTS else TEXTS[language]
	text = template.replace("{first_name}", first_name or "")
	return " ".join(text.replace(" ,", ",").split())


def team_signature(settings) -> str:
	"""How an automatic message nobody is assigned to is signed (nothing when replies are not signed)."""
	if settings.get("signature_style") in (None, "", "None"):
		return ""
	return (settings.get("team_signature") or "").strip() or TEAM_SIGNATURE


def agent_of(ticket: str, assignees: str | None) -> str | None:
	"""Who signs: the agent who last answered the customer on this ticket, else its first assignee."""
	last = frappe.get_all(
		"Social Reply",
		filters={
			"reference_name": ticket,
			"status": out.SENT,
			"purpose": ("not in", out.NOT_AGENT_REPLIES),
			"author": ("!=", gate.APP_AUTHOR),
		},
		pluck="author",
		order_by="sent_on desc",
		limit=1,
	)
	if last:
		return last[0]
	try:
		users = json.loads(assignees or "[]")
	except ValueError:
		users = []
	return users[0] if users else None
