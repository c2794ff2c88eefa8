import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils.data import cast_fieldtype

from social_support.outbound.sendable import mark_approved_by_policy

# what a person sees on a reply but never sets: the app's code moves a reply (checks, policy, audit)
LAYOUT = frozenset(("Section Break", "Column Break", "Tab Break", "HTML", "Button", "Heading"))
NUMERIC = frozenset(("Int", "Check", "Float", "Currency", "Percent"))
APPROVAL_ROW = ("tier", "approver", "approved_on", "text_hash")


class SocialReply(Document):
	"""Created and moved only by social_support.outbound (replies, approval, send), which set
	``flags.social_internal``. Client doors (REST, frappe.client, the form, imports) may read a reply
	and call its actions (approve, reject), never write its fields: not even a System Manager."""

	def before_insert(self):
		if not self.flags.social_internal:
			frappe.throw(
				_(
					"Replies are written from the ticket (Reply, Move to DM, Answer All), not created directly."
				),
				frappe.PermissionError,
			)
		mark_approved_by_policy(self)

	def validate(self):
		if self.flags.social_internal or self.is_new():
			return
		changed = self.client_changes()
		if changed:
			frappe.throw(
				_(
					"A reply changes only through its actions (approve, reject, send): {0} cannot be set here."
				).format(", ".join(changed)),
				frappe.PermissionError,
			)

	def client_changes(self) -> list[str]:
		"""Fields this save would change compared with the stored reply."""
		before = self.get_doc_before_save()
		if not before:
			return []
		changed = []
		for df in self.meta.fields:
			if df.fieldtype in LAYOUT:
				continue
			if df.fieldtype == "Table":
				if _rows(before.get(df.fieldname)) != _rows(self.get(df.fieldname)):
					changed.append(df.fieldname)
			elif _value(before, df) != _value(self, df):
				changed.append(df.fieldname)
		return changed

	def on_trash(self):
		if self.status == "Sending" and not self.flags.social_internal:
			frappe.throw(_("The reply is being sent; wait until it is Sent or Failed."))


def _value(doc, df):
	value = doc.get(df.fieldname)
	if df.fieldtype in NUMERIC:
		return cast_fieldtype(df.fieldtype, value, show_warning=False)
	if value in (None, ""):
		return None
	return cast_fieldtype(df.fieldtype, value, show_warning=False)


def _rows(rows) -> list[tuple]:
	return [tuple(str(r.get(f) or "") for f in APPROVAL_ROW) for r in rows or []]
