from frappe.model.document import Document


class SocialReply(Document):
	pass
