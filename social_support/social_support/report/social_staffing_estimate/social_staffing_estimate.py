"""Agents needed per hour of the day from the inbound volume, the team's measured handling time and an occupancy target,
shown next to the published rule of thumb."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from social_support.analysis.staffing import handling_minutes, hourly_plan, monthly_volume, rule_of_thumb
from social_support.insights.business_hours import business_hours
from social_support.insights.columns import column
from social_support.insights.filters import message_conditions, period
from social_support.outbound.constants import NOT_AGENT_REPLIES


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end, days = period(filters)
	settings = frappe.get_cached_doc("Social Support Settings")
	occupancy = flt(filters.get("occupancy") or settings.occupancy_target or 80) / 100.0
	where, values = message_conditions(filters, start, end)
	counts = [0] * 24
	for hour, n in frappe.db.sql(
		f"select hour(m.posted_on), count(*) from `tabSocial Message` m where {where} and m.direction = 'Inbound' group by hour(m.posted_on)",
		values,
	):
		counts[int(hour)] = n
	measured = measured_handling_minutes(start, end)
	handle = flt(filters.get("handle_minutes")) or measured or flt(settings.default_handle_minutes) or 4.0
	plan = hourly_plan(counts, days, handle, occupancy)
	hours = business_hours()
	weekday_share = len(hours.days) / 7.0
	for row in plan:
		row["in_business_hours"] = int(hours.covers_hour(hours.days[0] if hours.days else 0, row["hour"]))
		row["label"] = f"{row['hour']:02d}:00-{row['hour']:02d}:59"
	monthly = monthly_volume(sum(counts), days)
	low, high = rule_of_thumb(monthly)
	agent_hours_per_day = sum(r["agents"] for r in plan)
	data = [
		{
			"hour": r["label"],
			"messages_per_hour": round(r["messages_per_hour"], 2),
			"workload_hours": round(r["workload_hours"], 2),
			"agents": r["agents"],
			"in_business_hours": r["in_business_hours"],
		}
		for r in plan
	]
	columns = [
		column("hour", _("Hour"), width=120),
		column("messages_per_hour", _("Messages per Hour (avg)"), "Float", 170),
		column("workload_hours", _("Workload (agent-hours)"), "Float", 170),
		column("agents", _("Agents Needed"), "Int", 120),
		column("in_business_hours", _("Business Hours"), "Check", 110),
	]
	summary = [
		{"value": round(monthly), "label": _("Messages per month"), "datatype": "Int"},
		{
			"value": round(handle, 2),
			"label": _("Handling minutes per message")
			+ (" " + _("(measured)") if measured and not filters.get("handle_minutes") else ""),
			"datatype": "Float",
		},
		{"value": occupancy * 100, "label": _("Occupancy target %"), "datatype": "Percent"},
		{
			"value": max((r["agents"] for r in plan), default=0),
			"label": _("Agents at the peak hour"),
			"datatype": "Int",
		},
		{
			"value": round(agent_hours_per_day * 7 / 40.0, 1),
			"label": _("Full-time agents (40 h weeks)"),
			"datatype": "Float",
			"indicator": "Blue",
		},
		{
			"value": f"{low}-{high}" if low != high else f"~{low}",
			"label": _("Rule of thumb for this volume (agents)"),
			"datatype": "Data",
			"indicator": "Orange",
		},
	]
	chart = {
		"data": {
			"labels": [f"{h:02d}" for h in range(24)],
			"datasets": [{"name": _("Agents Needed"), "values": [r["agents"] for r in plan]}],
		},
		"type": "bar",
	}
	message = _(
		"Agents per hour = messages per hour x handling minutes / 60 / occupancy, rounded up. Handling minutes are the median gap "
		"between consecutive replies of one agent within a working stretch (gaps over 15 minutes are breaks, under 30 seconds bulk sends). The published rule "
		"of thumb (up to 5,000 messages a month 5-10 agents, 20,000 about 10, 50,000 10-20, 100,000+ about 50) assumes a full "
		"service week; compare it with the full-time figure. Business days cover {0}% of the week."
	).format(round(weekday_share * 100))
	return columns, data, message, chart, summary


def measured_handling_minutes(start, end) -> float | None:
	times = defaultdict(list)
	for author, sent_on in frappe.db.sql(
		"""select author, sent_on from `tabSocial Reply` where status='Sent' and sent_on between %s and %s
		and purpose not in %s and author is not null""",
		(start, end, NOT_AGENT_REPLIES),
	):
		times[author].append(get_datetime(sent_on).timestamp())
	return handling_minutes(times)
