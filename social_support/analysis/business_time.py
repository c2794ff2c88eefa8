"""Time arithmetic for the reports, without Frappe: business hours, and seconds shown as hours."""

from __future__ import annotations

from datetime import time
from typing import NamedTuple

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKING_DAYS = "Mon,Tue,Wed,Thu,Fri"


def seconds_of_day(t: time) -> int:
	return t.hour * 3600 + t.minute * 60 + t.second


def parse_days(text: str | None) -> tuple[int, ...]:
	"""Weekdays (Monday 0) from a list such as "Mon,Tue" or "monday, Friday"; blank means Monday to Friday."""
	given = {d.strip()[:3].title() for d in (text or WORKING_DAYS).split(",") if d.strip()}
	return tuple(n for n, day in enumerate(DAYS) if day in given)


class BusinessHours(NamedTuple):
	"""Opening time, closing time and the open weekdays; a closing time before the opening runs past midnight."""

	start: time
	end: time
	days: tuple[int, ...]

	def contains(self, weekday: int, second_of_day: int) -> bool:
		"""Whether a moment, as weekday (Monday 0) and seconds since midnight, is inside business hours."""
		if weekday not in self.days:
			return False
		s, e, t = seconds_of_day(self.start), seconds_of_day(self.end), int(second_of_day)
		return s <= t < e if s <= e else (t >= s or t < e)

	def covers_hour(self, weekday: int, hour: int) -> bool:
		"""Whether the middle of that hour of that weekday is inside business hours."""
		return self.contains(weekday, hour * 3600 + 1800)


def seconds_to_hours(seconds: float | None) -> float | None:
	"""Hours with two decimals, as the reports show durations; None stays None."""
	return None if seconds is None else round(seconds / 3600.0, 2)
