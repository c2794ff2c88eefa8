"""Normalized types every platform package speaks.

Nothing outside ``platforms/`` reads a platform's own field names: parsers turn webhook
payloads and API pages into :class:`InboundItem`, clients raise :class:`PlatformError`
subclasses, and senders return :class:`SendResult`.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

# Platform names as stored in Social Channel.platform
X = "X"
FACEBOOK = "Facebook"
INSTAGRAM = "Instagram"
WHATSAPP = "WhatsApp"
PLATFORMS = (X, FACEBOOK, INSTAGRAM, WHATSAPP)

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
	phone: str | None = None  # WhatsApp: the customer's number (wa_id), when the platform shares it


# Media.kind
MEDIA_IMAGE = "image"
MEDIA_VIDEO = "video"
MEDIA_AUDIO = "audio"  # voice notes included
MEDIA_DOCUMENT = "document"
MEDIA_STICKER = "sticker"
MEDIA_FILE = "file"  # anything else the platform calls an attachment
MEDIA_KINDS = (MEDIA_IMAGE, MEDIA_VIDEO, MEDIA_AUDIO, MEDIA_DOCUMENT, MEDIA_STICKER, MEDIA_FILE)


@dataclass
class Media:
	"""One attachment of a message, as the platform describes it: where it is served (``url``,
	only ever a URL on the platform's own media hosts) or the id to fetch it by (``media_id``,
	for platforms that serve media through their API)."""

	kind: str
	url: str | None = None
	media_id: str | None = None
	mime_type: str | None = None
	file_name: str | None = None
	size: int | None = None  # bytes, when the platform says
	caption: str | None = None


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
	media: list[Media] = field(default_factory=list)  # attachments (see Media)
	stream: str | None = None  # poll stream or webhook field it came from
	summoned: bool | None = None  # X: the post @mentions the account or quotes it (None = not known)

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
class OutboundImage:
	"""An image an agent attaches to a reply: its bytes, its type (read from the bytes) and a name."""

	data: bytes
	mime_type: str
	file_name: str = "image"


@dataclass
class SendResult:
	external_id: str  # the platform's id for what was sent
	raw: dict[str, Any] = field(default_factory=dict)
	permalink: str | None = None


# DeliveryStatus.status, in the order a message walks through them
DELIVERY_SENT = "sent"
DELIVERY_DELIVERED = "delivered"
DELIVERY_READ = "read"
DELIVERY_FAILED = "failed"
DELIVERY_ORDER = (DELIVERY_SENT, DELIVERY_DELIVERED, DELIVERY_READ)


@dataclass
class DeliveryError:
	code: int | None
	title: str | None = None
	message: str | None = None
	details: str | None = None


@dataclass
class DeliveryStatus:
	"""What the platform says became of a message the account sent (WhatsApp statuses)."""

	platform: str
	account_id: str
	external_id: str  # the platform's id of the sent message
	status: str  # sent, delivered, read, failed
	at: datetime
	recipient_id: str = ""  # the customer, in the id form the platform used
	errors: list[DeliveryError] = field(default_factory=list)
	callback_data: str | None = None  # what the sender attached to the message (our reply's name)

	@property
	def thread_key(self) -> str:
		return dm_thread_key(self.recipient_id) if self.recipient_id else ""


def later_status(current: str | None, new: str) -> str:
	"""The status a message has after ``new`` arrives: statuses arrive out of order (a "delivered"
	after its "read"), never move back, and a failure is kept once known."""
	if not current or current == new:
		return new
	if current == DELIVERY_FAILED:
		return current
	if new == DELIVERY_FAILED:
		return new
	if current in DELIVERY_ORDER and new in DELIVERY_ORDER:
		return max(current, new, key=DELIVERY_ORDER.index)
	return new


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


class VersionRefused(BadRequest):
	"""The platform refused the API version the channel calls; the message says what to change."""


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


# --- outside values ----------------------------------------------------------------------------
# Everything a platform delivers is data written by strangers. Ids and handles are checked
# against the platform's own patterns (they end up in document names, links and thread keys),
# links are only ever built by us on the platform's own host, media only from the platforms'
# media hosts. Text comes in two shapes:
# - message bodies are kept as written (the agent must read exactly what the customer wrote) and
#   live only where the desk shows them literally: Code fields (escaped in the form, the list
#   and the report view) and HTML we build by escaping (ingest/text.to_html);
# - one-line labels (names, subjects) live in Data fields, which the desk renders as HTML, so
#   anything in them that would open a tag is defused.
# db_insert / db.set_value skip Frappe's own sanitizing: this is the only cleaning they get.

MAX_TEXT = 20_000  # longer than any platform allows; guards the database from abuse
MAX_LABEL = 140  # names and other one-line labels (a Data field)


class InvalidItem(ValueError):
	"""An item the app refuses to file (no valid author, no valid id): its event fails visibly."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# bidirectional overrides can make a name read backwards ("moc.dnarb" shown as "brand.com")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Only "<" followed by an ASCII letter, "/", "!" or "?" opens a tag, end tag, comment or
# declaration in HTML; "<3", "a < b" and "<-" stay text. A space after such a "<" keeps every
# character readable and makes it text for any HTML renderer.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def clean_text(value: Any, *, single_line: bool = False, limit: int | None = None) -> str:
	"""Outside text as the app stores it. Idempotent.

	Always: control characters removed (tabs and line breaks stay in multi-line text), line
	breaks normalized, size-limited. A message body is otherwise kept exactly as written.
	``single_line`` (names, subjects, any label stored in a Data field): whitespace collapsed,
	bidi overrides removed, and whatever would open an HTML tag defused with a space
	("<img ...>" -> "< img ...>"), so "Eve <3 >:(" stays as it is and markup never runs.
	"""
	if value is None:
		return ""
	text = str(value).replace("\r\n", "\n").replace("\r", "\n")
	text = _CONTROL.sub("", text)
	if not single_line:
		return text[: limit if limit is not None else MAX_TEXT]
	text = " ".join(_TAG_OPEN.sub("< ", _BIDI.sub("", text)).split())
	# a "<" cut off from its defusing space could meet a letter of the page around it
	return text[: limit if limit is not None else MAX_LABEL].rstrip("<").rstrip()


_NUMERIC_ID = re.compile(r"[0-9]{1,25}")
_META_OBJECT_ID = re.compile(r"[0-9]{1,25}(?:_[0-9]{1,25}){0,3}")  # 123, PAGE_POST, POST_COMMENT
# Messenger / Instagram message ids ("m_...", base64 "aWdf...", old "mid.$cAA..:..")
_META_MESSAGE_ID = re.compile(r"[A-Za-z0-9._:$=+/-]{1,255}")
# WhatsApp: a customer is a phone number (wa_id, digits with the country code, at most 15) or a
# business-scoped user id (BSUID: two-letter country code, a dot, up to 128 letters and digits;
# "US.ENT.<id>" for a parent BSUID shared across business portfolios)
_WA_PHONE = re.compile(r"[0-9]{6,15}")
_WA_BSUID = re.compile(r"[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}")
# WhatsApp message ids: "wamid." and a base64 body
_WA_MESSAGE_ID = re.compile(r"wamid\.[A-Za-z0-9+/=_-]{1,250}")
HANDLE_PATTERNS = {
	X: re.compile(r"[A-Za-z0-9_]{1,15}"),
	INSTAGRAM: re.compile(r"[A-Za-z0-9._]{1,30}"),
	FACEBOOK: re.compile(r"[A-Za-z0-9.]{1,50}"),
	WHATSAPP: re.compile(r"[A-Za-z0-9._]{3,35}"),  # WhatsApp usernames
}


def _str_id(value: Any) -> str:
	if value is None or isinstance(value, bool):
		return ""
	return str(value).strip()


def valid_user_id(platform: str, value: Any) -> bool:
	"""X user ids, Facebook PSIDs / user ids and Instagram user ids are numeric; a WhatsApp customer
	is a phone number (wa_id) or a business-scoped user id."""
	if platform == WHATSAPP:
		v = _str_id(value)
		return bool(_WA_PHONE.fullmatch(v) or _WA_BSUID.fullmatch(v))
	return bool(_NUMERIC_ID.fullmatch(_str_id(value)))


def valid_phone(value: Any) -> bool:
	"""A WhatsApp phone number as the platform writes it (digits with the country code, no "+")."""
	return bool(_WA_PHONE.fullmatch(_str_id(value)))


def valid_object_id(platform: str, value: Any) -> bool:
	"""A post, comment or media id: numeric on X, numeric or underscore-joined numbers on Meta; on
	WhatsApp the messages a message answers or reacts to."""
	if platform == WHATSAPP:
		return bool(_WA_MESSAGE_ID.fullmatch(_str_id(value)))
	pattern = _NUMERIC_ID if platform == X else _META_OBJECT_ID
	return bool(pattern.fullmatch(_str_id(value)))


def valid_message_id(platform: str, kind: str, value: Any) -> bool:
	"""The id of the item itself: X ids are numeric; Meta DMs carry message ids, the rest object ids."""
	if platform == WHATSAPP:
		return bool(_WA_MESSAGE_ID.fullmatch(_str_id(value)))
	if platform != X and kind == KIND_DM:
		return bool(_META_MESSAGE_ID.fullmatch(_str_id(value)))
	return valid_object_id(platform, value)


def id_text(value: Any) -> str:
	"""An id as text for a parser: "" when absent (never the string "None")."""
	return _str_id(value)


def clean_handle(platform: str, value: Any) -> str | None:
	"""The handle when it matches the platform's pattern (an "@" in front is dropped), else None."""
	handle = _str_id(value).removeprefix("@")
	pattern = HANDLE_PATTERNS.get(platform)
	return handle if pattern and pattern.fullmatch(handle) else None


def x_permalink(handle: str | None, tweet_id: Any) -> str | None:
	handle = clean_handle(X, handle)
	if not handle or not valid_object_id(X, tweet_id):
		return None
	return f"https://x.com/{handle}/status/{_str_id(tweet_id)}"


def facebook_permalink(object_id: Any) -> str | None:
	if not valid_object_id(FACEBOOK, object_id):
		return None
	return f"https://www.facebook.com/{_str_id(object_id)}"


def profile_link(platform: str, handle: str | None) -> str | None:
	handle = clean_handle(platform, handle)
	if not handle:
		return None
	if platform == X:
		return f"https://x.com/{handle}"
	if platform == INSTAGRAM:
		return f"https://www.instagram.com/{handle}"
	return None


_PERMALINKS = {
	X: re.compile(r"https://x\.com/(?:[A-Za-z0-9_]{1,15}|i/web)/status/[0-9]{1,25}"),
	FACEBOOK: re.compile(r"https://www\.facebook\.com/[0-9]{1,25}(?:_[0-9]{1,25}){0,3}"),
	INSTAGRAM: re.compile(r"https://www\.instagram\.com/(?:p|reel)/[A-Za-z0-9_-]{1,64}/?"),
}


def clean_permalink(platform: str, value: Any) -> str | None:
	"""Only the links we build: https on the platform's own host, from validated ids."""
	pattern = _PERMALINKS.get(platform)
	link = _str_id(value)
	return link if pattern and pattern.fullmatch(link) else None


MEDIA_HOSTS = {
	X: ("pbs.twimg.com", "video.twimg.com", "ton.twitter.com", "abs.twimg.com"),
	FACEBOOK: ("lookaside.fbsbx.com", "cdn.fbsbx.com", ".fbcdn.net", ".cdninstagram.com"),
	INSTAGRAM: ("lookaside.fbsbx.com", "cdn.fbsbx.com", ".fbcdn.net", ".cdninstagram.com"),
	# WhatsApp media are fetched by id (GET /{media-id}), which answers with a lookaside URL
	WHATSAPP: ("lookaside.fbsbx.com",),
}
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]{1,2000}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# where a sandbox serves media: a path of its own on the channel's loopback API origin
SANDBOX_MEDIA_PATH = "/_media/"

Origin = tuple[str, str, int]


def url_origin(url: str | None) -> Origin | None:
	"""(scheme, host, port) of a URL, the default port filled in; None when it has no host."""
	try:
		parts = urlsplit(url or "")
		port = parts.port
	except ValueError:
		return None
	scheme = parts.scheme.lower()
	if scheme not in _DEFAULT_PORTS or not parts.hostname:
		return None
	return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def clean_media_url(platform: str, value: Any, *, sandbox_origin: Origin | None = None) -> str | None:
	"""An https URL on one of the platform's media hosts (".host" = any subdomain), else None.

	``sandbox_origin``: the origin of a channel's API base URL when it is this machine (the
	sandbox, see ``hosts.sandbox_origin``); URLs under its media path count as media then, and only
	for that channel.
	"""
	url = _str_id(value)
	if not _URL_CHARS.fullmatch(url):
		return None
	try:
		parts = urlsplit(url)
		port = parts.port
	except ValueError:
		return None
	host = (parts.hostname or "").lower()
	if parts.username or parts.password or not host:
		return None
	if sandbox_origin is not None and url_origin(url) == sandbox_origin:
		return url if parts.path.startswith(SANDBOX_MEDIA_PATH) else None
	if parts.scheme != "https" or port not in (None, 443):
		return None
	for allowed in MEDIA_HOSTS.get(platform, ()):
		if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
			return url
	return None


MAX_MEDIA = 20  # per message; more than any platform sends
MAX_CAPTION = 280
_MEDIA_ID = re.compile(r"[A-Za-z0-9_.:-]{1,120}")
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
_FILE_NAME_BAD = re.compile(r"[^A-Za-z0-9 ._()\-]+")
MAX_FILE_NAME = 100


def clean_mime_type(value: Any) -> str | None:
	"""``type/subtype`` in lower case without parameters (``; charset=...``), else None."""
	mime = _str_id(value).split(";")[0].strip().lower()
	return mime if _MIME.fullmatch(mime) else None


def clean_file_name(value: Any) -> str | None:
	"""A file name that is only a name: no folders, no markup, no control or odd characters, no
	leading dot, bounded; None when nothing is left."""
	name = _str_id(value).replace("\\", "/").rsplit("/", 1)[-1]
	name = _FILE_NAME_BAD.sub("_", _CONTROL.sub("", name)).strip(" ._")
	if len(name) > MAX_FILE_NAME:
		stem, dot, ext = name.rpartition(".")
		ext = ext[:10] if dot else ""
		name = (stem if dot else name)[: MAX_FILE_NAME - len(ext) - 1].rstrip(" ._") + (
			"." + ext if ext else ""
		)
	return name or None


def clean_media(platform: str, media: Any, *, sandbox_origin: Origin | None = None) -> list[Media]:
	"""What may be stored of a message's attachments: a kind from :data:`MEDIA_KINDS` (else
	``file``), a URL only on the platform's media hosts, a media id of id characters, a MIME type of
	MIME characters, a defused file name, a whole non-negative size, a one-line caption. An
	attachment with neither a URL nor a media id is dropped; at most :data:`MAX_MEDIA`."""
	out: list[Media] = []
	for m in media or []:
		if not isinstance(m, Media):
			continue
		url = clean_media_url(platform, m.url, sandbox_origin=sandbox_origin)
		media_id = _str_id(m.media_id) if _MEDIA_ID.fullmatch(_str_id(m.media_id)) else None
		if not url and not media_id:
			continue
		try:
			size = int(m.size) if m.size is not None and not isinstance(m.size, bool) else None
		except (TypeError, ValueError):
			size = None
		out.append(
			Media(
				kind=m.kind if m.kind in MEDIA_KINDS else MEDIA_FILE,
				url=url,
				media_id=media_id,
				mime_type=clean_mime_type(m.mime_type),
				file_name=clean_file_name(m.file_name),
				size=size if size is not None and size >= 0 else None,
				caption=clean_text(m.caption, single_line=True, limit=MAX_CAPTION) or None,
			)
		)
		if len(out) >= MAX_MEDIA:
			break
	return out


def media_from_dicts(rows: Any) -> list[Media]:
	"""Stored media (a list of dicts, as on the Social Message) back into :class:`Media`."""
	names = set(Media.__dataclass_fields__)
	return [
		Media(**{k: v for k, v in r.items() if k in names})
		for r in rows or []
		if isinstance(r, dict) and r.get("kind")
	]


_THREAD_KEY = re.compile(r"public:([0-9_]{1,130}):([0-9]{1,25})|dm:([0-9]{1,25})")
# WhatsApp is private only: dm:<wa_id or business-scoped user id>
_WA_THREAD_KEY = re.compile(r"dm:([A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}|[0-9]{6,15})")


def clean_item(item: InboundItem, *, sandbox_origin: Origin | None = None) -> InboundItem:
	"""The item as the app may store it (a copy): the one gate between a platform and the database.

	Refused with :class:`InvalidItem` (its event fails visibly): an unknown platform, a message
	without a valid platform id, a new or edited message without a valid author id (it is never
	filed under a shared "None" customer), a thread key not built from valid ids. Dropped to
	None: handles that do not match the platform's pattern, permalinks not on the platform's own
	host, media not on its media hosts (:func:`clean_media`; ``sandbox_origin`` for a channel that
	talks to the sandbox), odd parent/root ids. Text and names: :func:`clean_text`.
	"""
	platform = item.platform
	if platform not in PLATFORMS:
		raise InvalidItem(f"unknown platform {clean_text(platform, single_line=True, limit=40)!r}")
	if (
		item.kind not in KINDS
		or item.direction not in (INBOUND, OUTBOUND)
		or item.action not in (ACTION_CREATE, ACTION_EDIT, ACTION_DELETE)
	):
		raise InvalidItem(f"{platform}: refused, unknown kind, direction or action")
	if not valid_message_id(platform, item.kind, item.external_id):
		raise InvalidItem(
			f"{platform} {item.kind}: refused, its platform id "
			f"{clean_text(item.external_id, single_line=True, limit=60)!r} is not a valid {platform} id"
		)
	where = f"{platform} {item.kind} {item.external_id}"
	author = item.author or Author(user_id="")
	writes = item.action != ACTION_DELETE
	if writes and not valid_user_id(platform, author.user_id):
		raise InvalidItem(
			f"{where}: refused, it has no valid author id "
			f"({clean_text(author.user_id, single_line=True, limit=60)!r}); a message is never filed "
			"under an unknown customer"
		)
	match = (_WA_THREAD_KEY if platform == WHATSAPP else _THREAD_KEY).fullmatch(item.thread_key or "")
	if writes and (
		not match
		or (platform != WHATSAPP and match.group(1) and not valid_object_id(platform, match.group(1)))
	):
		raise InvalidItem(
			f"{where}: refused, its conversation "
			f"{clean_text(item.thread_key, single_line=True, limit=80)!r} is not built from valid ids"
		)
	return replace(
		item,
		external_id=_str_id(item.external_id),
		text=clean_text(item.text),
		author=clean_author(platform, author),
		parent_external_id=_object_or_none(platform, item.parent_external_id),
		root_external_id=_object_or_none(platform, item.root_external_id),
		permalink=clean_permalink(platform, item.permalink),
		media=clean_media(platform, item.media, sandbox_origin=sandbox_origin),
		stream=item.stream if re.fullmatch(r"[a-z_]{1,40}", item.stream or "") else None,
	)


def clean_author(platform: str, author: Author) -> Author:
	"""What may be stored of an author: a valid id (else ""), a handle matching the platform's
	pattern, a defused one-line name, an avatar on the platform's media hosts, a count."""
	try:
		followers = int(author.follower_count) if author.follower_count is not None else None
	except (TypeError, ValueError):
		followers = None
	return Author(
		user_id=_str_id(author.user_id) if valid_user_id(platform, author.user_id) else "",
		handle=clean_handle(platform, author.handle),
		name=clean_text(author.name, single_line=True) or None,
		avatar_url=clean_media_url(platform, author.avatar_url),
		follower_count=followers if followers is None or followers >= 0 else None,
		phone=_str_id(author.phone) if platform == WHATSAPP and valid_phone(author.phone) else None,
	)


def _object_or_none(platform: str, value: Any) -> str | None:
	return _str_id(value) if valid_object_id(platform, value) else None


# --- secrets in stored text ----------------------------------------------------------------------
# Graph API ``paging.next`` links carry ``access_token=`` (and sometimes ``appsecret_proof=``);
# raw pages are stored on Social Inbound Event, readable by Social Managers and in every backup.
REDACTED = "REDACTED"
MIN_KNOWN_SECRET = 16  # shorter "secrets" (test values, verify tokens) would hit ordinary words
# names of values that are secrets; pagination cursors (next_token, pagination_token) are not
_SECRET_NAME = (
	r"(?:[A-Za-z0-9_]*(?:access_?token|refresh_?token|auth_?token|id_?token|session_?token|bearer"
	r"|secret|password|passwd|appsecret_proof|signature|api_?key)[A-Za-z0-9_]*"
	r"|token|oauth_token|key|sig|proof)"
)
_SECRET_KEY = re.compile(_SECRET_NAME, re.IGNORECASE)
# ?name=value / &name=value in a URL (also as \u0026 or &amp; inside JSON or HTML)
_SECRET_QUERY = re.compile(
	r"(?i)((?:[?&;]|\\u0026|&amp;)" + _SECRET_NAME + r"=)([^&\s\"'#\\<>]+)",
)
# "name": "value" in JSON, name="value" in an OAuth header, 'name': 'value' in a repr
_SECRET_PAIR = re.compile(
	r"(?i)((?<![A-Za-z0-9_])[\"']?" + _SECRET_NAME + r"[\"']?\s*[:=]\s*[\"'])((?:[^\"'\\\s]|\\.)+)([\"'])",
)
# an Authorization header's credentials (token68), not an OAuth header's first name=value pair
_AUTH_HEADER = re.compile(
	r"(?i)\b(Bearer|OAuth)(\s+)(?!REDACTED)[A-Za-z0-9._~+/%-]{8,}=*(?![A-Za-z0-9._~+/=%\"-])"
)
# token shapes that are secrets wherever they appear in logs: Meta user/page tokens, Instagram
# tokens, X app bearer tokens
_TOKEN_SHAPES = re.compile(r"\b(?:EAA[A-Za-z0-9]{20,}|IG(?:QV|AA)[A-Za-z0-9_-]{20,}|A{12,}[A-Za-z0-9%]{20,})")
_LINK = re.compile(r"^\s*https?://", re.IGNORECASE)


def _redact_known(text: str, known) -> str:
	for secret in known or ():
		if secret and len(secret) >= MIN_KNOWN_SECRET:
			text = text.replace(secret, REDACTED)
	return text


def redact_secrets(text: str | None, known: list[str] | tuple[str, ...] = ()) -> str | None:
	"""Free text (an error, a traceback, a log line) with tokens replaced by REDACTED.

	``known``: secret values to redact wherever they appear (a channel's own credentials).
	"""
	if not text:
		return text
	text = _redact_known(text, known)
	text = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)
	text = _SECRET_PAIR.sub(
		lambda m: m.group(0) if m.group(2) == REDACTED else m.group(1) + REDACTED + m.group(3), text
	)
	text = _AUTH_HEADER.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
	return _TOKEN_SHAPES.sub(REDACTED, text)


def redact_payload(payload: str | None, known: list[str] | tuple[str, ...] = ()) -> str | None:
	"""A stored JSON payload without secrets, customer words untouched.

	Values under secret-named keys and token-like query parameters of links are replaced (and
	``known`` secrets anywhere); what customers wrote is left alone, so a message that says
	"password" or shouts "AAAAAAAA..." reaches the agent as written. A payload with nothing to
	redact is returned byte for byte. Not JSON: treated as free text.
	"""
	if not payload:
		return payload
	try:
		data = json.loads(payload)
	except ValueError:
		return redact_secrets(payload, known)
	changed = [False]

	def walk(value, key=None):
		if isinstance(value, dict):
			return {k: walk(v, k) for k, v in value.items()}
		if isinstance(value, list):
			return [walk(v, key) for v in value]
		if not isinstance(value, str):
			return value
		if isinstance(key, str) and _SECRET_KEY.fullmatch(key) and value:
			new = REDACTED
		elif _LINK.match(value) and not any(clean_media_url(p, value) for p in PLATFORMS):
			# (media links keep their CDN signature: the attachment needs it to be seen)
			new = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, _redact_known(value, known))
		else:
			new = _redact_known(value, known)
		if new != value:
			changed[0] = True
		return new

	cleaned = walk(data)
	return json.dumps(cleaned, ensure_ascii=False) if changed[0] else payload
