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


def test_top_terms_drop_stop_words_handles_links_and_count_once_per_message():
	from social_support.analysis.terms import top_terms

	texts = [
		"@brand my delivery is late late late https://t.co/x",
		"Delivery still late, order 5512",
		"Die Lieferung ist zu spät",
		"我的订单还没到",
		"订单在哪里",
	]
	top = dict(top_terms(texts, 50))
	assert top["delivery"] == 2 and top["late"] == 2
	assert "brand" not in top and "my" not in top and "https" not in top and "5512" not in top
	assert top["lieferung"] == 1
	assert top["订单"] == 2
