"""Messages in and out per channel and day, and a day-of-week x hour-of-day heatmap of inbound volume."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from social_support.analysis.business_time import DAYS
from social_support.insights.business_hours import business_hours
from social_support.insights.filters import message_conditions, period


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end, _days = period(filters)
	where, values = message_conditions(filters, start, end)
	if (filters.get("view") or "Per Day") == "Heatmap":
		return heatmap(where, values)
	return per_day(where, values, start, end)


def per_day(where, values, start, end):
	rows = frappe.db.sql(
		f"""select date(m.posted_on) as day, m.channel, m.direction, count(*) as n
		from `tabSocial Message` m where {where}
		group by date(m.posted_on), m.channel, m.direction""",
		values,
		as_dict=True,
	)
	channels = sorted({r.channel or _("(none)") for r in rows})
	by_day: dict = defaultdict(lambda: defaultdict(int))
	for r in rows:
		d = by_day[getdate(r.day)]
		d[r.direction] += r.n
		if r.direction == "Inbound":
			d[r.channel or _("(none)")] += r.n
	data, day = [], getdate(start)
	while day <= getdate(end):
		d = by_day.get(day, {})
		data.append(
			{
				"day": day,
				"inbound": d.get("Inbound", 0),
				"outbound": d.get("Outbound", 0),
				**{_key(c): d.get(c, 0) for c in channels},
			}
		)
		day = add_days(day, 1)
	columns = [
		{"fieldname": "day", "label": _("Day"), "fieldtype": "Date", "width": 110},
		{"fieldname": "inbound", "label": _("In"), "fieldtype": "Int", "width": 80},
		{"fieldname": "outbound", "label": _("Out"), "fieldtype": "Int", "width": 80},
	] + [
		{"fieldname": _key(c), "label": _("In: {0}").format(c), "fieldtype": "Int", "width": 140}
		for c in channels
	]
	chart = {
		"data": {"labels": [str(r["day"]) for r in data], "datasets": chart_series(data, channels)},
		"type": "line",
		"axisOptions": {"xIsSeries": 1},
	}
	total_in = sum(r["inbound"] for r in data)
	summary = [
		{"value": total_in, "label": _("Messages in"), "datatype": "Int"},
		{"value": sum(r["outbound"] for r in data), "label": _("Messages out"), "datatype": "Int"},
	]
	return columns, data, None, chart, summary


def heatmap(where, values):
	rows = frappe.db.sql(
		f"""select weekday(m.posted_on) as dow, hour(m.posted_on) as hr, count(*) as n
		from `tabSocial Message` m where {where} and m.direction = 'Inbound'
		group by weekday(m.posted_on), hour(m.posted_on)""",
		values,
		as_dict=True,
	)
	grid = [[0] * 24 for _ in range(7)]
	for r in rows:
		grid[int(r.dow)][int(r.hr)] = r.n
	hours = business_hours()
	data, outside_total = [], 0
	for dow in range(7):
		outside = [h for h in range(24) if not hours.covers_hour(dow, h)]
		outside_total += sum(grid[dow][h] for h in outside)
		data.append(
			{
				"day": _(DAYS[dow]),
				"outside": ",".join(map(str, outside)),
				"total": sum(grid[dow]),
				**{f"h{h:02d}": grid[dow][h] for h in range(24)},
			}
		)
	total = sum(r["total"] for r in data)
	columns = [{"fieldname": "day", "label": _("Day"), "fieldtype": "Data", "width": 70}]
	columns += [
		{"fieldname": f"h{h:02d}", "label": f"{h:02d}", "fieldtype": "Int", "width": 52} for h in range(24)
	]
	columns += [{"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 80}]
	share = round(100.0 * outside_total / total, 1) if total else 0
	summary = [
		{"value": total, "label": _("Messages in"), "datatype": "Int"},
		{
			"value": share,
			"label": _("Outside business hours %"),
			"datatype": "Percent",
			"indicator": "Red" if share > 20 else "Green",
		},
	]
	chart = {
		"data": {
			"labels": [f"{h:02d}" for h in range(24)],
			"datasets": [
				{
					"name": _("In per hour of day"),
					"values": [sum(grid[d][h] for d in range(7)) for h in range(24)],
				}
			],
		},
		"type": "bar",
	}
	message = _("Shaded cells are outside business hours (Social Support Settings), in the site's time zone.")
	return columns, data, message, chart, summary


def chart_series(data: list[dict], channels: list[str], top: int = 8) -> list[dict]:
	"""Inbound per day for the busiest channels, the rest summed as Other (a chart with 40 lines is unreadable)."""
	if not channels:
		return [{"name": _("In"), "values": [r["inbound"] for r in data]}]
	ranked = sorted(channels, key=lambda c: -sum(r[_key(c)] for r in data))
	series = [{"name": c, "values": [r[_key(c)] for r in data]} for c in ranked[:top]]
	rest = ranked[top:]
	if rest:
		series.append({"name": _("Other"), "values": [sum(r[_key(c)] for c in rest) for r in data]})
	return series


def _key(channel: str) -> str:
	return "ch_" + frappe.scrub(channel)
