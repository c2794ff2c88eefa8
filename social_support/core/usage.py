"""What each channel spends on the platform: reads and writes by kind, per month, priced by the
settings' X Prices, against the channel's monthly budget.

Polling slows at 80 % of the budget (every fourth interval) and pauses at 100 % until the month
ends or the budget is raised; replies are never held by the budget. The people who run the
channels are told once a month when a channel reaches its budget.
"""

from __future__ import annotations

import hashlib
import json

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, flt, get_datetime, now_datetime

from social_support.platforms.x.costs import prices_from

from .notify import notify, users_of_first_staffed_role

SLOW_AT = 0.8
SLOW_FACTOR = 4
OK, SLOW, PAUSED = "ok", "slow", "paused"


def current_month(now=None) -> str:
	return (now or now_datetime()).strftime("%Y-%m")


def prices() -> dict[str, float]:
	"""X Prices from Social Support Settings (kind -> USD) over X's published prices."""
	text = frappe.db.get_single_value("Social Support Settings", "x_prices") or ""
	table = json.loads(text) if text.strip() else {}
	return prices_from(table)


def record_client(channel: str, client) -> None:
	"""Count what the client's calls since the last count cost (clients that bill nothing give {})."""
	take = getattr(client, "take_usage", None)
	if take:
		record(channel, take())


def record(channel: str, usage: dict[str, int]) -> None:
	usage = {kind: cint(n) for kind, n in (usage or {}).items() if cint(n) > 0}
	if not usage:
		return
	month = current_month()
	table = prices()
	now = now_datetime()
	platform = frappe.db.get_value("Social Channel", channel, "platform")
	for kind, n in usage.items():
		name = hashlib.sha1(f"{channel}\n{month}\n{kind}".encode()).hexdigest()[:20]
		frappe.db.sql(
			"""insert into `tabSocial API Usage`
				(name, channel, platform, month, kind, resources, cost, creation, modified, owner, modified_by,
				docstatus, idx)
			values (%(name)s, %(channel)s, %(platform)s, %(month)s, %(kind)s, %(n)s, %(cost)s, %(now)s, %(now)s,
				'Administrator', 'Administrator', 0, 0)
			on duplicate key update resources = resources + %(n)s, cost = cost + %(cost)s, modified = %(now)s""",
			{
				"name": name,
				"channel": channel,
				"platform": platform,
				"month": month,
				"kind": kind,
				"n": n,
				"cost": n * table.get(kind, 0.0),
				"now": now,
			},
		)
	spent_now = spent(channel, month)
	frappe.db.set_value("Social Channel", channel, "spent_this_month", spent_now, update_modified=False)
	_tell_once_at_budget(channel, month, spent_now)


def spent(channel: str, month: str | None = None) -> float:
	value = frappe.db.sql(
		"select coalesce(sum(cost), 0) from `tabSocial API Usage` where channel=%s and month=%s",
		(channel, month or current_month()),
	)
	return round(flt(value[0][0]), 4)


def budget_state(channel: str, budget: float | None = None, month: str | None = None) -> tuple[str, float]:
	"""(ok | slow | paused, spent this month) against the channel's Monthly Budget (0 = none)."""
	if budget is None:
		budget = flt(frappe.db.get_value("Social Channel", channel, "monthly_budget"))
	used = spent(channel, month)
	if budget <= 0:
		return OK, used
	if used >= budget:
		return PAUSED, used
	if used >= SLOW_AT * budget:
		return SLOW, used
	return OK, used


def may_poll(channel: str, now=None) -> bool:
	"""Whether the scheduler polls the channel now: never at the budget, every fourth interval near it."""
	row = frappe.db.get_value(
		"Social Channel", channel, ["monthly_budget", "poll_interval_minutes", "last_polled_on"], as_dict=True
	)
	if not row:
		return False
	state, _used = budget_state(channel, flt(row.monthly_budget))
	if state == PAUSED:
		return False
	if state == SLOW and row.last_polled_on:
		interval = cint(row.poll_interval_minutes) * 60 * SLOW_FACTOR
		return add_to_date(get_datetime(row.last_polled_on), seconds=interval - 15) <= (now or now_datetime())
	return True


def describe(channel: str, budget: float) -> str | None:
	"""A line for the channel form."""
	state, used = budget_state(channel, budget)
	if state == PAUSED:
		return _("Polling paused: {0} of {1} USD spent this month (replies are still sent).").format(
			used, budget
		)
	if state == SLOW:
		return _("Polling slowed to every {0}th interval: {1} of {2} USD spent this month.").format(
			SLOW_FACTOR, used, budget
		)
	return None


def _tell_once_at_budget(channel: str, month: str, used: float) -> None:
	row = frappe.db.get_value(
		"Social Channel", channel, ["monthly_budget", "budget_notified_month"], as_dict=True
	)
	budget = flt(row.monthly_budget) if row else 0
	if not row or budget <= 0 or used < budget or row.budget_notified_month == month:
		return
	frappe.db.set_value("Social Channel", channel, "budget_notified_month", month, update_modified=False)
	notify(
		users_of_first_staffed_role("Social Manager", "System Manager"),
		_("Social channel {0} reached its monthly budget").format(channel),
		_(
			"{0} USD of {1} USD spent on the platform this month. Polling is paused until next month or until the budget is raised; replies are still sent."
		).format(used, budget),
		document_type="Social Channel",
		document_name=channel,
	)
