"""Time arithmetic for the reports, without Frappe: business hours, and seconds shown as hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta
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


class WeeklyHours(NamedTuple):
	"""Support hours per weekday (Monday 0): each open day's (opening, closing) seconds of the day; a
	closing before the opening runs past midnight. Holidays (dates) are closed all day."""

	windows: dict[int, tuple[int, int]]
	holidays: frozenset = frozenset()

	@classmethod
	def every(cls, start: time, end: time, days: tuple[int, ...], holidays=()) -> WeeklyHours:
		return cls({d: (seconds_of_day(start), seconds_of_day(end)) for d in days}, frozenset(holidays))

	def is_open(self, moment: datetime) -> bool:
		t = moment.hour * 3600 + moment.minute * 60 + moment.second
		today, yesterday = moment.date(), (moment - timedelta(days=1)).date()
		window = self.windows.get(moment.weekday())
		if window and today not in self.holidays:
			s, e = window
			if (s <= t < e) if s < e else (t >= s):
				return True
		# yesterday's hours that run past midnight
		window = self.windows.get((moment.weekday() - 1) % 7)
		if window and yesterday not in self.holidays:
			s, e = window
			if s >= e and t < e:
				return True
		return False

	def next_opening(self, moment: datetime, within_days: int = 31) -> datetime | None:
		"""When support next opens (``moment`` itself when open); None when it never does within the days."""
		if self.is_open(moment):
			return moment
		day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
		for n in range(within_days + 1):
			date = day + timedelta(days=n)
			window = self.windows.get(date.weekday())
			if not window or date.date() in self.holidays:
				continue
			opening = date + timedelta(seconds=window[0])
			if opening > moment:
				return opening
		return None


def rounded_wait(seconds: float | None) -> tuple[int, str] | None:
	"""A wait as people say it: (5..55, "minutes") to the next 5, else (1.., "hours") to the next hour."""
	if seconds is None or seconds < 0:
		return None
	minutes = max(5, -(-int(seconds) // 300) * 5)
	if minutes < 60:
		return minutes, "minutes"
	return -(-int(seconds) // 3600), "hours"
