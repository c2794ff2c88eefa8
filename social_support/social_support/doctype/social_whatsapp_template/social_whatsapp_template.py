import frappe
from frappe import _
from frappe.model.document import Document


class SocialWhatsAppTemplate(Document):
	"""A message template of a WhatsApp Business Account, as WhatsApp reports it: written only by the
	sync (``social_support.outbound.whatsapp.sync_templates``), read by everyone who answers."""

	def validate(self):
		if not self.flags.social_internal:
			frappe.throw(
				_(
					"WhatsApp templates are made in WhatsApp Manager and synced from the channel, not edited here."
				),
				frappe.PermissionError,
			)

	def on_trash(self):
		if not self.flags.social_internal and "System Manager" not in frappe.get_roles():
			frappe.throw(_("Only the sync removes WhatsApp templates."), frappe.PermissionError)
