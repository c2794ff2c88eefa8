"""Ticket systems behind one boundary.

Every room calls :func:`get_adapter` and speaks only the adapter's methods and names (see
``tickets/base.py``); nothing outside ``tickets/`` knows whether tickets are ERPNext Issues or (later)
Helpdesk HD Tickets. A second ticket system is one more module here implementing ``TicketAdapter``.
"""

from .base import CONTEXT_FIELDS, FIELD_NAMES, NewTicket, TicketAdapter, TicketRef
from .erpnext_issue import IssueAdapter

__all__ = [
	"CONTEXT_FIELDS",
	"FIELD_NAMES",
	"TICKET_DOCTYPE",
	"NewTicket",
	"TicketAdapter",
	"TicketRef",
	"get_adapter",
]

# The doctype whose document events hooks.py attaches the app's ticket handlers to (a survey scheduled
# on resolve, the wallboard's nudge) and whose form gets the composer. Frappe reads hooks once, so this
# names the active ticket system's doctype; the adapter module owns it.
TICKET_DOCTYPE = IssueAdapter.doctype


def get_adapter() -> TicketAdapter:
	return IssueAdapter()
