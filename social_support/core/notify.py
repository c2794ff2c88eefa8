"""Desk notifications (Notification Log) for the people who must act."""

from __future__ import annotations

import frappe


def users_of_first_staffed_role(*roles: str) -> list[str]:
	"""Enabled users of the first of the roles, in the order given, that any enabled user holds.

	Not the users of all the roles: ``("Social Approver", "Social Manager")`` reaches the approvers,
	and the managers only when there is no approver. Administrator when none of the roles is held.
	"""
	for role in roles:
		users = frappe.get_all(
			"Has Role",
			filters={"role": role, "parenttype": "User", "parent": ("not in", ("Administrator", "Guest"))},
			pluck="parent",
			distinct=True,
		)
		users = [u for u in users if frappe.db.get_value("User", u, "enabled")]
		if users:
			return users
	return ["Administrator"]


def notify(
	users: list[str],
	subject: str,
	message: str,
	*,
	document_type: str | None = None,
	document_name: str | None = None,
	link: str | None = None,
) -> None:
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": subject,
				"email_content": message,
				"document_type": document_type,
				"document_name": document_name,
				"link": link,
			}
		).insert(ignore_permissions=True)
