from frappe.model.document import Document


class SocialPollCursor(Document):
	pass
