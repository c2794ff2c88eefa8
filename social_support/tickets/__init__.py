"""Ticket systems behind one boundary.

Every room calls :func:`get_adapter` and speaks only the adapter's methods and names (see
``tickets/base.py``); nothing outside ``tickets/`` knows whether tickets are ERPNext Issues or Frappe
Helpdesk HD Tickets. Which one is active is Social Support Settings' "Ticket System" (ERPNext Issue by
default; Frappe Helpdesk only where the ``helpdesk`` app is installed).
"""

import frappe

from . import helpdesk
from .base import CONTEXT_FIELDS, FIELD_NAMES, NewTicket, TicketAdapter, TicketRef
from .erpnext_issue import IssueAdapter
from .helpdesk import HDTicketAdapter

__all__ = [
	"CONTEXT_FIELDS",
	"FIELD_NAMES",
	"HELPDESK_TICKET_CLASS",
	"SYSTEMS",
	"TICKET_DOCTYPE",
	"TICKET_DOCTYPES",
	"NewTicket",
	"TicketAdapter",
	"TicketRef",
	"available_adapters",
	"boot_session",
	"get_adapter",
	"helpdesk_installed",
	"validate_system",
]

ERPNEXT = "ERPNext Issue"
HELPDESK = "Frappe Helpdesk"
# the "Ticket System" setting's values -> adapter classes
SYSTEMS = {ERPNEXT: IssueAdapter, HELPDESK: HDTicketAdapter}

# The doctypes whose document events hooks.py attaches the app's ticket handlers to (a survey scheduled
# on resolve, the wallboard's nudge): every ticket system's, since Frappe reads hooks once and the setting
# can change; each handler asks the active adapter, which ignores the other system's tickets.
TICKET_DOCTYPES = tuple(cls.doctype for cls in SYSTEMS.values())
# the ERPNext Issue: its desk form gets the composer (Helpdesk has its own agent screen)
TICKET_DOCTYPE = IssueAdapter.doctype
# Helpdesk's HD Ticket class with the app's reply path (hooks.py: override_doctype_class)
HELPDESK_TICKET_CLASS = {HDTicketAdapter.doctype: "social_support.tickets.helpdesk_ticket.SocialHDTicket"}


def helpdesk_installed() -> bool:
	return helpdesk.installed()


def validate_system(system: str | None) -> None:
	"""The settings' check: a known system, and Frappe Helpdesk only where it is installed."""
	if (system or ERPNEXT) not in SYSTEMS:
		frappe.throw(frappe._("Unknown ticket system: {0}").format(frappe.utils.escape_html(system)))
	if system == HELPDESK and not helpdesk_installed():
		frappe.throw(
			frappe._("Frappe Helpdesk is not installed on this site: install the helpdesk app first."),
			title=frappe._("Ticket System"),
		)


def get_adapter() -> TicketAdapter:
	"""The active ticket system's adapter (ERPNext Issue when the setting names one not installed)."""
	system = frappe.get_cached_value("Social Support Settings", "Social Support Settings", "ticket_system")
	if system == HELPDESK and helpdesk_installed():
		return HDTicketAdapter()
	return IssueAdapter()


def available_adapters() -> list[TicketAdapter]:
	"""Every ticket system installed on this site (custom fields and indexes are made for each)."""
	return [IssueAdapter()] + ([HDTicketAdapter()] if helpdesk_installed() else [])


def boot_session(bootinfo) -> None:
	"""The desk's scripts open the active system's tickets (``frappe.boot.social_support_ticket_doctype``)."""
	bootinfo.social_support_ticket_doctype = get_adapter().doctype
