"""The optional email digest: a Frappe Auto Email Report of "Social Key Figures" for the Social Managers.

Turned on and off with Social Support Settings > Email Digest (Off, Daily, Weekly); the recipients
follow the Social Manager role (refreshed when the setting is saved and once a day).
"""

from __future__ import annotations

import json

import frappe

from social_support.core.notify import users_of_first_staffed_role

REPORT = "Social Key Figures"


def recipients() -> list[str]:
	users = users_of_first_staffed_role("Social Manager", "System Manager")
	emails = [frappe.db.get_value("User", u, "email") for u in users]
	return sorted({e for e in emails if e and "@" in e and not e.endswith("@example.invalid")})


def sync() -> str | None:
	"""Create, update or disable the Auto Email Report to match the setting. Returns its name, or None when off."""
	frequency = frappe.db.get_single_value("Social Support Settings", "digest_frequency") or "Off"
	existing = frappe.db.get_value("Auto Email Report", {"report": REPORT}, "name")
	if frequency == "Off":
		if existing:
			frappe.db.set_value("Auto Email Report", existing, "enabled", 0)
		return None
	to = recipients()
	if not to:
		return None
	doc = frappe.get_doc("Auto Email Report", existing) if existing else frappe.new_doc("Auto Email Report")
	doc.update(
		{
			"report": REPORT,
			"user": "Administrator",
			"enabled": 1,
			"email_to": "\n".join(to),
			"frequency": frequency,
			"day_of_week": "Monday",
			"format": "HTML",
			"description": "Key figures of social customer care. Open the linked reports for details.",
			"filters": json.dumps({}),
			"dynamic_date_period": frequency,
			"from_date_field": "from_date",
			"to_date_field": "to_date",
			"send_if_data": 0,
			"no_of_rows": 50,
		}
	)
	doc.save(ignore_permissions=True) if existing else doc.insert(ignore_permissions=True)
	return doc.name
