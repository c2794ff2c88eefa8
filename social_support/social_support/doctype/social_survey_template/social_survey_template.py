from frappe.model.document import Document


class SocialSurveyTemplate(Document):
	pass
