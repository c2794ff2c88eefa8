import frappe
from frappe.tests.utils import FrappeTestCase

from social_support.install import ROLES, TICKET_FIELDS, after_migrate, before_uninstall


class TestInstall(FrappeTestCase):
	def test_roles_fields_and_settings_exist_and_migrate_is_idempotent(self):
		after_migrate()
		after_migrate()
		for role in ROLES:
			self.assertTrue(frappe.db.exists("Role", role))
		for df in TICKET_FIELDS["Issue"]:
			self.assertEqual(
				frappe.db.count("Custom Field", {"dt": "Issue", "fieldname": df["fieldname"]}), 1
			)
		settings = frappe.get_single("Social Support Settings")
		self.assertEqual(settings.placeholder_email_domain, "social.invalid")
		self.assertGreater(settings.reopen_within_days, 0)

	def test_admin_edits_to_settings_survive_migrate(self):
		frappe.db.set_single_value("Social Support Settings", "reopen_within_days", 3)
		after_migrate()
		self.assertEqual(frappe.db.get_single_value("Social Support Settings", "reopen_within_days"), 3)
		frappe.db.set_single_value("Social Support Settings", "reopen_within_days", 7)

	def test_uninstall_removes_fields_and_roles_then_reinstall(self):
		before_uninstall()
		self.assertFalse(frappe.db.exists("Custom Field", {"dt": "Issue", "fieldname": "social_channel"}))
		self.assertFalse(frappe.db.exists("Role", "Social Agent"))
		after_migrate()
		self.assertTrue(frappe.db.exists("Custom Field", {"dt": "Issue", "fieldname": "social_channel"}))
		self.assertTrue(frappe.db.exists("Role", "Social Agent"))
