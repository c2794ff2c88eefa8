"""Meta Graph API constants: versions, streams, fields, error codes, limits, windows."""

from .versions import DEFAULT_GRAPH_VERSION

OFFICIAL_HOST = "https://graph.facebook.com"
# Instagram API with Instagram Login: no Facebook Page, an Instagram user token, its own host
INSTAGRAM_HOST = "https://graph.instagram.com"
LOGIN_FACEBOOK = "Facebook Login (Page)"
LOGIN_INSTAGRAM = "Instagram Login"
LOGINS = (LOGIN_FACEBOOK, LOGIN_INSTAGRAM)
GRAPH_VERSION = DEFAULT_GRAPH_VERSION  # the default; a channel's own comes from its settings

STREAM_FEED = "feed"
STREAM_MESSENGER = "messenger"
STREAM_IG_COMMENTS = "ig_comments"
STREAM_IG_DMS = "ig_dms"
STREAMS_FACEBOOK = (STREAM_FEED, STREAM_MESSENGER)
STREAMS_INSTAGRAM = (STREAM_IG_COMMENTS, STREAM_IG_DMS)

# media: a post's attachments (image src, video source), a comment's attachment, a message's
# attachments (image_data, video_data, file_url) and sticker (docs/platforms.md, Media)
FEED_FIELDS = (
	"id,message,created_time,updated_time,from,permalink_url,"
	"attachments{media_type,type,media,target{id},description,subattachments},"
	"comments.limit(100){id,message,from,created_time,parent{id},attachment{media_type,type,media,target{id}}}"
)
CONVERSATION_FIELDS = (
	"participants,updated_time,messages.limit(50){id,message,from,to,created_time,sticker,"
	"attachments{id,mime_type,name,size,image_data,video_data,file_url}}"
)
IG_MEDIA_FIELDS = "id,caption,timestamp,permalink,comments.limit(100){id,text,username,from,timestamp,replies{id,text,username,from,timestamp}}"

PROFILE_FIELDS_FACEBOOK = "first_name,last_name,profile_pic"  # Messenger user profile
PROFILE_FIELDS_INSTAGRAM = "name,username,profile_pic"  # Instagram user profile

MAX_PAGES_PER_POLL = 10
PAGE_SIZE = 25
DEFAULT_RETRY_AFTER = 60.0

MESSAGING_WINDOW_HOURS = 24
# the only messaging tag the app sends: a person's reply between 24 hours and 7 days
HUMAN_AGENT = "HUMAN_AGENT"
ALLOWED_TAGS = {HUMAN_AGENT}
# retired by Meta (April 2026, see docs/platforms.md): never sent
RETIRED_TAGS = {"ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE", "CONFIRMED_EVENT_UPDATE"}
HUMAN_AGENT_WINDOW_DAYS = 7
PRIVATE_REPLY_WINDOW_DAYS = 7

CHAR_LIMITS = {
	"messenger": 2000,
	"facebook_comment": 8000,
	"instagram_comment": 2200,
	"instagram_dm": 1000,
}

# error codes (read from the body, never from the text)
AUTH_CODES = {190}
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002, 80006}
PERMISSION_CODES = {10, *range(200, 300), 551, 10903}
OUTSIDE_WINDOW_SUBCODE = 2018278
PERSON_UNAVAILABLE_CODE = 551
BAD_PARAMETER_CODES = {100}
DUPLICATE_CODES = {10900}
TRANSIENT_CODES = {1, 2}
