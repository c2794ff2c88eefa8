"""The wallboard's figures, and the realtime nudge that tells open wallboards to refresh.

Wallboards do not poll each other into a storm: the server publishes one `social_wallboard`
event at most every THROTTLE_SECONDS when tickets or messages change, and each open board
fetches the figures once on that event (plus a slow one-minute refresh so the ages move).
"""

from __future__ import annotations

import frappe
from frappe.utils import now_datetime

from social_support.ingest import spikes
from social_support.tickets import get_adapter

from . import cards

EVENT = "social_wallboard"
ROOM_ROLE = ("Social Agent", "Social Manager", "System Manager")
THROTTLE_SECONDS = 5


def data() -> dict:
	spike = spikes.measure("all")
	fr = cards.median_first_response_today_hours()
	today_csat = cards.csat_today()
	return {
		"at": str(now_datetime()),
		"queue": cards.queue(),
		"first_response_today_minutes": None if fr is None else round(fr * 60, 1),
		"csat_today": None if today_csat is None else round(today_csat, 1),
		"pending_approval": cards.pending_approval(),
		"spike": {"active": bool(spike["spike"]), "current": spike["current"], "baseline": spike["baseline"]},
	}


def nudge(doc=None, method=None) -> None:
	"""Doc event hook (the ticket doctype, Social Message): one realtime event per THROTTLE_SECONDS at most."""
	tickets = get_adapter()
	# a ticket (of whichever system) that is not a social ticket of the active system changes nothing here
	if doc is not None and doc.doctype != "Social Message" and not tickets.context_of_doc(doc):
		return
	key = frappe.cache.make_key("social_support:wallboard:nudged")
	if not frappe.cache.set(key, "1", ex=THROTTLE_SECONDS, nx=True):
		return
	for user in _watchers():
		frappe.publish_realtime(EVENT, {"at": str(now_datetime())}, user=user, after_commit=True)


def _watchers() -> list[str]:
	return frappe.get_all(
		"Has Role",
		filters={"role": ("in", ROOM_ROLE), "parenttype": "User", "parent": ("not in", ("Guest",))},
		pluck="parent",
		distinct=True,
	)
