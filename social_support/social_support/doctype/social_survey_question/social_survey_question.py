from frappe.model.document import Document


class SocialSurveyQuestion(Document):
	pass
