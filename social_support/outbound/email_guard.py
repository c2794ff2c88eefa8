"""Nothing is ever mailed to a social customer's placeholder address.

Social customers without a real email get ``...@social.invalid`` as the ticket's raised_by
(tickets and Communications validate email addresses). Any mail Frappe queues for such an
address (a notification, an auto-reply, the email composer) is dropped here, before sending.
"""

from social_support.core.addresses import is_placeholder
from social_support.tickets import get_adapter

REASON = "Recipient is a social placeholder address under .invalid; social customers are answered in their channel."


def drop_placeholder_recipients(doc, method=None):
	recipients = list(doc.get("recipients") or [])
	keep = [r for r in recipients if not is_placeholder(r.recipient)]
	if len(keep) == len(recipients):
		return
	doc.set("recipients", keep)
	if not keep:
		# "Error" is never picked up by the sender; the reason stays visible on the queue entry
		doc.status = "Error"
		doc.error = REASON


def written_by_a_person(doc) -> bool:
	"""A mail a person wrote in the composer: a Communication (not an Automated Message such as a
	Notification), sent during a logged-in user's web request (not by a background job or the console)."""
	import frappe

	if doc.communication_type != "Communication":
		return False
	if getattr(frappe.local, "job", None) or not getattr(frappe.local, "request", None):
		return False
	return frappe.session.user not in (None, "", "Guest")


def route_composer_reply(doc, method=None):
	"""An email written with the standard composer on a social ticket goes out as a Social Reply.

	Only for a mail a person wrote (see written_by_a_person) and only when every recipient is a
	placeholder: a contact with a real address can still be emailed on purpose. The Communication
	stays on the timeline as the reply's record; the Email Queue guard above makes sure no mail
	leaves. Automatic mail (notifications, auto-replies, jobs) on a social ticket is only dropped.
	"""
	adapter = get_adapter()
	if (
		doc.reference_doctype != adapter.doctype
		or doc.sent_or_received != "Sent"
		or doc.communication_medium != "Email"
		or not written_by_a_person(doc)
	):
		return
	t = adapter.context(doc.reference_name)
	if not t:
		return
	recipients = [r.strip() for r in (doc.recipients or "").replace(";", ",").split(",") if r.strip()]
	if not recipients or not all(is_placeholder(r) for r in recipients):
		return
	from frappe.core.utils import html2text

	from social_support.outbound.replies import create

	private = 0 if t.conversation == "Public" else 1
	create(doc.reference_name, html2text(doc.content or "").strip(), bool(private), communication=doc.name)
