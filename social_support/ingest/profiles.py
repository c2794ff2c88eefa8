"""Social Profile per platform user, and the Contact behind it."""

from __future__ import annotations

import re

import frappe
from frappe.model.naming import append_number_if_name_exists
from frappe.utils import cint, now_datetime

from social_support.core.addresses import placeholder_email
from social_support.core.rows import update_row
from social_support.core.text import clean_text
from social_support.platforms.base import Author, InvalidItem, clean_author, profile_link, valid_user_id

# characters Frappe refuses in a document name ("<", ">") or that make names awkward in links
_NAME_UNSAFE = re.compile(r"[<>\"'`\\]")
CONTACT_NAME_LENGTH = 100


def profile_name(platform: str, user_id: str | None) -> str:
	"""``<platform>-<user id>``; a missing or malformed id is refused, never a shared "X-None"."""
	if not valid_user_id(platform, user_id):
		raise InvalidItem(
			f"{platform}: refused, {clean_text(user_id, single_line=True, limit=60)!r} is not a valid "
			"user id (a profile is never filed under an unknown user)"
		)
	return f"{platform}-{str(user_id).strip()}"


def ensure_profile(platform: str, author: Author, settings):
	"""The author's profile, created (with a Contact, by setting) on first sight, refreshed after."""
	name = profile_name(platform, author.user_id)
	author = clean_author(platform, author)
	rows = frappe.db.sql(
		"""select name, contact, handle, display_name, avatar_url, follower_count
		from `tabSocial Profile` where name=%s""",
		(name,),
		as_dict=True,
	)
	row = rows[0] if rows else None
	if row:
		changes = {"last_seen_on": now_datetime()}
		for field, value in (
			("handle", author.handle),
			("display_name", author.name),
			("avatar_url", author.avatar_url),
			("follower_count", author.follower_count),
		):
			if value not in (None, "") and row.get(field) != value:
				changes[field] = value
		update_row("Social Profile", name, changes)
		if not row.contact and cint(settings.create_contacts):
			row.contact = _create_contact(platform, author)
			frappe.db.set_value("Social Profile", name, "contact", row.contact, update_modified=False)
		return row

	# the contact is rolled back with the profile if another worker wins the race
	frappe.db.savepoint("social_profile")
	contact = _create_contact(platform, author) if cint(settings.create_contacts) else None
	doc = frappe.get_doc(
		{
			"doctype": "Social Profile",
			"platform": platform,
			"user_id": author.user_id,
			"handle": author.handle,
			"display_name": author.name or author.handle or author.user_id,
			"avatar_url": author.avatar_url,
			"profile_url": profile_url(platform, author),
			"follower_count": author.follower_count,
			"contact": contact,
			"first_seen_on": now_datetime(),
			"last_seen_on": now_datetime(),
		}
	)
	# written directly: a new profile has nothing for its controller to check (no policy change, and
	# its contact, made just now or none, has no customer yet); saves are validated as usual
	doc.name = name
	doc.customer = None
	try:
		doc.db_insert()
	except frappe.DuplicateEntryError:
		# another worker created it between our read and insert (two channels, same person)
		frappe.db.rollback(save_point="social_profile")
		# a locking read: the winner's row, committed after this transaction's snapshot was taken
		return frappe.db.sql(
			"select name, contact from `tabSocial Profile` where name=%s lock in share mode",
			(name,),
			as_dict=True,
		)[0]
	# a contact made just now has no email address and no customer: nobody needs to look them up
	return frappe._dict(name=doc.name, contact=contact, new_contact=bool(contact), new=True)


def profile_url(platform: str, author: Author) -> str | None:
	return profile_link(platform, author.handle)


def _create_contact(platform: str, author: Author) -> str:
	"""A Contact whose first/last name keep the (cleaned) display text; its document name is a
	safe label, because Frappe refuses "<" and ">" in names and a refused name would leave the
	customer's message without a ticket forever."""
	fallback = f"{platform} user {author.user_id}"
	label = clean_text(author.name, single_line=True) or (f"@{author.handle}" if author.handle else fallback)
	first, _, last = label.partition(" ")

	def insert(name: str) -> str:
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": first or label,
				"last_name": last or None,
				"status": "Open",
			}
		)
		contact.flags.ignore_permissions = True
		contact.flags.ignore_mandatory = True
		contact.insert(set_name=name)
		return contact.name

	# the readable name when it is free (the primary key decides, no lookup first); a name already
	# taken (a namesake, or one being created by another worker at this moment) gets the customer's
	# platform id, which only this customer has
	frappe.db.savepoint("social_contact")
	try:
		return insert(contact_name(label, fallback, numbered=False))
	except frappe.DuplicateEntryError:
		frappe.db.rollback(save_point="social_contact")
		return insert(contact_name(f"{label[:60]} ({fallback})", fallback))


def contact_name(label: str, fallback: str, numbered: bool = True) -> str:
	"""A document name for a Contact made from outside text: Frappe's forbidden characters out,
	a readable fallback when nothing readable is left, numbered when taken (``numbered``)."""
	name = " ".join(_NAME_UNSAFE.sub(" ", label or "").split())[:CONTACT_NAME_LENGTH].strip(" -_.,;:")
	if not re.search(r"\w", name) or name.lower().startswith("new contact") or name == "Contact":
		name = fallback
	return append_number_if_name_exists("Contact", name) if numbered else name


def customer_of(contact: str | None) -> str | None:
	"""The Customer a Contact belongs to, if any."""
	if not contact:
		return None
	return frappe.db.get_value(
		"Dynamic Link",
		{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer"},
		"link_name",
	)


def raised_by_for(profile, contact: str | None, settings) -> str:
	"""The contact's real email if it has one, else a reserved address that is never mailed."""
	if contact and not (profile and profile.get("new_contact")):
		email = frappe.db.sql("select email_id from `tabContact` where name=%s", (contact,))
		if email and email[0][0]:
			return email[0][0]
	name = profile.name if profile else "unknown"
	return placeholder_email(name, settings.placeholder_email_domain)
