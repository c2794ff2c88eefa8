from frappe.model.document import Document


class SocialIncident(Document):
	pass
