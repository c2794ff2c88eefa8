import frappe

from social_support.install import ROLES, after_app_install, after_migrate, before_uninstall, ticket_fields
from social_support.tickets import available_adapters, get_adapter, helpdesk_installed

from .utils import SocialTestCase


class TestInstall(SocialTestCase):
	def test_roles_fields_and_settings_exist_and_migrate_is_idempotent(self):
		after_migrate()
		after_migrate()
		for role in ROLES:
			self.assertTrue(frappe.db.exists("Role", role))
		doctype = get_adapter().doctype
		for df in ticket_fields()[doctype]:
			self.assertEqual(
				frappe.db.count("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]}), 1
			)
		settings = frappe.get_single("Social Support Settings")
		# placeholder addresses go to a reserved domain that can never receive mail
		self.assertTrue(settings.placeholder_email_domain.endswith("invalid"))
		self.assertGreater(settings.reopen_within_days, 0)

	def test_every_installed_ticket_system_gets_the_fields_also_one_installed_later(self):
		systems = [adapter.doctype for adapter in available_adapters()]
		self.assertEqual(sorted(ticket_fields()), sorted(["Contact", *systems]))
		self.assertEqual("HD Ticket" in systems, helpdesk_installed())
		for doctype in systems:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": "social_channel"})
			self.assertTrue(name, doctype)
			# as if the ticket system came after this app: its fields are made when it is installed
			frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
			self.assertFalse(frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": "social_channel"}))
			after_app_install("helpdesk")
			self.assertTrue(frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": "social_channel"}))

	def test_admin_edits_to_settings_survive_migrate(self):
		frappe.db.set_single_value("Social Support Settings", "reopen_within_days", 3)
		after_migrate()
		self.assertEqual(frappe.db.get_single_value("Social Support Settings", "reopen_within_days"), 3)
		frappe.db.set_single_value("Social Support Settings", "reopen_within_days", 7)

	def test_uninstall_removes_fields_and_roles_then_reinstall(self):
		# the site's users keep their roles once this test is over: put them back afterwards
		held = frappe.get_all(
			"Has Role", filters={"role": ("in", ROLES), "parenttype": "User"}, fields=["parent", "role"]
		)
		self.addCleanup(self._restore_roles, held)
		before_uninstall()
		for adapter in available_adapters():
			self.assertFalse(
				frappe.db.exists("Custom Field", {"dt": adapter.doctype, "fieldname": "social_channel"})
			)
		self.assertFalse(frappe.db.exists("Role", "Social Agent"))
		after_migrate()
		self.assertTrue(frappe.db.exists("Custom Field", {"dt": "Issue", "fieldname": "social_channel"}))
		self.assertTrue(frappe.db.exists("Role", "Social Agent"))

	def _restore_roles(self, held):
		after_migrate()
		for row in held:
			user = frappe.get_doc("User", row.parent)
			if row.role not in {r.role for r in user.roles}:
				user.append("roles", {"role": row.role})
				user.save(ignore_permissions=True)
		frappe.db.commit()
