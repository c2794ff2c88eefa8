"""Sentiment and intent mix of inbound messages over time, urgent share, and the period's top terms."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, escape_html, getdate

from social_support.analysis.metrics import rate
from social_support.analysis.terms import top_terms
from social_support.insights.filters import message_conditions, period

SENTIMENTS = ("positive", "neutral", "negative")
INTENTS = ("complaint", "question", "praise", "spam", "troll", "other")
TERMS_SAMPLE = 10_000  # top terms are computed over the newest messages of the period, at most this many


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end, _days = period(filters)
	where, values = message_conditions(filters, start, end)
	weekly = (filters.get("group_by") or "Day") == "Week"
	rows = frappe.db.sql(
		f"""select date(m.posted_on) as day, m.sentiment, m.intent, m.urgent, count(*) as n
		from `tabSocial Message` m where {where} and m.direction = 'Inbound'
		group by date(m.posted_on), m.sentiment, m.intent, m.urgent""",
		values,
		as_dict=True,
	)
	buckets: dict = defaultdict(lambda: defaultdict(int))
	for r in rows:
		day = getdate(r.day)
		key = add_days(day, -day.weekday()) if weekly else day
		b = buckets[key]
		b["total"] += r.n
		b[r.sentiment or "neutral"] += r.n
		b[r.intent or "other"] += r.n
		if r.urgent:
			b["urgent"] += r.n
	data, day = [], getdate(start)
	if weekly:
		day = add_days(day, -day.weekday())
	while day <= getdate(end):
		b = buckets.get(day, {})
		row = {"period": day, "total": b.get("total", 0), "urgent": b.get("urgent", 0)}
		row.update({k: b.get(k, 0) for k in SENTIMENTS + INTENTS})
		row["urgent_pct"] = rate(row["urgent"], row["total"])
		row["negative_pct"] = rate(row["negative"], row["total"])
		data.append(row)
		day = add_days(day, 7 if weekly else 1)
	columns = [
		{
			"fieldname": "period",
			"label": _("Week of") if weekly else _("Day"),
			"fieldtype": "Date",
			"width": 110,
		},
		{"fieldname": "total", "label": _("Inbound"), "fieldtype": "Int", "width": 80},
	]
	columns += [{"fieldname": k, "label": _(k.title()), "fieldtype": "Int", "width": 85} for k in SENTIMENTS]
	columns += [{"fieldname": "negative_pct", "label": _("Negative %"), "fieldtype": "Percent", "width": 95}]
	columns += [{"fieldname": k, "label": _(k.title()), "fieldtype": "Int", "width": 90} for k in INTENTS]
	columns += [
		{"fieldname": "urgent", "label": _("Urgent"), "fieldtype": "Int", "width": 75},
		{"fieldname": "urgent_pct", "label": _("Urgent %"), "fieldtype": "Percent", "width": 85},
	]
	chart = {
		"data": {
			"labels": [str(r["period"]) for r in data],
			"datasets": [{"name": _(k.title()), "values": [r[k] for r in data]} for k in SENTIMENTS],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#2e7d32", "#9e9e9e", "#c62828"],
	}
	terms = top_terms(
		frappe.db.sql(
			f"select m.text from `tabSocial Message` m where {where} and m.direction = 'Inbound' order by m.posted_on desc limit {TERMS_SAMPLE}",
			values,
			pluck=True,
		),
		20,
	)
	total = sum(r["total"] for r in data)
	summary = [
		{"value": total, "label": _("Inbound"), "datatype": "Int"},
		{
			"value": rate(sum(r["negative"] for r in data), total) or 0,
			"label": _("Negative %"),
			"datatype": "Percent",
			"indicator": "Red",
		},
		{
			"value": rate(sum(r["urgent"] for r in data), total) or 0,
			"label": _("Urgent %"),
			"datatype": "Percent",
			"indicator": "Orange",
		},
	]
	message = _("Top terms of the period (newest {0} messages at most): ").format(TERMS_SAMPLE) + ", ".join(
		f"<b>{escape_html(t)}</b> ({n})" for t, n in terms
	)
	return columns, data, message, chart, summary
