from frappe.model.document import Document


class SocialSurvey(Document):
	pass
