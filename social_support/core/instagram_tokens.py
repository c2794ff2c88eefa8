"""Instagram Login tokens: a short-lived Instagram user token exchanged for a long-lived one
(60 days), and long-lived tokens refreshed before they expire by a daily job.

A refresh the platform refuses for the token (expired, revoked) flags the channel *Needs
Reauthorization* and tells the System Managers once; any other failure is kept as the channel's
last error and told as well, and the next day's run tries again.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, escape_html, now_datetime

from social_support.platforms import make_client
from social_support.platforms.base import PlatformError
from social_support.platforms.meta.constants import LOGIN_INSTAGRAM

from . import channels as ch

REFRESH_WITHIN_DAYS = 10  # a token is refreshed once it has less than this left (it lives 60 days)


def due_channels(now=None) -> list[str]:
	now = now or now_datetime()
	return [
		c.name
		for c in frappe.get_all(
			"Social Channel",
			filters={
				"platform": "Instagram",
				"instagram_login": LOGIN_INSTAGRAM,
				"enabled": 1,
				"needs_reauthorization": 0,
			},
			fields=["name", "token_expires_on"],
		)
		if not c.token_expires_on or c.token_expires_on <= add_to_date(now, days=REFRESH_WITHIN_DAYS)
	]


def refresh_due() -> dict[str, bool]:
	"""Refresh every Instagram Login token that expires soon (or whose expiry is not known)."""
	return {channel: refresh(channel) for channel in due_channels()}


def refresh(channel: str) -> bool:
	return _renew(channel, lambda client, doc: client.refresh_token(), _("refreshed"))


def exchange(channel: str) -> bool:
	"""The channel's token, typed in as the short-lived one Instagram Login gives, for a long-lived one."""
	return _renew(
		channel,
		lambda client, doc: client.exchange_token(
			doc.get_password("app_secret", raise_exception=False) or ""
		),
		_("exchanged for a long-lived one"),
	)


def _renew(channel: str, call, what: str) -> bool:
	doc = frappe.get_doc("Social Channel", channel)
	if doc.platform != "Instagram" or doc.instagram_login != LOGIN_INSTAGRAM:
		frappe.throw(_("Channel {0} does not use Instagram Login.").format(channel))
	try:
		token, seconds = call(make_client(ch.channel_config(doc)), doc)
	except PlatformError as e:
		frappe.db.rollback()
		if e.needs_reauth:
			ch.mark_needs_reauthorization(channel, e)
		else:
			ch.record_error(channel, e)
			ch.notify_system_managers(
				_("The Instagram token of channel {0} could not be {1}").format(channel, what),
				_("{0}. The channel keeps its current token; the daily job tries again.").format(
					escape_html(str(e)[:300])
				),
				channel,
			)
		frappe.db.commit()
		return False
	doc.access_token = token
	doc.token_expires_on = add_to_date(now_datetime(), seconds=seconds)
	doc.flags.ignore_permissions = True
	doc.save()
	frappe.db.commit()
	return True
