"""One row updated with plain SQL: the ingest path writes a few rows per message, and Frappe's
``db.set_value`` parses every field name through its query builder, which costs more than the query."""

from __future__ import annotations

import re

import frappe

_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def update_row(doctype: str, name: str, values: dict) -> None:
	"""``values`` are the app's own field names (checked: never outside text); ``modified`` is untouched."""
	if not values:
		return
	columns = list(values)
	bad = [c for c in columns if not _COLUMN.match(c)]
	if bad:
		raise ValueError(f"not a field name: {bad!r}")
	assignments = ", ".join(f"`{c}`=%s" for c in columns)
	frappe.db.sql(
		f"update `tab{doctype}` set {assignments} where name=%s",
		(*(values[c] for c in columns), name),
	)
