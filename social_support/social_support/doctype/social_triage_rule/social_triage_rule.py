import frappe
from frappe import _
from frappe.model.document import Document

from social_support.analysis.rules import validate_regex


class SocialTriageRule(Document):
	def validate(self):
		error = validate_regex(self.regex)
		if error:
			frappe.throw(
				_("The regular expression cannot be used: {0}").format(frappe.utils.escape_html(error)),
				title=_("Regular Expression"),
			)
		if self.action != "Create Ticket" and (
			self.priority or self.issue_type or self.tags or self.assign_to
		):
			frappe.msgprint(
				_("Priority, type, tags and assignee only apply when the action is Create Ticket."),
				alert=True,
			)
