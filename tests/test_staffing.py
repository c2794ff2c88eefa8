import pytest

from social_support.analysis.staffing import (
	agents_needed,
	handling_minutes,
	hourly_plan,
	monthly_volume,
	rule_of_thumb,
)


def test_rule_of_thumb_matches_the_published_points():
	assert rule_of_thumb(1_000) == (5, 10)
	assert rule_of_thumb(5_000) == (5, 10)
	assert rule_of_thumb(20_000) == (10, 10)
	assert rule_of_thumb(50_000) == (10, 20)
	assert rule_of_thumb(100_000) == (50, 50)
	assert rule_of_thumb(250_000) == (50, 50)
	assert rule_of_thumb(75_000) == (30, 35)  # halfway between 50k (10-20) and 100k (50)


def test_handling_minutes_uses_gaps_inside_working_stretches():
	minute = 60
	times = {
		"ana": [0, 4 * minute, 8 * minute, 8 * minute + 6 * minute, 200 * minute],
		"ben": [0, 2 * minute],
	}
	# gaps: ana 4, 4, 6 (the 186-minute break is left out), ben 2 -> median 4
	assert handling_minutes(times) == 4
	assert handling_minutes({"solo": [0]}) is None
	# ten replies within a few seconds (answer-all) say nothing about handling time
	assert handling_minutes({"bulk": [0, 2, 4, 6, 8, 10]}) is None


def test_agents_needed_rounds_up_workload_over_occupancy():
	assert agents_needed(0, 5, 0.8) == 0
	assert agents_needed(12, 5, 1.0) == 1  # exactly one agent-hour
	assert agents_needed(12, 5, 0.8) == 2  # 1 / 0.8 = 1.25
	assert agents_needed(60, 4, 0.8) == 5  # 4 agent-hours / 0.8


def test_hourly_plan_averages_over_the_days():
	counts = [0] * 24
	counts[9] = 300  # 30 days x 10 messages at 9:00
	plan = hourly_plan(counts, days=30, handle_minutes=6, occupancy=0.5)
	assert plan[9]["messages_per_hour"] == 10
	assert plan[9]["workload_hours"] == 1
	assert plan[9]["agents"] == 2
	assert plan[3]["agents"] == 0
	with pytest.raises(ValueError):
		hourly_plan([1, 2], 1, 1, 1)


def test_monthly_volume_scales_the_period():
	assert round(monthly_volume(1000, 10)) == 3044
