"""Replies approved before approvals were recorded as rows: keep their approval so the send job's
re-check (outbound.sendable.assert_sendable) does not fail replies that are queued during the upgrade."""

import frappe
from frappe.utils import cint, now_datetime

from social_support.outbound.sendable import text_hash


def execute():
	for r in frappe.get_all(
		"Social Reply",
		filters={"status": ("in", ("Approved", "Sending")), "approved_text_hash": ("is", "not set")},
		fields=["name", "final_text", "approvals_needed", "approved_by", "modified"],
	):
		h = text_hash(r.final_text)
		if cint(r.approvals_needed) and not frappe.db.exists("Social Reply Approval", {"parent": r.name}):
			# approved_by held one "user (time)" line per approval
			lines = [line.strip() for line in (r.approved_by or "").splitlines() if line.strip()]
			for i, line in enumerate(lines, start=1):
				doc = frappe.get_doc(
					{
						"doctype": "Social Reply Approval",
						"parenttype": "Social Reply",
						"parentfield": "approvals",
						"parent": r.name,
						"idx": i,
						"tier": i,
						"approver": line.split(" (")[0],
						"approved_on": r.modified or now_datetime(),
						"text_hash": h,
					}
				)
				doc.db_insert()
		frappe.db.set_value("Social Reply", r.name, "approved_text_hash", h, update_modified=False)
