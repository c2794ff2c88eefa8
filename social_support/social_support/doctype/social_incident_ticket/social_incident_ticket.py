from frappe.model.document import Document


class SocialIncidentTicket(Document):
	pass
