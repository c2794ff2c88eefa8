"""WhatsApp Business Platform (Cloud API) constants: object, fields, limits, the window, error codes.

Checked against Meta's WhatsApp Cloud API documentation (see docs/platforms.md for the date).
"""

WEBHOOK_OBJECT = "whatsapp_business_account"
MESSAGES_FIELD = "messages"
MESSAGING_PRODUCT = "whatsapp"

SERVICE_WINDOW_HOURS = 24  # free-form messages only within 24 hours of the customer's last message

CHAR_LIMITS = {
	"text": 4096,  # a text message body
	"caption": 1024,  # a media caption
	"template_parameter": 1024,  # NB: Meta's limit for one body parameter (headers: 60)
}

# inbound message types the app reads (anything else is recorded with its raw JSON)
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
KNOWN_TYPES = (
	"text",
	*MEDIA_TYPES,
	"location",
	"contacts",
	"interactive",
	"button",
	"reaction",
	"system",
	"order",
)

# templates
TEMPLATE_APPROVED = "APPROVED"
TEMPLATE_CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
TEMPLATE_PAGE_SIZE = 100
MAX_TEMPLATE_PAGES = 20

# error codes (read from the body or the status webhook's errors[], never from the text)
AUTH_CODES = {190, 0}
OUTSIDE_WINDOW = 131047  # re-engagement message: more than 24 hours since the customer wrote
UNDELIVERABLE = 131026  # the number cannot receive this message (not on WhatsApp, old app, ...)
RATE_LIMIT_CODES = {4, 80007, 130429, 131056}  # app, account, throughput, pair rate limits
SPAM_RATE_LIMIT = 131048  # quality: the number may send fewer messages for a while
PER_USER_MARKETING_LIMIT = 131049  # Meta held back a marketing message for this person
USER_STOPPED_MARKETING = 131050
TEMPLATE_PAUSED = 132015
TEMPLATE_DISABLED = 132016
TEMPLATE_CODES = {132000, 132001, 132005, 132007, 132012, 132068, 132069}
BAD_PARAMETER_CODES = {100, 131008, 131009, 131021, 131051, 131052, 131053, 135000}
PERMISSION_CODES = {3, 10, 368, 131005, 131031, 131042, 131045, 133010, 130472, *range(200, 300)}
TRANSIENT_CODES = {1, 2, 131000, 131016}
DEFAULT_RETRY_AFTER = 60.0
SPAM_RETRY_AFTER = 3600.0
