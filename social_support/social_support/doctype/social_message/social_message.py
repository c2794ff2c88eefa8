import frappe
from frappe import _
from frappe.model.document import Document

# what the platform or an agent's audited action decides, never a client's write (REST, the form,
# imports): a comment is hidden only through the hide action, an item ignored only through "Ignore"
GUARDED = ("hidden", "liked", "inbox_status", "decided_by")


class SocialMessage(Document):
	def validate(self):
		if self.flags.social_internal:
			return
		if self.is_new():
			changed = [f for f in GUARDED if self.get(f)]
		else:
			changed = [f for f in GUARDED if self.has_value_changed(f)]
		if changed:
			frappe.throw(
				_("{0} changes only through the message's actions (Hide, Ignore, the Social Inbox).").format(
					", ".join(changed)
				),
				frappe.PermissionError,
			)
