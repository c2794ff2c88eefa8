"""Social Channel helpers: the platform config with its secrets, lookups and health."""

from __future__ import annotations

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import add_to_date, get_datetime, now_datetime

from social_support.platforms import ChannelConfig, get_family
from social_support.platforms.base import FACEBOOK, INSTAGRAM, WHATSAPP, PermissionDenied, X
from social_support.platforms.hosts import base_url_problem
from social_support.platforms.meta.versions import DEFAULT_GRAPH_VERSION
from social_support.platforms.x import rules as x_rules

from .notify import notify, users_of_first_staffed_role

SECRET_FIELDS = {
	X: ("consumer_key", "consumer_secret", "access_token", "access_token_secret", "bearer_token"),
	FACEBOOK: ("app_secret", "verify_token", "access_token"),
	INSTAGRAM: ("app_secret", "verify_token", "access_token"),
	WHATSAPP: ("app_secret", "verify_token", "access_token"),
}
# the platforms on Meta's Graph API host, signed webhooks and versions (WhatsApp's Cloud API included)
META_PLATFORMS = (FACEBOOK, INSTAGRAM, WHATSAPP)


def channel_config(channel) -> ChannelConfig:
	"""The pure-room config of a channel, secrets read from their Password fields.

	Refuses (ApiHostRefused, before any secret is read) a channel whose API Base URL is not an
	accepted host: the clients send the tokens there.
	"""
	if isinstance(channel, str):
		channel = frappe.get_cached_doc("Social Channel", channel)
	problem = api_base_url_problem(channel.api_base_url, channel.platform)
	if problem:
		raise ApiHostRefused(
			_(
				"Channel {0}: the API Base URL is not accepted ({1}); a System Manager must correct it."
			).format(channel.name, problem)
		)
	creds = {}
	for field in SECRET_FIELDS.get(channel.platform, ()):
		value = channel.get_password(field, raise_exception=False)
		if value:
			creds[field] = value
	return ChannelConfig(
		platform=channel.platform,
		account_id=(channel.account_id or "").strip(),
		account_handle=(channel.account_handle or "").strip().lstrip("@") or None,
		api_base_url=(channel.api_base_url or "").strip() or None,
		credentials=creds,
		listening_terms=listening_terms(channel),
		graph_version=graph_version(channel) if channel.platform in META_PLATFORMS else None,
		login=channel.get("instagram_login") if channel.platform == INSTAGRAM else None,
		business_account_id=(channel.get("business_account_id") or "").strip() or None,
	)


def graph_version(channel) -> str:
	"""The Graph API version a Meta channel calls: its own, else the site's setting, else the default."""
	own = (channel.get("graph_api_version") or "").strip()
	if own:
		return own
	site = frappe.db.get_single_value("Social Support Settings", "graph_api_version")
	return (site or "").strip() or DEFAULT_GRAPH_VERSION


def unavailable_actions(channel) -> list[str]:
	"""What the platform does not let this channel do (shown on the channel, refused by the gate)."""
	if channel.platform == X:
		return x_rules.unavailable_actions(channel.get("x_access"))
	if channel.platform == FACEBOOK:
		return ["repost"]
	if channel.platform == INSTAGRAM:
		return ["repost", "post"]
	if channel.platform == WHATSAPP:
		# private conversations only; a reaction is the customer's, never sent by the app
		return ["public reply", "private reply", "post", "like", "repost", "hide"]
	return []


class ApiHostRefused(PermissionDenied, frappe.ValidationError):
	"""The channel's API Base URL is not an accepted host (saved before the rule, or the site
	config changed since): nothing is sent. A platform error to the senders and pollers, a
	validation error (417) to a request."""


def allow_any_api_host() -> bool:
	"""Site config ``social_support_allow_any_api_host``: API Base URLs on any host (proxies, gateways)."""
	return bool(frappe.utils.cint(frappe.conf.get("social_support_allow_any_api_host")))


def api_base_url_problem(url: str | None, platform: str) -> str | None:
	"""Why a channel may not use ``url`` as its API Base URL (blank = the official host: fine)."""
	url = (url or "").strip()
	if not url:
		return None
	return base_url_problem(url, platform, allow_any_host=allow_any_api_host())


def listening_terms(channel) -> list[str]:
	return [t.strip() for t in (channel.listening_terms or "").splitlines() if t.strip()]


class ChannelSecret(NamedTuple):
	"""One enabled channel and the value of one of its secrets (a webhook signing key, a verify token)."""

	channel: str
	platform: str
	account_id: str
	secret: str


# Decrypting every channel's secret on each webhook request costs a query and a decryption per
# channel; web workers keep them in process memory instead (never in Redis or logs), keyed by a
# version that every Social Channel save or delete bumps. Each secret stays tied to its channel:
# a delivery signed with one app's secret is routed only to the channels of that app.
_SECRETS: dict[tuple, list[ChannelSecret]] = {}
VERSION_KEY = "social_support:channel_version"


def bump_channel_version() -> None:
	frappe.cache.set_value(VERSION_KEY, frappe.generate_hash(length=12))


def channel_secrets(
	platforms: tuple[str, ...], field: str, channels: list[str] | None = None
) -> list[ChannelSecret]:
	"""(channel, platform, account id, secret) of the given (or all) enabled channels, oldest first."""
	version = frappe.cache.get_value(VERSION_KEY)
	if version is None:
		bump_channel_version()
		version = frappe.cache.get_value(VERSION_KEY)
	key = (frappe.local.site, version, platforms, field, tuple(channels) if channels is not None else None)
	if key not in _SECRETS:
		if len(_SECRETS) > 256:
			_SECRETS.clear()
		_SECRETS[key] = _load_secrets(platforms, field, channels)
	return _SECRETS[key]


def _load_secrets(platforms: tuple[str, ...], field: str, channels: list[str] | None) -> list[ChannelSecret]:
	filters = {"platform": ("in", platforms), "enabled": 1}
	if channels is not None:
		filters["name"] = ("in", channels or [""])
	out = []
	for row in frappe.get_all(
		"Social Channel",
		filters=filters,
		fields=["name", "platform", "account_id"],
		order_by="creation asc",
	):
		doc = frappe.get_cached_doc("Social Channel", row.name)
		value = doc.get_password(field, raise_exception=False)
		if value:
			out.append(ChannelSecret(row.name, row.platform, (row.account_id or "").strip(), value))
	return out


def family_of(platform: str):
	return get_family(platform)


# --- health ----------------------------------------------------------------------------------
def record_success(channel: str) -> None:
	now = now_datetime()
	values = {"last_polled_on": now, "last_success_on": now}
	doc = frappe.db.get_value("Social Channel", channel, ["status", "needs_reauthorization"], as_dict=True)
	if doc and doc.status in ("Error", "Rate Limited") and not doc.needs_reauthorization:
		values.update({"status": "Active", "last_error": None, "backoff_until": None})
	frappe.db.set_value("Social Channel", channel, values, update_modified=False)


def record_error(
	channel: str, error: Exception, *, backoff_seconds: float | None = None, status: str = "Error"
) -> None:
	values = {"last_polled_on": now_datetime(), "last_error": str(error)[:1000], "status": status}
	if backoff_seconds:
		values["backoff_until"] = add_to_date(now_datetime(), seconds=int(backoff_seconds) + 1)
	frappe.db.set_value("Social Channel", channel, values, update_modified=False)


def mark_needs_reauthorization(channel: str, error: Exception) -> None:
	"""Stop calling the platform with a dead token and tell the admins, once."""
	doc = frappe.db.get_value(
		"Social Channel", channel, ["needs_reauthorization", "reauth_notified"], as_dict=True
	)
	frappe.db.set_value(
		"Social Channel",
		channel,
		{
			"needs_reauthorization": 1,
			"status": "Needs Reauthorization",
			"last_error": str(error)[:1000],
			"last_polled_on": now_datetime(),
		},
		update_modified=False,
	)
	if doc and not doc.reauth_notified:
		notify_system_managers(
			_("Social channel {0} needs reauthorization").format(channel),
			_(
				"The platform rejected the channel's token: {0}. Polling and sending are paused until new credentials are saved."
			).format(frappe.utils.escape_html(str(error)[:300])),
			channel,
		)
		frappe.db.set_value("Social Channel", channel, "reauth_notified", 1, update_modified=False)


def notify_system_managers(subject: str, message: str, channel: str) -> None:
	notify(
		users_of_first_staffed_role("System Manager"),
		subject,
		message,
		document_type="Social Channel",
		document_name=channel,
	)


def is_paused(channel_doc) -> bool:
	if channel_doc.needs_reauthorization:
		return True
	return bool(channel_doc.backoff_until and get_datetime(channel_doc.backoff_until) > now_datetime())
