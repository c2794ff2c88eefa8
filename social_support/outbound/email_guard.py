"""Nothing is ever mailed to a social customer's placeholder address.

Social customers without a real email get ``...@social.invalid`` as the ticket's raised_by
(Issue and Communication validate email addresses). Any mail Frappe queues for such an
address (a notification, an auto-reply, the email composer) is dropped here, before sending.
"""

from social_support.ingest.profiles import is_placeholder

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
