"""Staffing estimate from the team's own figures, next to the published rule of thumb.

Model: asynchronous messages are worked through a queue, so an hour block needs enough agent time
to handle what arrives in it: agents = ceil(messages per hour x handling minutes / 60 / occupancy).
Handling minutes are measured from the team's own replies (the median gap between consecutive
replies of one agent while they work without a break), so the estimate tracks the real team.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise

from .metrics import median

DAYS_PER_MONTH = 30.4375


def rule_of_thumb(monthly_messages: float) -> tuple[int, int]:
	"""Published industry rule of thumb for social care teams, as a (low, high) number of agents.

	Up to 5,000 messages a month: 5-10 agents; 20,000: about 10; 50,000: 10-20; 100,000 and more:
	about 50. Between the published points the range is interpolated linearly.
	"""
	m = max(float(monthly_messages), 0.0)
	points = [(0, 5, 10), (5_000, 5, 10), (20_000, 10, 10), (50_000, 10, 20), (100_000, 50, 50)]
	if m >= 100_000:
		return 50, 50
	for (x0, lo0, hi0), (x1, lo1, hi1) in pairwise(points):
		if x0 <= m <= x1:
			f = (m - x0) / (x1 - x0) if x1 > x0 else 0.0
			return round(lo0 + (lo1 - lo0) * f), round(hi0 + (hi1 - hi0) * f)
	return 50, 50  # unreachable


def handling_minutes(
	reply_times_by_agent: dict[str, Sequence[float]],
	max_gap_minutes: float = 15.0,
	min_gap_minutes: float = 0.5,
) -> float | None:
	"""Median minutes between consecutive replies of the same agent, counting only gaps of a working stretch.

	reply_times_by_agent: epoch seconds of each agent's replies. Gaps longer than max_gap_minutes are
	breaks or idle time; gaps shorter than min_gap_minutes are bulk sends (answer-all, bulk approval),
	not handling; both are left out. None when no agent sent two replies in one stretch.
	"""
	gaps = []
	for times in reply_times_by_agent.values():
		ordered = sorted(times)
		for a, b in pairwise(ordered):
			gap = (b - a) / 60.0
			if min_gap_minutes <= gap <= max_gap_minutes:
				gaps.append(gap)
	return median(gaps)


def agents_needed(messages_per_hour: float, handle_minutes: float, occupancy: float) -> int:
	"""Agents for one hour block: workload in agent-hours divided by the occupancy target, rounded up."""
	if messages_per_hour <= 0:
		return 0
	occupancy = min(max(occupancy, 0.05), 1.0)
	return math.ceil(messages_per_hour * handle_minutes / 60.0 / occupancy - 1e-9)


def hourly_plan(
	counts_by_hour: Iterable[float], days: float, handle_minutes: float, occupancy: float
) -> list[dict]:
	"""Per hour of day (0-23): average messages in that hour per day, workload and agents needed."""
	counts = list(counts_by_hour)
	if len(counts) != 24:
		raise ValueError("counts_by_hour needs 24 values")
	days = max(days, 1e-9)
	plan = []
	for hour, count in enumerate(counts):
		per_hour = count / days
		plan.append(
			{
				"hour": hour,
				"messages_per_hour": per_hour,
				"workload_hours": per_hour * handle_minutes / 60.0,
				"agents": agents_needed(per_hour, handle_minutes, occupancy),
			}
		)
	return plan


def monthly_volume(messages: int, days: float) -> float:
	return messages / max(days, 1e-9) * DAYS_PER_MONTH
