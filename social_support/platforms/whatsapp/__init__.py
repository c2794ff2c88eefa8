"""WhatsApp Business Platform (Cloud API): webhooks on the Meta endpoint, messages, statuses,
the customer service window and message templates."""

from ..meta.webhook import signature, verify_signature, verify_subscription
from .client import WhatsAppClient, classify, delivery_error, explain, recipient, resolve_media
from .constants import CHAR_LIMITS, SERVICE_WINDOW_HOURS
from .media import media_request
from .parse import (
	display_phone_numbers,
	parse_poll,
	parse_webhook,
	webhook_account_ids,
	webhook_platform,
)
from .rules import Template, describe_left, in_window, render, template_from_api, variables, window_left


def make_client(config) -> WhatsAppClient:
	return WhatsAppClient(config)


__all__ = [
	"CHAR_LIMITS",
	"SERVICE_WINDOW_HOURS",
	"Template",
	"WhatsAppClient",
	"classify",
	"delivery_error",
	"describe_left",
	"display_phone_numbers",
	"explain",
	"in_window",
	"make_client",
	"media_request",
	"parse_poll",
	"parse_webhook",
	"recipient",
	"render",
	"resolve_media",
	"signature",
	"template_from_api",
	"variables",
	"verify_signature",
	"verify_subscription",
	"webhook_account_ids",
	"webhook_platform",
	"window_left",
]
