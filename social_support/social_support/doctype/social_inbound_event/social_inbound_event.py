import frappe
from frappe import _
from frappe.model.document import Document


class SocialInboundEvent(Document):
	def validate(self):
		# stored with db_insert and moved on with db.set_value: a save is someone editing a delivery
		# (REST ignores read-only), which would then be processed as if the platform had sent it
		if not self.is_new():
			frappe.throw(
				_(
					"An inbound event is the stored copy of what a platform delivered and cannot be edited. Use Retry to process it again."
				),
				frappe.PermissionError,
			)

	@frappe.whitelist()
	def retry(self):
		self.check_permission("write")
		from social_support.ingest.events import retry

		return retry([self.name])
