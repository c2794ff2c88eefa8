"""Follow-ups: a ticket waiting on the customer (Replied) for N hours since the last message either
way gets one short "just checking in", through the gate like every automatic message."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, now_datetime

from social_support.outbound import constants as out
from social_support.outbound import gate


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
	for t in frappe.db.sql(
		"""select i.name, i.social_channel, i.contact from `tabIssue` i
		where i.status = 'Replied' and ifnull(i.social_channel, '') != ''
			and i.social_last_inbound_on < %(cutoff)s
			and (i.social_followup_sent_on is null or i.social_followup_sent_on < i.social_last_inbound_on)
			and not exists (
				select 1 from `tabSocial Reply` r where r.reference_doctype = 'Issue' and r.reference_name = i.name
				and r.status not in %(not_said)s and r.mode in %(text_modes)s
				and coalesce(r.sent_on, r.creation) >= %(cutoff)s)
		order by i.social_last_inbound_on asc limit 200""",
		{
			"cutoff": cutoff,
			"not_said": (out.REJECTED, out.FAILED, out.DRAFT, out.REFUSED),
			"text_modes": out.TEXT_MODES,
		},
		as_dict=True,
	):
		try:
			route = gate.ticket_route(t.name)
		except frappe.ValidationError as e:
			frappe.get_doc("Issue", t.name).add_comment("Info", _("No follow-up sent: {0}").format(e))
			frappe.db.set_value("Issue", t.name, "social_followup_sent_on", now, update_modified=False)
			frappe.clear_messages()
			continue
		first = (frappe.db.get_value("Contact", t.contact, "first_name") if t.contact else "") or ""
		text = settings.followup_text.replace("{first_name}", first.lstrip("@")).strip()
		try:
			r = gate.submit(out.FOLLOW_UP, text, route=route)
		except frappe.ValidationError as e:
			frappe.get_doc("Issue", t.name).add_comment("Info", _("No follow-up sent: {0}").format(e))
			frappe.clear_messages()
			r = None
		frappe.db.set_value("Issue", t.name, "social_followup_sent_on", now, update_modified=False)
		if r and r["status"] != out.REFUSED:
			frappe.get_doc("Issue", t.name).add_comment(
				"Info", _("Follow-up queued: {0}").format(frappe.utils.escape_html(r["final_text"]))
			)
			sent.append(r["name"])
	return sent
