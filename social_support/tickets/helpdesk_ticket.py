"""The HD Ticket class on sites with Helpdesk: an agent's reply to a social customer who has no address.

``hooks.py`` names this class for the HD Ticket (``override_doctype_class``); Frappe loads it only where
the doctype exists, so this is the one module of the app that imports Helpdesk.

Helpdesk's ``reply_via_agent`` (the agent screen's reply box) records the reply as a sent Communication
and then mails it, or fails when the site has no outgoing email account. On a social ticket whose
recipients are all placeholder addresses the reply is recorded the same way (medium Email, from the
agent, to the placeholder) and nothing is mailed: the Communication's ``after_insert`` hook turns it into
a Social Reply through the gate (policy, approval tiers, checks, sent at most once), exactly as the desk's
email composer on an ERPNext Issue. Every other reply is Helpdesk's own.
"""

from __future__ import annotations

import frappe
from frappe import _
from helpdesk.helpdesk.doctype.hd_ticket.hd_ticket import HDTicket

from social_support.core.addresses import is_placeholder


def _addresses(text: str | None) -> list[str]:
	return [r.strip() for r in (text or "").replace(";", ",").split(",") if r.strip()]


class SocialHDTicket(HDTicket):
	def answered_in_channel(self, to: str | None, cc: str | None, bcc: str | None) -> bool:
		"""A social ticket, every recipient a placeholder, no copies to real addresses."""
		recipients = _addresses(to or self.raised_by)
		return bool(
			self.get("social_channel")
			and recipients
			and all(is_placeholder(r) for r in recipients)
			and not _addresses(cc)
			and not _addresses(bcc)
		)

	@frappe.whitelist()
	def reply_via_agent(
		self,
		message: str,
		to: str | None = None,
		cc: str | None = None,
		bcc: str | None = None,
		attachments: list[str] | None = None,
	):
		if not self.answered_in_channel(to, cc, bcc):
			return super().reply_via_agent(message, to=to, cc=cc, bcc=bcc, attachments=attachments or [])
		if attachments:
			frappe.throw(
				_("Attachments are not sent to social channels: reply without them."),
				title=_("Social reply"),
			)
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_medium": "Email",
				"communication_type": "Communication",
				"content": message,
				"email_status": "Open",
				"recipients": ", ".join(_addresses(to or self.raised_by)),
				"reference_doctype": self.doctype,
				"reference_name": self.name,
				"sender": frappe.session.user,
				"sent_or_received": "Sent",
				"status": "Linked",
				"subject": f"Re: {self.subject}",
			}
		).insert(ignore_permissions=True)
