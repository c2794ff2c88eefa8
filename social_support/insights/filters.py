"""What every report is asked for: the period, and the channel, platform, agent and team filters as SQL.

A team is an Assignment Rule (its users are the team's agents); a ticket's agent is its first
assignee in Frappe's ``_assign`` list.
"""

from __future__ import annotations

import json
from datetime import datetime, time

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate

from social_support.tickets import get_adapter


def period(filters) -> tuple[datetime, datetime, float]:
	"""(start, end, days) from from_date/to_date (dates, inclusive); default the last 30 days."""
	to_date = getdate(filters.get("to_date") or getdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -29))
	if from_date > to_date:
		frappe.throw(_("From date must not be after To date."))
	start = get_datetime(from_date)
	end = datetime.combine(to_date, time.max)
	return start, end, (to_date - from_date).days + 1


def team_agents(team: str | None) -> list[str] | None:
	"""A team is an Assignment Rule: its users are the team's agents."""
	if not team:
		return None
	return frappe.get_all(
		"Assignment Rule User", filters={"parent": team, "parenttype": "Assignment Rule"}, pluck="user"
	)


def first_assignee(assign: str | None) -> str | None:
	"""The agent of a ticket: the first user in its ``_assign`` JSON list."""
	try:
		names = json.loads(assign) if assign else []
	except ValueError:
		return None
	return names[0] if names else None


def assignee_condition(filters, alias: str = "i") -> tuple[str | None, dict]:
	"""SQL on tickets for the agent and team filters (a ticket's assignees are a JSON list, Frappe's `_assign`)."""
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
	column = get_adapter().field("assignees")
	return "(" + " or ".join(f"{alias}.`{column}` like %({k})s" for k in values) + ")", values


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
		where.append(
			f"{alias}.reference_name in (select i.name from `{get_adapter().table}` i where {assigned})"
		)
		values.update(assigned_values)
	return " and ".join(where), values


def ticket_conditions(filters, alias: str = "i") -> tuple[list[str], dict]:
	"""SQL conditions on social tickets for the channel, platform, agent and team filters (no period)."""
	tickets = get_adapter()
	where = [f"ifnull({alias}.`{tickets.field('channel')}`, '') != ''"]
	values = {}
	for key in ("channel", "platform"):
		if filters.get(key):
			where.append(f"{alias}.`{tickets.field(key)}` = %({key})s")
			values[key] = filters[key]
	assigned, assigned_values = assignee_condition(filters, alias)
	if assigned:
		where.append(assigned)
		values.update(assigned_values)
	return where, values
