from frappe.model.document import Document


class SocialProfile(Document):
	pass
