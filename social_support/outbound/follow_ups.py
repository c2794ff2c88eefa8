"""Follow-ups: a ticket waiting on the customer (Replied) for N hours since the last message either
way gets one short "just checking in", through the gate like every automatic message."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, now_datetime

from social_support.outbound import constants as out
from social_support.outbound import gate
from social_support.tickets import get_adapter


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
		for k in ("status", "channel", "contact", "last_inbound_on", "followup_sent_on")
	}
	for t in frappe.db.sql(
		f"""select i.name, {f["contact"]} as contact from `{tickets.table}` i
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
		first = (frappe.db.get_value("Contact", t.contact, "first_name") if t.contact else "") or ""
		text = settings.followup_text.replace("{first_name}", first.lstrip("@")).strip()
		try:
			r = gate.submit(out.FOLLOW_UP, text, route=route)
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
