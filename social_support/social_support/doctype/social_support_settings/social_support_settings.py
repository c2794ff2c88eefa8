import json

import frappe
from frappe import _
from frappe.model.document import Document

from social_support.platforms.meta.versions import normalize_version
from social_support.platforms.x.costs import prices_from


class SocialSupportSettings(Document):
	def validate(self):
		from social_support.tickets import validate_system

		validate_system(self.ticket_system)
		try:
			self.graph_api_version = normalize_version(self.graph_api_version)
		except ValueError:
			frappe.throw(_("Graph API Version must be written like v26.0."), title=_("Graph API Version"))
		text = (self.x_prices or "").strip()
		if text:
			try:
				table = json.loads(text)
				if not isinstance(table, dict):
					raise ValueError("X Prices is a JSON object of kind -> dollars")
				prices_from(table)
			except ValueError as e:
				frappe.throw(
					_("X Prices is not accepted: {0}").format(frappe.utils.escape_html(str(e))),
					title=_("X Prices"),
				)

	def on_update(self):
		if self.has_value_changed("digest_frequency"):
			from social_support.insights.digest import sync

			sync()
