"""Number card methods for the Social Support workspace (read-only figures; Social Agents and Managers)."""

from __future__ import annotations

import frappe

from social_support.insights import cards
from social_support.tickets import get_adapter


def _check():
	frappe.has_permission("Social Survey", "read", throw=True)


@frappe.whitelist()
def csat_30_days(filters: str | dict | None = None) -> dict:
	_check()
	return {"value": round(cards.csat_since(30) or 0, 1), "fieldtype": "Percent"}


@frappe.whitelist()
def survey_response_rate_30_days(filters: str | dict | None = None) -> dict:
	_check()
	return {"value": round(cards.survey_response_rate_since(30) or 0, 1), "fieldtype": "Percent"}


@frappe.whitelist()
def median_first_response_today(filters: str | dict | None = None) -> dict:
	_check()
	hours = cards.median_first_response_today_hours()
	return {"value": round((hours or 0) * 60, 1), "fieldtype": "Float", "suffix": " min"}


# the ticket cards count the active ticket system's social tickets (ERPNext Issue or HD Ticket)
@frappe.whitelist()
def open_tickets(filters: str | dict | None = None) -> dict:
	get_adapter().has_permission("read", throw=True)
	return {"value": cards.open_tickets(), "fieldtype": "Int"}


@frappe.whitelist()
def waiting_for_first_response(filters: str | dict | None = None) -> dict:
	get_adapter().has_permission("read", throw=True)
	return {"value": cards.waiting_for_first_response(), "fieldtype": "Int"}
