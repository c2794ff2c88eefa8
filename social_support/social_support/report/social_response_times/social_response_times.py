"""First response and resolution times (median, p90), handled vs unhandled, SLA met/failed, in and out of hours."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from social_support.analysis.business_time import seconds_to_hours
from social_support.analysis.metrics import median, percentile, rate
from social_support.insights.business_hours import business_hours
from social_support.insights.columns import column
from social_support.insights.filters import first_assignee, period, ticket_conditions
from social_support.tickets import get_adapter

GROUPS = {"Channel": "channel", "Agent": "agent", "Platform": "platform"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end, _days = period(filters)
	group_by = filters.get("group_by") or "Channel"
	if group_by not in GROUPS:
		frappe.throw(_("Group by one of: {0}").format(", ".join(GROUPS)))
	tickets = fetch(filters, start, end)
	hours = business_hours()
	groups = defaultdict(list)
	for t in tickets:
		t["in_hours"] = hours.contains(t.pop("dow"), t.pop("secs"))
		groups[t[GROUPS[group_by]] or _("(none)")].append(t)
	data = [figures(name, members) for name, members in sorted(groups.items())]
	data.append({**figures(_("Total"), tickets), "bold": 1})
	columns = [
		column("group", _(group_by), width=170),
		column("tickets", _("Tickets"), "Int", 80),
		column("handled", _("Handled"), "Int", 80),
		column("unhandled", _("Unhandled"), "Int", 90),
		column("fr_median", _("First Response Median (h)"), "Float", 120),
		column("fr_p90", _("First Response p90 (h)"), "Float", 120),
		column("res_median", _("Resolution Median (h)"), "Float", 120),
		column("res_p90", _("Resolution p90 (h)"), "Float", 120),
		column("sla_met", _("SLA Met"), "Int", 80),
		column("sla_failed", _("SLA Failed"), "Int", 90),
		column("sla_met_pct", _("SLA Met %"), "Percent", 90),
		column("opened_out_of_hours", _("Opened Out of Hours"), "Int", 110),
		column("fr_median_in_hours", _("First Response Median In Hours (h)"), "Float", 140),
		column("fr_median_out_of_hours", _("First Response Median Out of Hours (h)"), "Float", 150),
	]
	chart = opened_vs_resolved(filters, start, end)
	total = data[-1]
	summary = [
		{"value": total["fr_median"], "label": _("Median first response (h)"), "datatype": "Float"},
		{
			"value": total["unhandled"],
			"label": _("Unhandled"),
			"datatype": "Int",
			"indicator": "Red" if total["unhandled"] else "Green",
		},
		{
			"value": total["fr_median_out_of_hours"],
			"label": _("Median first response, opened out of hours (h)"),
			"datatype": "Float",
		},
	]
	return columns, data, None, chart, summary


def fetch(filters, start, end) -> list[dict]:
	where, values = ticket_conditions(filters)
	tickets = get_adapter()
	c = tickets.columns("i")
	where.append(f"{c['opened_on']} between %(start)s and %(end)s")
	# measured from the customer's first message, not from when the ticket was made (Social Inbox)
	began = tickets.conversation_start("i")
	rows = frappe.db.sql(
		f"""select {c["channel"]} as channel, {c["platform"]} as platform,
			weekday({began}) as dow, time_to_sec({began}) as secs,
			timestampdiff(second, {began}, {c["first_responded_on"]}) as fr,
			if({c["status"]} in %(closed)s, timestampdiff(second, {began}, {c["resolved_on"]}), null) as res,
			{c["agreement_status"]} as agreement_status, {c["assignees"]} as assignees
		from `{tickets.table}` i where {" and ".join(where)}""",
		{**values, "start": start, "end": end, "closed": tickets.closed_statuses},
		as_dict=True,
	)
	for r in rows:
		r["agent"] = first_assignee(r.pop("assignees"))
	return rows


def figures(name, members) -> dict:
	fr = [m["fr"] for m in members if m["fr"] is not None]
	res = [m["res"] for m in members if m["res"] is not None]
	tickets = get_adapter()
	met = sum(1 for m in members if m["agreement_status"] == tickets.agreement_met)
	failed = sum(1 for m in members if m["agreement_status"] == tickets.agreement_failed)
	return {
		"group": name,
		"tickets": len(members),
		"handled": len(fr),
		"unhandled": len(members) - len(fr),
		"fr_median": seconds_to_hours(median(fr)),
		"fr_p90": seconds_to_hours(percentile(fr, 90)),
		"res_median": seconds_to_hours(median(res)),
		"res_p90": seconds_to_hours(percentile(res, 90)),
		"sla_met": met,
		"sla_failed": failed,
		"sla_met_pct": rate(met, met + failed),
		"opened_out_of_hours": sum(1 for m in members if not m["in_hours"]),
		"fr_median_in_hours": seconds_to_hours(
			median(m["fr"] for m in members if m["in_hours"] and m["fr"] is not None)
		),
		"fr_median_out_of_hours": seconds_to_hours(
			median(m["fr"] for m in members if not m["in_hours"] and m["fr"] is not None)
		),
	}


def opened_vs_resolved(filters, start, end) -> dict:
	where, values = ticket_conditions(filters)
	cond, values = " and ".join(where), {**values, "start": start, "end": end}
	tickets = get_adapter()
	opened_on, resolved_on = tickets.columns("i")["opened_on"], tickets.columns("i")["resolved_on"]
	opened = dict(
		frappe.db.sql(
			f"select date({opened_on}), count(*) from `{tickets.table}` i where {cond}"
			f" and {opened_on} between %(start)s and %(end)s group by date({opened_on})",
			values,
		)
	)
	resolved = dict(
		frappe.db.sql(
			f"select date({resolved_on}), count(*) from `{tickets.table}` i where {cond}"
			f" and {resolved_on} between %(start)s and %(end)s group by date({resolved_on})",
			values,
		)
	)
	labels, o, r, day = [], [], [], getdate(start)
	while day <= getdate(end):
		labels.append(str(day))
		o.append(opened.get(day, 0))
		r.append(resolved.get(day, 0))
		day = add_days(day, 1)
	return {
		"data": {
			"labels": labels,
			"datasets": [{"name": _("Opened"), "values": o}, {"name": _("Resolved"), "values": r}],
		},
		"type": "line",
		"axisOptions": {"xIsSeries": 1},
	}
