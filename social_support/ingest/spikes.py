"""Spike alerts: inbound volume (all, or urgent only) over N times its trailing baseline.

Checked by the scheduler every minute. Social Managers (or System Managers when there are
none) get one notification when a spike starts; the spike ends when volume falls back under
the threshold, and the next one notifies again.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, flt, now_datetime

from social_support.core.notify import notify, users_of_first_staffed_role

CLUSTERS = {"all": {}, "urgent": {"urgent": 1}}
STATE_KEY = "social_support:spike:{}"


def volume(filters: dict, start, end) -> int:
	return frappe.db.count(
		"Social Message", {"direction": "Inbound", "creation": ("between", (start, end)), **filters}
	)


def measure(cluster: str, now=None) -> dict:
	s = frappe.get_cached_doc("Social Support Settings")
	window = max(cint(s.spike_window_minutes) or 60, 1)
	hours = max(cint(s.spike_baseline_hours) or 24, 1)
	now = now or now_datetime()
	start = add_to_date(now, minutes=-window)
	current = volume(CLUSTERS[cluster], start, now)
	base_start = add_to_date(start, hours=-hours)
	windows = max(hours * 60 / window, 1)
	baseline = volume(CLUSTERS[cluster], base_start, start) / windows
	threshold = max(flt(s.spike_factor) or 3, 1) * max(baseline, 1)
	return {
		"cluster": cluster,
		"current": current,
		"baseline": round(baseline, 2),
		"threshold": round(threshold, 2),
		"spike": current >= threshold and current >= (cint(s.spike_min_messages) or 20),
		"since": start,
	}


def check_spikes(now=None) -> list[dict]:
	fired = []
	for cluster in CLUSTERS:
		m = measure(cluster, now)
		key = frappe.cache.make_key(STATE_KEY.format(cluster))
		active = frappe.cache.get(key)
		if m["spike"] and not active:
			frappe.cache.set(key, "1", ex=24 * 3600)
			_notify(m)
			fired.append(m)
		elif not m["spike"] and active:
			frappe.cache.delete(key)
	return fired


def _notify(m: dict) -> None:
	what = _("urgent messages") if m["cluster"] == "urgent" else _("inbound messages")
	subject = _("Spike in {0}: {1} in the last window (baseline {2})").format(
		what, m["current"], m["baseline"]
	)
	link = "/app/social-message?direction=Inbound" + ("&urgent=1" if m["cluster"] == "urgent" else "")
	message = _(
		"Volume is {0}x its trailing average. Open the messages: {1} — select the affected ones and use "
		"Link to Incident (or Link by Keyword on an incident) to answer them together."
	).format(round(m["current"] / max(m["baseline"], 1), 1), link)
	notify(
		users_of_first_staffed_role("Social Manager", "System Manager"),
		subject,
		message,
		document_type="Social Message",
		link=link,
	)
