"""Business hours and durations as the reports show them (analysis.business_time, no Frappe)."""

from datetime import time

from social_support.analysis.business_time import BusinessHours, parse_days, seconds_to_hours

OFFICE = BusinessHours(time(8), time(17), parse_days("Mon,Tue,Wed,Thu,Fri"))


def test_days_are_read_loosely_and_blank_means_the_working_week():
	assert parse_days("monday, Friday ,sun") == (0, 4, 6)
	assert parse_days("") == parse_days(None) == (0, 1, 2, 3, 4)
	assert parse_days("Sat,Sat") == (5,)


def test_opening_is_inside_closing_is_outside():
	assert OFFICE.contains(0, 8 * 3600)
	assert OFFICE.contains(4, 17 * 3600 - 1)
	assert not OFFICE.contains(0, 17 * 3600)
	assert not OFFICE.contains(0, 8 * 3600 - 1)
	assert not OFFICE.contains(5, 10 * 3600)  # Saturday


def test_hours_past_midnight():
	night = BusinessHours(time(22), time(6), (0, 1, 2, 3, 4, 5, 6))
	assert night.contains(2, 23 * 3600) and night.contains(2, 5 * 3600)
	assert not night.contains(2, 12 * 3600)
	assert [h for h in range(24) if night.covers_hour(3, h)] == [0, 1, 2, 3, 4, 5, 22, 23]


def test_an_hour_counts_by_its_middle():
	half_past = BusinessHours(time(8, 30), time(17), (0,))
	assert half_past.covers_hour(0, 8) and not half_past.covers_hour(0, 7)
	late = BusinessHours(time(8, 31), time(17), (0,))
	assert not late.covers_hour(0, 8)


def test_seconds_to_hours():
	assert seconds_to_hours(5400) == 1.5
	assert seconds_to_hours(61) == 0.02
	assert seconds_to_hours(0) == 0.0
	assert seconds_to_hours(None) is None
