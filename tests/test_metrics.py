from social_support.analysis.metrics import csat, mean, median, nps, percentile, rate


def test_percentiles_interpolate_and_ignore_missing():
	assert median([]) is None
	assert median([None]) is None
	assert median([7]) == 7
	assert median([1, 3, 2]) == 2
	assert median([1, 2, 3, 4]) == 2.5
	assert percentile(range(1, 11), 90) == 9.1
	assert percentile([10, 20], 0) == 10 and percentile([10, 20], 100) == 20


def test_csat_is_share_of_four_and_five():
	assert csat([5, 4, 3, 1]) == 50.0
	assert csat([5, 5]) == 100.0
	assert csat([]) is None


def test_nps_promoters_minus_detractors():
	assert nps([10, 9, 8, 7, 6, 0]) == (2 - 2) / 6 * 100
	assert nps([10, 10, 10, 0]) == 50.0
	assert nps([]) is None


def test_mean_and_rate():
	assert mean([1, 2, None, 3]) == 2
	assert mean([]) is None
	assert rate(1, 4) == 25.0
	assert rate(1, 0) is None

