"""Platform packages (PURE: no frappe import anywhere below this folder).

The rest of the app reaches a platform only through :func:`get_family`, which returns the
package module for a platform name. Every family package exposes the same functions:

- ``make_client(config: ChannelConfig) -> client`` with ``poll(stream, cursor) -> PollPage``,
  ``streams() -> list[str]`` and the send methods (``reply_public``, ``send_dm``,
  ``private_reply``, ``like``, ``repost``, ``hide``).
- ``parse_poll(stream, raw, account_id) -> list[InboundItem]``
- ``verify_signature(body: bytes, header: str | None, secrets: list[str]) -> bool``
- ``webhook_account_ids(payload: dict) -> list[str]``
- ``parse_webhook(payload: dict, account_id: str) -> list[InboundItem]``
- ``media_request(config, media: Media) -> media.MediaRequest``: where one of its media is
  downloaded from and with which credentials (see ``platforms/media.py``; a platform that serves
  media by id resolves the id here).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from .base import FACEBOOK, INSTAGRAM, PLATFORMS, WHATSAPP, X

_FAMILY = {X: "x", FACEBOOK: "meta", INSTAGRAM: "meta", WHATSAPP: "whatsapp"}


@dataclass
class ChannelConfig:
	platform: str
	account_id: str
	account_handle: str | None = None
	api_base_url: str | None = None  # blank = the platform's official host
	credentials: dict[str, str] = field(default_factory=dict)
	listening_terms: list[str] = field(default_factory=list)
	timeout: float = 20.0
	graph_version: str | None = None  # Meta: the Graph API version to call (blank = the default)
	login: str | None = None  # Instagram: "Facebook Login (Page)" (default) or "Instagram Login"
	business_account_id: str | None = None  # WhatsApp: the WhatsApp Business Account (templates)

	def secret(self, key: str) -> str | None:
		return self.credentials.get(key) or None


def get_family(platform: str):
	try:
		name = _FAMILY[platform]
	except KeyError:
		raise ValueError(f"Unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}") from None
	return importlib.import_module(f"{__name__}.{name}")


def make_client(config: ChannelConfig):
	return get_family(config.platform).make_client(config)


def media_request(config: ChannelConfig, media):
	"""How one of the channel's media is downloaded (the platform family's ``media_request``)."""
	return get_family(config.platform).media_request(config, media)
