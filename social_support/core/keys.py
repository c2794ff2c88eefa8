"""Keys that every room builds the same way."""

from __future__ import annotations


def message_key(channel: str, external_id: str) -> str:
	"""The unique key of a platform message on a channel (Social Message.message_key)."""
	return f"{channel}:{external_id}"
