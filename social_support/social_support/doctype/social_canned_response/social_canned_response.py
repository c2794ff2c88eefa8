from frappe.model.document import Document


class SocialCannedResponse(Document):
	pass
