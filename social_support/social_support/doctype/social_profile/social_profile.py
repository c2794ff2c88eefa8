import frappe
from frappe.model.document import Document


class SocialProfile(Document):
	def validate(self):
		if self.contact:
			# shown on the profile so agents see the account at a glance
			self.customer = frappe.db.get_value(
				"Dynamic Link",
				{"parenttype": "Contact", "parent": self.contact, "link_doctype": "Customer"},
				"link_name",
			)
		else:
			self.customer = None
