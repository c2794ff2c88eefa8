"""Tokens stored before payloads were redacted: Graph ``paging.next`` links carried the Page token."""

import frappe

from social_support.platforms.base import redact_payload, redact_secrets

BATCH = 500
# only rows that can hold one are read (payloads can be large)
HINTS = ("%token%", "%secret%", "%proof%", "%Bearer%", "%EAA%")


def execute():
	names = frappe.get_all(
		"Social Inbound Event",
		or_filters=[[field, "like", hint] for field in ("payload", "error", "summary") for hint in HINTS],
		pluck="name",
		order_by="name asc",
	)
	for i in range(0, len(names), BATCH):
		for row in frappe.get_all(
			"Social Inbound Event",
			filters={"name": ("in", names[i : i + BATCH])},
			fields=["name", "payload", "error", "summary"],
		):
			cleaned = {
				"payload": redact_payload(row.payload),
				"error": redact_secrets(row.error),
				"summary": redact_secrets(row.summary),
			}
			changes = {k: v for k, v in cleaned.items() if v != row.get(k)}
			if changes:
				frappe.db.set_value("Social Inbound Event", row.name, changes, update_modified=False)
	_error_logs()


def _error_logs():
	"""Error Logs this app wrote about its channels and events."""
	for row in frappe.get_all(
		"Error Log",
		filters={"method": ("like", "%Social%"), "error": ("like", "%token%")},
		fields=["name", "error"],
	):
		cleaned = redact_secrets(row.error)
		if cleaned != row.error:
			frappe.db.set_value("Error Log", row.name, "error", cleaned, update_modified=False)
