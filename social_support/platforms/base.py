"""Normalized types every platform package speaks.

Nothing outside ``platforms/`` reads a platform's own field names: parsers turn webhook
payloads and API pages into :class:`InboundItem`, clients raise :class:`PlatformError`
subclasses, and senders return :class:`SendResult`.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

# Platform names as stored in Social Channel.platform
X = "X"
FACEBOOK = "Facebook"
INSTAGRAM = "Instagram"
PLATFORMS = (X, FACEBOOK, INSTAGRAM)

# InboundItem.kind
KIND_POST = "post"  # a top-level public post (X mention, visitor post on a Page)
KIND_COMMENT = "comment"  # a public comment or reply under a post
KIND_DM = "dm"  # a private message (X DM, Messenger, Instagram DM)
KINDS = (KIND_POST, KIND_COMMENT, KIND_DM)

# InboundItem.action
ACTION_CREATE = "create"
ACTION_EDIT = "edit"
ACTION_DELETE = "delete"

INBOUND = "Inbound"
OUTBOUND = "Outbound"


@dataclass
class Author:
	user_id: str
	handle: str | None = None
	name: str | None = None
	avatar_url: str | None = None
	follower_count: int | None = None


@dataclass
class InboundItem:
	"""One message seen on a platform, in the app's own words.

	``thread_key`` groups messages into one customer conversation:
	``public:<root post id>:<customer user id>`` for public talk (each commenter on the
	account's own post gets a thread of their own) and ``dm:<customer user id>`` for
	private messages. For outbound items (echoes, the account's own posts) the customer
	is the one addressed, when the platform says who that is.
	"""

	platform: str
	account_id: str  # the connected account this item arrived for (X user id, Page id, IG id)
	external_id: str  # unique within the account
	kind: str
	text: str
	author: Author
	created_at: datetime  # timezone-aware, UTC
	thread_key: str
	direction: str = INBOUND
	action: str = ACTION_CREATE
	parent_external_id: str | None = None  # what it answers (comment parent, tweet replied to)
	root_external_id: str | None = None  # the post a comment sits under / X conversation id
	permalink: str | None = None
	attachments: list[str] = field(default_factory=list)  # URLs
	stream: str | None = None  # poll stream or webhook field it came from

	@property
	def is_private(self) -> bool:
		return self.kind == KIND_DM

	def to_dict(self) -> dict[str, Any]:
		d = asdict(self)
		d["created_at"] = self.created_at.isoformat()
		return d


@dataclass
class PollPage:
	"""One page fetched from a poll stream: the raw answer (stored as is) and where to go next.

	``cursor`` is what to store once this page's items are committed; ``has_more`` says
	whether another page should be fetched in the same poll.
	"""

	stream: str
	raw: dict[str, Any]
	cursor: str | None
	has_more: bool = False
	rate_limit: RateLimit | None = None


@dataclass
class RateLimit:
	limit: int | None = None
	remaining: int | None = None
	reset_at: float | None = None  # epoch seconds
	usage_percent: float | None = None  # Meta X-App-Usage / BUC max

	@property
	def exhausted(self) -> bool:
		if self.remaining is not None and self.remaining <= 0:
			return True
		return self.usage_percent is not None and self.usage_percent >= 95


@dataclass
class SendResult:
	external_id: str  # the platform's id for what was sent
	raw: dict[str, Any] = field(default_factory=dict)
	permalink: str | None = None


class PlatformError(Exception):
	"""A platform answered with an error (or could not be reached).

	``retryable``: the same call may succeed later (rate limit, server error, network).
	``needs_reauth``: the token is invalid or expired; stop calling until an admin fixes it.
	"""

	retryable = False
	needs_reauth = False

	def __init__(
		self,
		message: str,
		*,
		status: int | None = None,
		code: int | str | None = None,
		subcode: int | None = None,
		retry_after: float | None = None,
		raw: Any = None,
	):
		super().__init__(message)
		self.message = message
		self.status = status
		self.code = code
		self.subcode = subcode
		self.retry_after = retry_after
		self.raw = raw

	def __str__(self) -> str:
		bits = [self.message]
		if self.code is not None:
			bits.append(f"code {self.code}" + (f"/{self.subcode}" if self.subcode else ""))
		if self.status is not None:
			bits.append(f"HTTP {self.status}")
		return " · ".join(bits)


class AuthError(PlatformError):
	needs_reauth = True


class RateLimited(PlatformError):
	retryable = True


class TransientError(PlatformError):
	retryable = True


class PermissionDenied(PlatformError):
	pass


class OutsideWindow(PermissionDenied):
	"""Meta's messaging window is closed for this recipient."""


class BadRequest(PlatformError):
	pass


class NotFound(PlatformError):
	pass


class Duplicate(PlatformError):
	"""The platform refused because the same thing was already sent (X duplicate text, Meta 10900)."""


_URL = re.compile(r"https?://\S+", re.IGNORECASE)
LINK = "\u2063link\u2063"  # invisible separators: a placeholder no text of ours contains


def comparable_text(text: str | None) -> str:
	"""A text as it can be compared with what a platform shows of it after sending.

	X answers with ``&amp;``, ``&lt;`` and ``&gt;`` for ``&``, ``<`` and ``>`` and wraps every
	link in a t.co address; whitespace may be folded. Links go first (a link may hold ``&``),
	then entities are unescaped and whitespace collapsed, the same on both sides.
	"""
	t = _URL.sub(LINK, text or "")
	return " ".join(html.unescape(t).split())


def same_text(sent: str | None, shown: str | None) -> bool:
	return comparable_text(sent) == comparable_text(shown)


def utc(dt: datetime) -> datetime:
	"""Aware UTC datetime (naive input is taken as UTC)."""
	if dt.tzinfo is None:
		return dt.replace(tzinfo=timezone.utc)
	return dt.astimezone(timezone.utc)


def hmac_sha256(secret: str | bytes, message: bytes) -> bytes:
	if isinstance(secret, str):
		secret = secret.encode()
	return hmac.new(secret, message, hashlib.sha256).digest()


def signature_matches(expected: str | None, candidates: list[str]) -> bool:
	"""Constant-time comparison of a received signature against every accepted one."""
	if not expected:
		return False
	got = expected.strip().encode()
	ok = False
	for c in candidates:
		# no early exit: every candidate is compared so timing does not tell which key matched
		ok |= hmac.compare_digest(got, c.encode())
	return ok


def public_thread_key(root_id: str, customer_id: str) -> str:
	return f"public:{root_id}:{customer_id}"


def dm_thread_key(customer_id: str) -> str:
	return f"dm:{customer_id}"
