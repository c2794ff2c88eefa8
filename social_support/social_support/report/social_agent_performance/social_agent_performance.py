"""Per agent: replies sent, approvals needed and rejected, median handling and first response, CSAT."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _

from social_support.analysis.business_time import seconds_to_hours
from social_support.analysis.metrics import csat, median
from social_support.insights.columns import column
from social_support.insights.filters import period, team_agents
from social_support.outbound.constants import NOT_AGENT_REPLIES as AUTOMATED
from social_support.tickets import get_adapter


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start, end, _days = period(filters)
	replies = fetch_replies(filters, start, end)
	agents = team_agents(filters.get("team"))
	per = defaultdict(
		lambda: {"sent": 0, "approval": 0, "rejected": 0, "handling": [], "first": [], "ratings": []}
	)
	for r in replies:
		a = per[r.author]
		a["sent"] += r.status == "Sent"
		a["approval"] += (r.approvals_needed or 0) > 0
		a["rejected"] += r.status == "Rejected"
		if r.status == "Sent" and r.handling is not None:
			a["handling"].append(r.handling)
	for author, fr in first_responses(filters, start, end):
		per[author]["first"].append(fr)
	survey_where, survey_values = (
		[
			"status = 'Answered'",
			"satisfaction > 0",
			"agent is not null",
			"answered_on between %(start)s and %(end)s",
		],
		{"start": start, "end": end},
	)
	for key in ("channel", "platform"):
		if filters.get(key):
			survey_where.append(f"{key} = %({key})s")
			survey_values[key] = filters[key]
	for agent, rating in frappe.db.sql(
		f"select agent, satisfaction from `tabSocial Survey` where {' and '.join(survey_where)}",
		survey_values,
	):
		per[agent]["ratings"].append(rating)
	data = []
	for author, a in sorted(per.items(), key=lambda kv: kv[0] or ""):
		if (
			(filters.get("agent") and author != filters.agent)
			or (agents is not None and author not in agents)
			or not author
		):
			continue
		data.append(
			{
				"agent": author,
				"replies_sent": a["sent"],
				"approvals_needed": a["approval"],
				"rejected": a["rejected"],
				"handling_median": seconds_to_hours(
					median(h for h in a["handling"] if h is not None and h >= 0)
				),
				"first_response_median": seconds_to_hours(median(a["first"])),
				"surveys_answered": len(a["ratings"]),
				"csat": csat(a["ratings"]),
			}
		)
	columns = [
		column("agent", _("Agent"), "Link", 200, options="User"),
		column("replies_sent", _("Replies Sent"), "Int", 100),
		column("approvals_needed", _("Needed Approval"), "Int", 120),
		column("rejected", _("Rejected"), "Int", 90),
		column("handling_median", _("Median Handling (h)"), "Float", 140),
		column("first_response_median", _("Median First Response (h)"), "Float", 160),
		column("surveys_answered", _("Surveys Answered"), "Int", 120),
		column("csat", _("CSAT %"), "Percent", 90),
	]
	chart = {
		"data": {
			"labels": [d["agent"] for d in data],
			"datasets": [{"name": _("Replies Sent"), "values": [d["replies_sent"] for d in data]}],
		},
		"type": "bar",
	}
	return (
		columns,
		data,
		_(
			"Handling: from the customer's message to the agent's reply being sent. Automated acknowledgements and follow-ups are not counted."
		),
		chart,
	)


def fetch_replies(filters, start, end):
	where = ["r.creation between %(start)s and %(end)s", "r.purpose not in %(automated)s"]
	values = {"start": start, "end": end, "automated": AUTOMATED}
	for key in ("channel", "platform"):
		if filters.get(key):
			where.append(f"r.{key} = %({key})s")
			values[key] = filters[key]
	return frappe.db.sql(
		f"""select r.author, r.status, r.approvals_needed,
			timestampdiff(second, m.posted_on, r.sent_on) as handling
		from `tabSocial Reply` r left join `tabSocial Message` m on m.name = r.in_reply_to
		where {" and ".join(where)}""",
		values,
		as_dict=True,
	)


def first_responses(filters, start, end) -> list[tuple[str, float]]:
	"""(author of the ticket's first sent reply, seconds from the customer's first message to first response)."""
	tickets = get_adapter()
	c = tickets.columns("i")
	where = [
		"r.status = 'Sent'",
		"r.purpose not in %(automated)s",
		f"{c['opened_on']} between %(start)s and %(end)s",
		f"{c['first_responded_on']} is not null",
	]
	values = {"start": start, "end": end, "automated": AUTOMATED}
	for key in ("channel", "platform"):
		if filters.get(key):
			where.append(f"{c[key]} = %({key})s")
			values[key] = filters[key]
	rows = frappe.db.sql(
		f"""select r.reference_name, r.author,
			timestampdiff(second, {tickets.conversation_start("i")}, {c["first_responded_on"]})
		from `tabSocial Reply` r join `{tickets.table}` i on i.name = r.reference_name
		where {" and ".join(where)} order by r.sent_on asc""",
		values,
	)
	seen, out = set(), []
	for ticket, author, first_response in rows:
		if ticket in seen:
			continue
		seen.add(ticket)
		out.append((author, first_response))
	return out
