"""The wallboard's data endpoint: agents and managers only."""

from __future__ import annotations

import frappe
from frappe import _

from social_support.insights import wallboard

ALLOWED = set(wallboard.ROOM_ROLE)


@frappe.whitelist(methods=["GET", "POST"])
def get_data() -> dict:
	if not ALLOWED & set(frappe.get_roles()):
		frappe.throw(_("The wallboard is for Social Agents and Social Managers."), frappe.PermissionError)
	return wallboard.data()
