from frappe.model.document import Document


class SocialSupportSettings(Document):
	pass
