"""Ticket systems behind one boundary.

Ingestion and the rest of the app call :func:`get_adapter` and speak only the adapter's
methods; nothing else knows whether tickets are ERPNext Issues or (later) Helpdesk HD Tickets.
"""

from .base import NewTicket, TicketAdapter, TicketRef
from .erpnext_issue import IssueAdapter


def get_adapter() -> TicketAdapter:
	return IssueAdapter()
