from frappe.model.document import Document


class SocialCommunityRule(Document):
	pass
