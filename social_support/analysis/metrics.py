"""Figures the reports show, computed without Frappe: medians, percentiles, CSAT, NPS, staffing."""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], p: float) -> float | None:
	"""Linear-interpolated percentile (p in 0..100) of the values, None when there are none."""
	data = sorted(v for v in values if v is not None)
	if not data:
		return None
	if len(data) == 1:
		return float(data[0])
	rank = (len(data) - 1) * p / 100.0
	low = math.floor(rank)
	high = math.ceil(rank)
	return float(data[low] + (data[high] - data[low]) * (rank - low))


def median(values: Iterable[float]) -> float | None:
	return percentile(values, 50)


def mean(values: Iterable[float]) -> float | None:
	data = [v for v in values if v is not None]
	return sum(data) / len(data) if data else None


def csat(ratings: Iterable[int]) -> float | None:
	"""Share of 4 and 5 among 1-5 ratings, in percent."""
	data = [r for r in ratings if r is not None]
	return 100.0 * sum(1 for r in data if r >= 4) / len(data) if data else None


def nps(scores: Iterable[int]) -> float | None:
	"""Net Promoter Score: percent promoters (9-10) minus percent detractors (0-6)."""
	data = [s for s in scores if s is not None]
	if not data:
		return None
	promoters = sum(1 for s in data if s >= 9)
	detractors = sum(1 for s in data if s <= 6)
	return 100.0 * (promoters - detractors) / len(data)


def rate(part: int, whole: int) -> float | None:
	return 100.0 * part / whole if whole else None
