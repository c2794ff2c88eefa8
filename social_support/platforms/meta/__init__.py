"""Meta Graph API: Facebook Pages (posts, comments, Messenger) and Instagram (comments, DMs)."""

from .client import MetaClient, classify, messaging_window
from .constants import (
	CHAR_LIMITS,
	GRAPH_VERSION,
	HUMAN_AGENT_WINDOW_DAYS,
	MESSAGING_WINDOW_HOURS,
	PRIVATE_REPLY_WINDOW_DAYS,
	STREAMS_FACEBOOK,
	STREAMS_INSTAGRAM,
)
from .media import media_request
from .parse import parse_poll, parse_webhook, webhook_account_ids, webhook_platform
from .webhook import signature, verify_signature, verify_subscription


def make_client(config) -> MetaClient:
	return MetaClient(config)


__all__ = [
	"CHAR_LIMITS",
	"GRAPH_VERSION",
	"HUMAN_AGENT_WINDOW_DAYS",
	"MESSAGING_WINDOW_HOURS",
	"PRIVATE_REPLY_WINDOW_DAYS",
	"STREAMS_FACEBOOK",
	"STREAMS_INSTAGRAM",
	"MetaClient",
	"classify",
	"make_client",
	"media_request",
	"messaging_window",
	"parse_poll",
	"parse_webhook",
	"signature",
	"verify_signature",
	"verify_subscription",
	"webhook_account_ids",
	"webhook_platform",
]
