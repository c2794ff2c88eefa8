"""Names for people who wrote a private message: Messenger and Instagram webhooks carry only an
id, so their profile starts as "<platform> user <id>". A scheduled job looks each such profile up
once (name, handle, picture where Meta permits), at most a few per run and channel, stops a
channel's lookups at its rate limit, and keeps working without the name when Meta refuses it.
The profile is the cache: a profile looked up (or refused) is not asked again.
"""

from __future__ import annotations

import frappe
from frappe.utils import cint

from social_support.core import channels as ch
from social_support.core.text import clean_text
from social_support.platforms import make_client
from social_support.platforms.base import FACEBOOK, INSTAGRAM, PlatformError, RateLimited, clean_author

LOOKUPS_PER_RUN = 20


def unnamed_profiles(limit: int = LOOKUPS_PER_RUN) -> list:
	rows = frappe.get_all(
		"Social Profile",
		filters={"platform": ("in", (FACEBOOK, INSTAGRAM)), "name_looked_up": 0},
		fields=["name", "platform", "user_id", "display_name", "handle", "contact"],
		order_by="creation desc",
		limit=limit * 10,
	)
	return [r for r in rows if not r.handle and (r.display_name or r.user_id) == r.user_id][:limit]


def look_up_names(limit: int = LOOKUPS_PER_RUN) -> dict[str, str]:
	"""Look up the profiles still without a name; returns profile -> found | refused | skipped."""
	clients: dict[str, object] = {}
	stopped: set[str] = set()
	out = {}
	for profile in unnamed_profiles(limit):
		channel = _channel_of(profile)
		if not channel or channel in stopped:
			out[profile.name] = "skipped"
			continue
		try:
			if channel not in clients:
				clients[channel] = make_client(ch.channel_config(channel))
			author = clients[channel].lookup_user(profile.user_id)
		except RateLimited:
			stopped.add(channel)  # the rest of this channel's lookups wait for the next run
			out[profile.name] = "skipped"
			continue
		except PlatformError:
			frappe.db.rollback()
			frappe.db.set_value("Social Profile", profile.name, "name_looked_up", 1, update_modified=False)
			frappe.db.commit()
			out[profile.name] = "refused"
			continue
		_apply(profile, clean_author(profile.platform, author))
		frappe.db.commit()
		out[profile.name] = "found"
	return out


def _channel_of(profile) -> str | None:
	"""An enabled, working channel that met the person (the latest message's)."""
	for channel in frappe.get_all(
		"Social Message",
		filters={"social_profile": profile.name},
		pluck="channel",
		order_by="posted_on desc",
		limit=5,
	):
		doc = frappe.db.get_value(
			"Social Channel", channel, ["enabled", "needs_reauthorization", "backoff_until"], as_dict=True
		)
		if doc and cint(doc.enabled) and not ch.is_paused(doc):
			return channel
	return None


def _apply(profile, author) -> None:
	values = {"name_looked_up": 1}
	if author.name:
		values["display_name"] = author.name
	if author.handle:
		values["handle"] = author.handle
	if author.avatar_url:
		values["avatar_url"] = author.avatar_url
	frappe.db.set_value("Social Profile", profile.name, values, update_modified=False)
	if not author.name:
		return
	frappe.db.sql(
		"""update `tabSocial Message` set author_name=%s
		where social_profile=%s and (author_name is null or author_name='' or author_name=author_id)""",
		(author.name, profile.name),
	)
	if author.handle:
		frappe.db.sql(
			"""update `tabSocial Message` set author_handle=%s
			where social_profile=%s and (author_handle is null or author_handle='')""",
			(author.handle, profile.name),
		)
	_name_contact(profile, author.name)


def _name_contact(profile, name: str) -> None:
	"""The Contact made with the placeholder name gets the real one (its document name stays)."""
	if not profile.contact:
		return
	contact = frappe.get_doc("Contact", profile.contact)
	placeholder = f"{profile.platform} user {profile.user_id}"
	if " ".join(p for p in (contact.first_name, contact.last_name) if p) != placeholder:
		return  # someone named the contact already
	first, _, last = clean_text(name, single_line=True).partition(" ")
	contact.first_name = first or name
	contact.last_name = last or None
	contact.flags.ignore_permissions = True
	contact.flags.ignore_mandatory = True
	contact.save()
