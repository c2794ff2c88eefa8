"""The figures a support lead reads first, with links to the detailed reports (also the email digest's body)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_url

from social_support.analysis.metrics import csat, median
from social_support.insights import cards
from social_support.insights.common import assignee_condition, hours_label, message_conditions, period


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
	ticket_cond, tv = ["social_channel is not null", "social_channel != ''"], {"start": start, "end": end}
	for key, col in (("channel", "social_channel"), ("platform", "social_platform")):
		if filters.get(key):
			ticket_cond.append(f"{col} = %({key})s")
			tv[key] = filters[key]
	assigned, assigned_values = assignee_condition(filters, "`tabIssue`")
	if assigned:
		ticket_cond.append(assigned)
		tv.update(assigned_values)
	tc = " and ".join(ticket_cond)
	opened = frappe.db.sql(
		f"select timestampdiff(second, creation, first_responded_on) from `tabIssue` where {tc} and creation between %(start)s and %(end)s",
		tv,
	)
	resolved = frappe.db.sql(
		f"select count(*) from `tabIssue` where {tc} and resolution_date between %(start)s and %(end)s", tv
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
			hours_label(median(fr for (fr,) in opened if fr is not None)),
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
