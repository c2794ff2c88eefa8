"""CSAT (share of 4-5), mean per rating question, NPS and response rate, by channel, platform, agent or week."""

from __future__ import annotations

import json
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate

from social_support.analysis.metrics import csat, mean, nps, rate

DELIVERED = ("Sent", "Answered", "Expired")
GROUPS = {"Channel": "channel", "Platform": "platform", "Agent": "agent", "Week": "week"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.get("group_by") or "Channel"
	if group_by not in GROUPS:
		frappe.throw(_("Group by one of: {0}").format(", ".join(GROUPS)))
	rows = fetch(filters)
	rating_keys, nps_keys = rating_questions()
	data = rollup(rows, GROUPS[group_by], rating_keys, nps_keys)
	columns = [
		{"fieldname": "group", "label": _(group_by), "fieldtype": "Data", "width": 180},
		{"fieldname": "sent", "label": _("Sent"), "fieldtype": "Int", "width": 80},
		{"fieldname": "answered", "label": _("Answered"), "fieldtype": "Int", "width": 90},
		{"fieldname": "response_rate", "label": _("Response Rate %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "csat", "label": _("CSAT % (4-5)"), "fieldtype": "Percent", "width": 110},
	]
	columns += [
		{
			"fieldname": f"mean_{k}",
			"label": _("Mean {0}").format(k.replace("_", " ")),
			"fieldtype": "Float",
			"precision": 2,
			"width": 130,
		}
		for k in rating_keys
	]
	if nps_keys:
		columns.append(
			{"fieldname": "nps", "label": _("NPS"), "fieldtype": "Float", "precision": 1, "width": 80}
		)
	columns.append({"fieldname": "skipped", "label": _("Skipped"), "fieldtype": "Int", "width": 80})
	chart = {
		"data": {
			"labels": [d["group"] for d in data[:-1]],
			"datasets": [{"name": _("CSAT %"), "values": [round(d["csat"] or 0, 1) for d in data[:-1]]}],
		},
		"type": "bar",
		"fieldtype": "Percent",
	}
	return columns, data, None, chart


def fetch(filters) -> list[dict]:
	conditions = {
		"scheduled_for": [
			"between",
			[
				get_datetime(getdate(filters.from_date or add_days(getdate(), -30))),
				get_datetime(f"{getdate(filters.to_date or getdate())} 23:59:59.999999"),
			],
		],
	}
	for key in ("channel", "platform", "agent"):
		if filters.get(key):
			conditions[key] = filters[key]
	return frappe.get_all(
		"Social Survey",
		filters=conditions,
		fields=[
			"status",
			"channel",
			"platform",
			"agent",
			"scheduled_for",
			"sent_on",
			"answers",
			"satisfaction",
		],
		limit_page_length=0,
	)


def rating_questions() -> tuple[list[str], list[str]]:
	"""Rating and NPS keys across templates, in template order (the default template's keys first)."""
	rows = frappe.get_all(
		"Social Survey Question", fields=["key", "kind", "parent", "idx"], order_by="parent asc, idx asc"
	)
	ratings = list(dict.fromkeys(r.key for r in rows if r.kind == "Rating 1-5"))
	npss = list(dict.fromkeys(r.key for r in rows if r.kind == "NPS 0-10"))
	return ratings, npss


def week_of(value) -> str:
	day = getdate(value)
	return str(add_days(day, -day.weekday()))


def rollup(rows: list[dict], group_field: str, rating_keys: list[str], nps_keys: list[str]) -> list[dict]:
	groups: dict[str, list] = defaultdict(list)
	for r in rows:
		key = (
			week_of(r.get("sent_on") or r["scheduled_for"])
			if group_field == "week"
			else (r.get(group_field) or _("(none)"))
		)
		groups[key].append(r)
	out = [_figures(name, members, rating_keys, nps_keys) for name, members in sorted(groups.items())]
	out.append({**_figures(_("Total"), rows, rating_keys, nps_keys), "bold": 1})
	return out


def _figures(name, members, rating_keys, nps_keys) -> dict:
	delivered = [m for m in members if m["status"] in DELIVERED]
	answered = [m for m in members if m["status"] == "Answered"]
	answers = [json.loads(m["answers"] or "{}") for m in answered]
	row = {
		"group": name,
		"sent": len(delivered),
		"answered": len(answered),
		"response_rate": rate(len(answered), len(delivered)),
		"csat": csat(m["satisfaction"] for m in answered if m["satisfaction"]),
		"skipped": sum(1 for m in members if m["status"] == "Skipped"),
	}
	for k in rating_keys:
		row[f"mean_{k}"] = mean(a.get(k) for a in answers)
	if nps_keys:
		row["nps"] = nps(a.get(k) for a in answers for k in nps_keys if a.get(k) is not None)
	return row
