from frappe.model.document import Document


class SocialAPIUsage(Document):
	"""One channel, month and kind of platform call: how many resources and what they cost.

	Written only by ``core/usage.record`` (one row per channel, month and kind, added to in place)."""
