from frappe.model.document import Document


class SocialMessage(Document):
	pass
