"""Rows stored before outside text was cleaned at the boundary: the same rules, applied once.

Names are defused (they live in Data fields the desk renders as HTML), handles that do not match
their platform's pattern are dropped, permalinks not built from ids on the platform's own host
are dropped (and rebuilt for profiles), avatars not on the platforms' media hosts go.
Message text needs no rewrite: the field is now a Code field, which the desk shows as text.
"""

import frappe

from social_support.platforms.base import (
	clean_handle,
	clean_media_url,
	clean_permalink,
	clean_text,
	profile_link,
)

BATCH = 2000


def execute():
	_messages()
	_profiles()
	_contacts()
	_issues()


def _rows(doctype: str, fields: list[str], filters=None):
	start = 0
	while True:
		rows = frappe.get_all(
			doctype,
			filters=filters,
			fields=["name", *fields],
			order_by="name asc",
			start=start,
			page_length=BATCH,
		)
		yield from rows
		if len(rows) < BATCH:
			return
		start += BATCH


def _update(doctype: str, row, cleaned: dict) -> None:
	changes = {k: v for k, v in cleaned.items() if (row.get(k) or None) != (v or None)}
	if changes:
		frappe.db.set_value(doctype, row.name, changes, update_modified=False)


def _label(value):
	return clean_text(value, single_line=True) or None


def _messages():
	# the former attachments column (media links) is moved to Social Message.media, cleaned again,
	# by the patch move_attachments_to_media
	for m in _rows("Social Message", ["platform", "author_name", "author_handle", "permalink"]):
		_update(
			"Social Message",
			m,
			{
				"author_name": _label(m.author_name),
				"author_handle": clean_handle(m.platform, m.author_handle),
				"permalink": clean_permalink(m.platform, m.permalink),
			},
		)


def _profiles():
	for p in _rows("Social Profile", ["platform", "handle", "display_name", "avatar_url", "profile_url"]):
		handle = clean_handle(p.platform, p.handle)
		_update(
			"Social Profile",
			p,
			{
				"handle": handle,
				"display_name": _label(p.display_name) or (f"@{handle}" if handle else None),
				"avatar_url": clean_media_url(p.platform, p.avatar_url),
				"profile_url": profile_link(p.platform, handle),
			},
		)


def _contacts():
	contacts = set(
		frappe.get_all("Social Profile", filters={"contact": ("is", "set")}, pluck="contact", distinct=True)
	)
	for name in contacts:
		row = frappe.db.get_value(
			"Contact", name, ["name", "first_name", "middle_name", "last_name", "full_name"], as_dict=True
		)
		if not row:
			continue
		_update(
			"Contact",
			row,
			{
				"first_name": _label(row.first_name),
				"middle_name": _label(row.middle_name),
				"last_name": _label(row.last_name),
				"full_name": _label(row.full_name),
			},
		)


def _issues():
	if not frappe.db.has_column("Issue", "social_permalink"):
		return
	for i in _rows(
		"Issue", ["social_platform", "social_permalink"], filters={"social_permalink": ("is", "set")}
	):
		_update("Issue", i, {"social_permalink": clean_permalink(i.social_platform, i.social_permalink)})
