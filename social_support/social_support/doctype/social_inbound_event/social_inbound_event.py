import frappe
from frappe.model.document import Document


class SocialInboundEvent(Document):
	@frappe.whitelist()
	def retry(self):
		self.check_permission("write")
		from social_support.ingest.events import retry

		return retry([self.name])
