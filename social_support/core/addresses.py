"""Placeholder addresses for customers who have no email: reserved, never mailed."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^a-z0-9._-]")


def placeholder_email(profile_name_: str, domain: str | None) -> str:
	local = _UNSAFE.sub("-", profile_name_.lower())
	return f"{local}@{domain or 'social.invalid'}"


def is_placeholder(email: str | None) -> bool:
	"""Addresses under the reserved .invalid top-level domain (RFC 2606) can never receive mail."""
	return bool(email) and email.strip().rstrip(">").lower().endswith(".invalid")
