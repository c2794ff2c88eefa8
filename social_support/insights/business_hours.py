"""The business hours set in Social Support Settings (the arithmetic is in analysis.business_time)."""

from __future__ import annotations

import frappe
from frappe.utils import get_time

from social_support.analysis.business_time import BusinessHours, parse_days


def business_hours() -> BusinessHours:
	s = frappe.get_cached_doc("Social Support Settings")
	return BusinessHours(
		start=get_time(s.business_hours_start or "08:00:00"),
		end=get_time(s.business_hours_end or "17:00:00"),
		days=parse_days(s.business_days),
	)
