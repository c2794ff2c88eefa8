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
TWEET_EXPANSIONS = ["author_id", "in_reply_to_user_id", "referenced_tweets.id", "attachments.media_keys"]
# a photo's url, a video's or GIF's preview and playable variants (docs/platforms.md, Media)
MEDIA_FIELDS = ["media_key", "type", "url", "preview_image_url", "variants", "alt_text"]
DM_EVENT_FIELDS = [
	"id",
	"text",
	"event_type",
	"created_at",
	"sender_id",
	"dm_conversation_id",
	"participant_ids",
	"attachments",
]
DM_EXPANSIONS = ["sender_id", "attachments.media_keys"]
# images attached to a reply: X's v2 one-shot upload (POST /2/media/upload), images only
UPLOAD_PATH = "/2/media/upload"
UPLOAD_CATEGORY = {"post": "tweet_image", "dm": "dm_image"}
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff")
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
