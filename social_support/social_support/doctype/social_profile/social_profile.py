import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

# these decide whether a reply to the profile waits for approval (approve_flagged, approve_min_followers)
POLICY_FIELDS = ("flagged", "follower_count")
POLICY_ROLES = ("Social Manager", "System Manager")


class SocialProfile(Document):
	def validate(self):
		self.check_policy_fields()
		if self.contact:
			# shown on the profile so agents see the account at a glance
			self.customer = frappe.db.get_value(
				"Dynamic Link",
				{"parenttype": "Contact", "parent": self.contact, "link_doctype": "Customer"},
				"link_name",
			)
		else:
			self.customer = None

	def check_policy_fields(self):
		"""Agents edit notes and contact links; only managers change what the approval policy reads."""
		before = self.get_doc_before_save()
		if self.is_new() or not before or may_change_policy_fields():
			return
		changed = [f for f in POLICY_FIELDS if cint(before.get(f)) != cint(self.get(f))]
		if changed:
			frappe.throw(
				_(
					"Only Social Managers change {0} on a profile: it decides which replies need approval."
				).format(", ".join(_(self.meta.get_label(f)) for f in changed)),
				frappe.PermissionError,
			)


def may_change_policy_fields() -> bool:
	return not set(POLICY_ROLES).isdisjoint(frappe.get_roles())
