"""X (API v2) constants: the one place that names its hosts, streams, fields and limits."""

OFFICIAL_HOST = "https://api.twitter.com"

STREAM_MENTIONS = "mentions"
STREAM_SEARCH = "search"
STREAM_DMS = "dms"
STREAMS = (STREAM_MENTIONS, STREAM_SEARCH, STREAM_DMS)

CHAR_LIMITS = {"post": 280, "dm": 10_000}
SEARCH_QUERY_MAX = 512
MAX_PAGES_PER_POLL = 10
PAGE_SIZE = 100
DM_PAGE_SIZE_AFTER_CURSOR = 20  # DM events have no since_id: small pages once something was seen
DEFAULT_RETRY_AFTER = 60.0

TWEET_FIELDS = [
	"created_at",
	"conversation_id",
	"in_reply_to_user_id",
	"referenced_tweets",
	"author_id",
	"entities",
]
USER_FIELDS = ["username", "name", "profile_image_url", "public_metrics"]
TWEET_EXPANSIONS = ["author_id", "in_reply_to_user_id", "referenced_tweets.id"]
DM_EVENT_FIELDS = [
	"id",
	"text",
	"event_type",
	"created_at",
	"sender_id",
	"dm_conversation_id",
	"participant_ids",
]
DM_EXPANSIONS = ["sender_id"]
