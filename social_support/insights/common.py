"""Shared pieces of the managers' reports: the period, the filters, business hours, who handled a ticket."""

from __future__ import annotations

import json
from datetime import datetime, time

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, get_time, getdate

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REPORTS = (
	"Social Key Figures",
	"Social Volume",
	"Social Response Times",
	"Social Sentiment and Topics",
	"Social Agent Performance",
	"Social Staffing Estimate",
	"Social Survey Results",
)


def period(filters) -> tuple[datetime, datetime, float]:
	"""(start, end, days) from from_date/to_date (dates, inclusive); default the last 30 days."""
	to_date = getdate(filters.get("to_date") or getdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -29))
	if from_date > to_date:
		frappe.throw(_("From date must not be after To date."))
	start = get_datetime(from_date)
	end = datetime.combine(to_date, time.max)
	return start, end, (to_date - from_date).days + 1


def business_hours():
	s = frappe.get_cached_doc("Social Support Settings")
	start = get_time(s.business_hours_start or "08:00:00")
	end = get_time(s.business_hours_end or "17:00:00")
	days = {d.strip()[:3].title() for d in (s.business_days or "Mon,Tue,Wed,Thu,Fri").split(",") if d.strip()}
	return start, end, [DAYS.index(d) for d in DAYS if d in days]


def in_business_hours_at(weekday: int, seconds_of_day: int, hours=None) -> bool:
	"""Whether a moment, given as weekday (Monday 0) and seconds since midnight, is inside business hours."""
	start, end, days = hours or business_hours()
	if weekday not in days:
		return False
	s, e, t = _secs(start), _secs(end), int(seconds_of_day)
	return s <= t < e if s <= e else (t >= s or t < e)


def _secs(t) -> int:
	return t.hour * 3600 + t.minute * 60 + t.second


def hour_in_business(weekday: int, hour: int, hours=None) -> bool:
	return in_business_hours_at(weekday, hour * 3600 + 1800, hours)


def team_agents(team: str | None) -> list[str] | None:
	"""A team is an Assignment Rule: its users are the team's agents."""
	if not team:
		return None
	return frappe.get_all(
		"Assignment Rule User", filters={"parent": team, "parenttype": "Assignment Rule"}, pluck="user"
	)


def agent_of(assign: str | None) -> str | None:
	try:
		names = json.loads(assign) if assign else []
	except ValueError:
		return None
	return names[0] if names else None


def hours_label(value: float | None) -> float | None:
	return None if value is None else round(value / 3600.0, 2)


def assignee_condition(filters, alias: str = "i") -> tuple[str | None, dict]:
	"""SQL on Issue for the agent and team filters (a ticket's assignees are the JSON list in `_assign`)."""
	agents = []
	if filters.get("agent"):
		agents.append(filters["agent"])
	team = team_agents(filters.get("team"))
	if team is not None:
		agents = [a for a in agents if a in team] if agents else team
		if not agents:
			return "1 = 0", {}
	if not agents:
		return None, {}
	values = {f"assignee_{n}": f'%"{a}"%' for n, a in enumerate(agents)}
	return "(" + " or ".join(f"{alias}._assign like %({k})s" for k in values) + ")", values


def message_conditions(filters, start, end, alias: str = "m") -> tuple[str, dict]:
	"""SQL conditions on Social Message for the period, channel, platform, agent and team filters.

	Agent and team keep the messages of tickets assigned to them."""
	where = [f"{alias}.posted_on between %(start)s and %(end)s"]
	values = {"start": start, "end": end}
	for key in ("channel", "platform"):
		if filters.get(key):
			where.append(f"{alias}.{key} = %({key})s")
			values[key] = filters[key]
	assigned, assigned_values = assignee_condition(filters)
	if assigned:
		where.append(f"{alias}.reference_name in (select i.name from `tabIssue` i where {assigned})")
		values.update(assigned_values)
	return " and ".join(where), values


def ticket_conditions(filters, alias: str = "i") -> tuple[list[str], dict]:
	"""SQL conditions on social Issues for the channel, platform, agent and team filters (no period)."""
	where = [f"ifnull({alias}.social_channel, '') != ''"]
	values = {}
	for key, column in (("channel", "social_channel"), ("platform", "social_platform")):
		if filters.get(key):
			where.append(f"{alias}.{column} = %({key})s")
			values[key] = filters[key]
	assigned, assigned_values = assignee_condition(filters, alias)
	if assigned:
		where.append(assigned)
		values.update(assigned_values)
	return where, values


def column(fieldname: str, label: str, fieldtype: str = "Data", width: int = 100, **extra) -> dict:
	"""A report column; hours columns are Float with two decimals."""
	col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}
	if fieldtype == "Float":
		col.setdefault("precision", 2)
	return col
