from frappe.model.document import Document


class SocialReply(Document):
	# created and moved only through social_support.outbound.replies (checks, policy, audit)
	pass
