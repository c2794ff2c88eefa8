import frappe
from frappe import _
from frappe.model.document import Document


class SocialReplyApproval(Document):
	# rows are written with their Social Reply by social_support.outbound.approval, never on their own
	def before_insert(self):
		frappe.throw(_("Approvals are recorded by approving the reply."), frappe.PermissionError)

	def on_trash(self):
		frappe.throw(_("Approvals are part of the reply's audit trail."), frappe.PermissionError)
