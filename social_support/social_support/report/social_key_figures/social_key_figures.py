"""The figures a support lead reads first, with links to the detailed reports (also the email digest's body)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_url

from social_support.analysis.business_time import seconds_to_hours
from social_support.analysis.metrics import csat, median
from social_support.insights import cards
from social_support.insights.filters import message_conditions, period, ticket_conditions
from social_support.tickets import get_adapter


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end, _days = period(filters)
	where, values = message_conditions(filters, start, end)
	directions = dict(
		frappe.db.sql(
			f"select m.direction, count(*) from `tabSocial Message` m where {where} group by m.direction",
			values,
		)
	)
	where, tv = ticket_conditions(filters)
	tc, tv = " and ".join(where), {**tv, "start": start, "end": end}
	tickets = get_adapter()
	c = tickets.columns("i")
	opened = frappe.db.sql(
		f"select timestampdiff(second, {tickets.conversation_start('i')}, {c['first_responded_on']})"
		f" from `{tickets.table}` i"
		f" where {tc} and {c['opened_on']} between %(start)s and %(end)s",
		tv,
	)
	resolved = frappe.db.sql(
		f"select count(*) from `{tickets.table}` i where {tc} and {c['resolved_on']} between %(start)s and %(end)s",
		tv,
	)[0][0]
	ratings = frappe.db.sql(
		"select satisfaction from `tabSocial Survey` where status='Answered' and satisfaction > 0 and answered_on between %s and %s",
		(start, end),
		pluck=True,
	)
	link = lambda name: get_url(f"/app/query-report/{name}")  # noqa: E731
	rows = [
		(_("Messages in"), directions.get("Inbound", 0), "Social Volume"),
		(_("Messages out"), directions.get("Outbound", 0), "Social Volume"),
		(_("Tickets opened"), len(opened), "Social Response Times"),
		(_("Tickets resolved"), resolved, "Social Response Times"),
		(
			_("Median first response (h)"),
			seconds_to_hours(median(fr for (fr,) in opened if fr is not None)),
			"Social Response Times",
		),
		(
			_("Tickets without a first response"),
			sum(1 for (fr,) in opened if fr is None),
			"Social Response Times",
		),
		(_("CSAT % (4-5)"), None if not ratings else round(csat(ratings), 1), "Social Survey Results"),
		(_("Surveys answered"), len(ratings), "Social Survey Results"),
		(_("Open social tickets now"), cards.open_tickets(), "Social Response Times"),
		(_("Replies waiting for approval now"), cards.pending_approval(), "Social Agent Performance"),
		(_("Channels needing reauthorization now"), cards.channels_needing_reauthorization(), None),
	]
	data = [
		{
			"figure": f,
			"value": "–" if v is None else str(v),
			"report": link(r) if r else get_url("/app/social-channel"),
		}
		for f, v, r in rows
	]
	columns = [
		{"fieldname": "figure", "label": _("Figure"), "fieldtype": "Data", "width": 300},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Data", "width": 120},
		{"fieldname": "report", "label": _("Details"), "fieldtype": "Data", "width": 420},
	]
	return columns, data
