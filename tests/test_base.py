from datetime import datetime, timedelta, timezone

from social_support.platforms import ChannelConfig, get_family
from social_support.platforms.base import (
	AuthError,
	RateLimit,
	RateLimited,
	dm_thread_key,
	public_thread_key,
	signature_matches,
	utc,
)


def test_signature_matches_any_of_several_keys_and_rejects_missing():
	assert signature_matches("sha256=abc", ["sha256=zzz", "sha256=abc"])
	assert not signature_matches("sha256=abd", ["sha256=abc"])
	assert not signature_matches(None, ["sha256=abc"])
	assert not signature_matches("", ["sha256=abc"])
	assert not signature_matches("sha256=abc", [])


def test_thread_keys():
	assert public_thread_key("p1", "u1") == "public:p1:u1"
	assert dm_thread_key("u1") == "dm:u1"


def test_utc_normalizes():
	naive = datetime(2024, 1, 2, 3, 4, 5)
	assert utc(naive).tzinfo is timezone.utc
	cet = datetime(2024, 1, 2, 4, 4, 5, tzinfo=timezone(timedelta(hours=1)))
	assert utc(cet) == utc(naive)


def test_error_flags():
	assert AuthError("x").needs_reauth and not AuthError("x").retryable
	e = RateLimited("slow down", retry_after=12, code=88, status=429)
	assert e.retryable and e.retry_after == 12
	assert "code 88" in str(e) and "HTTP 429" in str(e)


def test_rate_limit_exhausted():
	assert RateLimit(remaining=0).exhausted
	assert not RateLimit(remaining=3).exhausted
	assert RateLimit(usage_percent=99).exhausted


def test_families():
	assert get_family("X").__name__.endswith(".x")
	assert get_family("Facebook") is get_family("Instagram")
	try:
		get_family("MySpace")
	except ValueError as e:
		assert "MySpace" in str(e)
	else:
		raise AssertionError("unknown platform accepted")
	assert ChannelConfig("X", "1", credentials={"a": ""}).secret("a") is None


def test_comparable_text_matches_what_x_shows():
	from social_support.platforms.base import LINK, comparable_text, same_text

	sent = "@cust Fixed &  shipped <today>\nsee https://example.com/a?x=1&y=2."
	shown = "@cust Fixed &amp; shipped &lt;today&gt; see https://t.co/AbC123xyZ0."
	assert comparable_text(sent) == comparable_text(shown) == f"@cust Fixed & shipped <today> see {LINK}"
	assert same_text(sent, shown)
	assert not same_text("Fixed & shipped", "Fixed &amp; sent")
	assert not same_text("see https://a.example", "see")  # a link is not nothing
	assert comparable_text(None) == ""
