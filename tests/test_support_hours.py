"""Support hours with weekdays and holidays, the next opening, and a wait as people say it."""

from datetime import date, datetime, time

from social_support.analysis.business_time import WeeklyHours, rounded_wait

WEEKDAYS = (0, 1, 2, 3, 4)
# Monday 2026-11-30; Friday 2026-12-04; Christmas Day 2026-12-25 is a Friday
OFFICE = WeeklyHours.every(time(8), time(18), WEEKDAYS, holidays={date(2026, 12, 25)})


def test_open_on_weekdays_inside_the_hours_only():
	assert OFFICE.is_open(datetime(2026, 11, 30, 8, 0))
	assert OFFICE.is_open(datetime(2026, 12, 4, 17, 59))
	assert not OFFICE.is_open(datetime(2026, 12, 4, 18, 0))
	assert not OFFICE.is_open(datetime(2026, 11, 30, 7, 59))
	assert not OFFICE.is_open(datetime(2026, 12, 5, 12, 0))  # Saturday


def test_holidays_are_closed_and_skipped_for_the_next_opening():
	assert not OFFICE.is_open(datetime(2026, 12, 25, 12, 0))
	# Thursday evening before Christmas: next opening is Monday the 28th
	assert OFFICE.next_opening(datetime(2026, 12, 24, 19, 0)) == datetime(2026, 12, 28, 8, 0)
	# Friday evening: Monday morning; inside the hours: now
	assert OFFICE.next_opening(datetime(2026, 12, 4, 18, 30)) == datetime(2026, 12, 7, 8, 0)
	assert OFFICE.next_opening(datetime(2026, 12, 2, 9, 0)) == datetime(2026, 12, 2, 9, 0)
	assert OFFICE.next_opening(datetime(2026, 12, 2, 6, 0)) == datetime(2026, 12, 2, 8, 0)


def test_hours_past_midnight_and_different_hours_per_day():
	night = WeeklyHours({4: (22 * 3600, 2 * 3600)})  # Friday 22:00 to Saturday 02:00
	assert night.is_open(datetime(2026, 12, 4, 23, 0))
	assert night.is_open(datetime(2026, 12, 5, 1, 0))
	assert not night.is_open(datetime(2026, 12, 5, 3, 0))
	assert not night.is_open(datetime(2026, 12, 4, 1, 0))  # Thursday night is not Friday's
	shop = WeeklyHours({0: (9 * 3600, 17 * 3600), 5: (10 * 3600, 14 * 3600)})
	assert shop.next_opening(datetime(2026, 11, 30, 18, 0)) == datetime(2026, 12, 5, 10, 0)
	assert WeeklyHours({}).next_opening(datetime(2026, 11, 30, 18, 0)) is None


def test_waits_are_rounded_up_as_people_say_them():
	assert rounded_wait(0) == (5, "minutes")
	assert rounded_wait(61) == (5, "minutes")
	assert rounded_wait(301) == (10, "minutes")
	assert rounded_wait(55 * 60) == (55, "minutes")
	assert rounded_wait(56 * 60) == (1, "hours")
	assert rounded_wait(2.2 * 3600) == (3, "hours")
	assert rounded_wait(None) is None
