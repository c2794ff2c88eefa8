from frappe.model.document import Document


class SocialSupportSettings(Document):
	def on_update(self):
		if self.has_value_changed("digest_frequency"):
			from social_support.insights.digest import sync

			sync()
