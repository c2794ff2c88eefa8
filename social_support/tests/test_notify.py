"""Who is notified: the users of the first role, in the order given, that someone holds."""

import frappe

from social_support.core.notify import users_of_first_staffed_role

from .utils import SocialTestCase, ensure_user

FIRST, SECOND = "Social Test First Line", "Social Test Second Line"
DESK, LEAD = "desk.social@example.com", "lead.social@example.com"


class TestNotifiedUsers(SocialTestCase):
	def setUp(self):
		for role in (FIRST, SECOND):
			if not frappe.db.exists("Role", role):
				frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
					ignore_permissions=True
				)
		frappe.db.commit()
		self.addCleanup(self.remove_roles)

	def remove_roles(self):
		for role in (FIRST, SECOND):
			frappe.delete_doc("Role", role, force=True, ignore_permissions=True)
		frappe.db.commit()

	def test_the_first_staffed_role_is_reached_then_the_next_then_administrator(self):
		self.assertEqual(users_of_first_staffed_role(FIRST, SECOND), ["Administrator"])
		ensure_user(LEAD, [SECOND])
		self.assertEqual(users_of_first_staffed_role(FIRST, SECOND), [LEAD])
		ensure_user(DESK, [FIRST])
		self.assertEqual(users_of_first_staffed_role(FIRST, SECOND), [DESK])  # not the lead too
		frappe.db.set_value("User", DESK, "enabled", 0)
		self.assertEqual(users_of_first_staffed_role(FIRST, SECOND), [LEAD])  # a disabled user holds nothing
