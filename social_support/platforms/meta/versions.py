"""Graph API versions: which one a channel calls, and whether Meta still serves it.

The table is Meta's own list of Graph API versions (developers.facebook.com/docs/graph-api/
changelog/versions, checked 2026-12-01; see docs/platforms.md). A version lives at least two
years; one whose end date has passed is no longer served as itself. The version is a setting
(Social Support Settings, overridable per channel), so a new one needs no release of the app.
"""

from __future__ import annotations

import re
from datetime import date

DEFAULT_GRAPH_VERSION = "v26.0"

# version -> (released, available until; None = not announced yet)
GRAPH_VERSIONS: dict[str, tuple[date, date | None]] = {
	"v26.0": (date(2026, 7, 29), None),
	"v25.0": (date(2026, 2, 18), date(2028, 7, 29)),
	"v24.0": (date(2025, 10, 8), date(2028, 2, 18)),
	"v23.0": (date(2025, 5, 29), date(2027, 10, 8)),
	"v22.0": (date(2025, 1, 21), date(2027, 5, 20)),
	"v21.0": (date(2024, 10, 2), date(2027, 1, 21)),
	"v20.0": (date(2024, 5, 21), date(2026, 9, 24)),
	"v19.0": (date(2024, 1, 23), date(2026, 5, 21)),
	"v18.0": (date(2023, 9, 12), date(2026, 1, 26)),
	"v17.0": (date(2023, 5, 23), date(2025, 9, 12)),
}

# Graph errors that are about the version in the path: 2635 "You are calling a deprecated
# version", 12 "... is deprecated for versions vX and higher"
VERSION_ERROR_CODES = {12, 2635}
_VERSION = re.compile(r"^v?(\d{1,3})(?:\.(\d{1,2}))?$")
_MENTIONS_VERSION = re.compile(r"\bv\d{1,3}\.\d{1,2}\b|\bversion\b", re.IGNORECASE)


def normalize_version(value: str | None) -> str:
	"""``"26"``, ``"26.0"``, ``"v26.0"`` -> ``"v26.0"``; blank -> the default; else ValueError."""
	text = (value or "").strip().lower()
	if not text:
		return DEFAULT_GRAPH_VERSION
	m = _VERSION.match(text)
	if not m:
		raise ValueError(f"{value!r} is not a Graph API version (write it like {DEFAULT_GRAPH_VERSION})")
	return f"v{int(m.group(1))}.{int(m.group(2) or 0)}"


def version_status(version: str, today: date) -> tuple[str, date | None]:
	"""("available" | "expired" | "unknown", the date it ends or ended)."""
	listed = GRAPH_VERSIONS.get(version)
	if listed is None:
		return "unknown", None
	until = listed[1]
	if until is not None and today >= until:
		return "expired", until
	return "available", until


def describe_version(version: str, today: date) -> str:
	"""One line for the channel form: the version in use and what Meta says about it."""
	status, until = version_status(version, today)
	if status == "expired":
		return f"{version}: expired on {until.isoformat()}; change it to {DEFAULT_GRAPH_VERSION}"
	if status == "unknown":
		return f"{version}: not in Meta's list of versions known to this app (newest known: {DEFAULT_GRAPH_VERSION})"
	if until is None:
		return f"{version}: available, no end date announced"
	return f"{version}: available until {until.isoformat()}"


def is_version_error(code, message: str | None) -> bool:
	"""A Graph error about the version in the path (by code; an unknown path names the version)."""
	if code in VERSION_ERROR_CODES:
		return True
	return (
		code in (100, 2500)
		and "unknown path components" in (message or "").lower()
		and bool(_MENTIONS_VERSION.search(message or ""))
	)


def version_advice(version: str) -> str:
	return (
		f"Graph API version {version} was refused. Change 'Graph API Version' in Social Support Settings "
		f"(or on the channel) to one Meta lists as available, such as {DEFAULT_GRAPH_VERSION}."
	)
