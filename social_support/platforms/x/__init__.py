"""X (formerly Twitter): API v2 through tweepy, Account Activity webhooks (v1.1 payloads)."""

from .client import XClient, classify
from .constants import CHAR_LIMITS, STREAMS
from .media import media_request
from .parse import parse_poll
from .webhook import crc_response, parse_webhook, signature, verify_signature, webhook_account_ids


def make_client(config) -> XClient:
	return XClient(config)


def webhook_platform(payload: dict) -> str:
	return "X"


__all__ = [
	"CHAR_LIMITS",
	"STREAMS",
	"XClient",
	"classify",
	"crc_response",
	"make_client",
	"media_request",
	"parse_poll",
	"parse_webhook",
	"signature",
	"verify_signature",
	"webhook_account_ids",
	"webhook_platform",
]
