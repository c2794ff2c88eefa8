import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from social_support.ingest.customers import on_profile_contact_change

# these decide whether a reply to the profile waits for approval (approve_flagged, approve_min_followers)
POLICY_FIELDS = ("flagged", "follower_count")
POLICY_ROLES = ("Social Manager", "System Manager")


class SocialProfile(Document):
	def validate(self):
		self.check_policy_fields()
		self.check_contact_link()
		if self.contact:
			# shown on the profile so agents see the account at a glance
			self.customer = frappe.db.get_value(
				"Dynamic Link",
				{"parenttype": "Contact", "parent": self.contact, "link_doctype": "Customer"},
				"link_name",
			)
		else:
			self.customer = None

	def on_update(self):
		before = self.get_doc_before_save()
		if before and (before.contact or None) != (self.contact or None):
			# through any door (the desk actions, the form, REST): the tickets follow, and it is written down
			on_profile_contact_change(self, before.contact, self.contact)

	def check_contact_link(self):
		"""Linking a profile to a Contact (any door) needs read on that Contact: no linking blind."""
		before = self.get_doc_before_save()
		if self.is_new() or not before or not self.contact or before.contact == self.contact:
			return
		frappe.has_permission("Contact", "read", self.contact, throw=True)

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
