"""Large-data site for the report timings: 100,000 Social Messages and 20,000 Issues by default.

    bench --site SITE social-report-data [--messages 100000] [--issues 20000] [--days 90] [--clear]

Rows are written with bulk inserts (no controllers), marked by their channels ("Bench Data 1..4"),
spread over the last N days with a realistic day/hour profile. --clear removes them again.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta

import frappe
from frappe.utils import getdate, now_datetime

from social_support.tickets.erpnext_issue import resolved_on_field

CHANNELS = [
	("Bench Data 1", "X"),
	("Bench Data 2", "Facebook"),
	("Bench Data 3", "Instagram"),
	("Bench Data 4", "X"),
]
AGENTS = [f"bench.agent{n}@example.com" for n in range(1, 13)]
HOUR_WEIGHT = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 8, 8, 8, 7, 7, 8, 9, 9, 7, 4, 2]
WORDS = "order delivery late refund app login password broken thanks great help account invoice price size shipping tracking crash".split()


def _moment(rng, now, days):
	while True:
		day = rng.randrange(days)
		when = now - timedelta(days=day)
		if when.weekday() >= 5 and rng.random() < 0.4:
			continue  # quieter weekends
		hour = rng.choices(range(24), HOUR_WEIGHT)[0]
		return when.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)


def clear() -> None:
	names = [c for c, _p in CHANNELS]
	for dt, col in (
		("Social Message", "channel"),
		("Social Reply", "channel"),
		("Social Survey", "channel"),
		("Issue", "social_channel"),
	):
		frappe.db.sql(f"delete from `tab{dt}` where {col} in %s", (names,))
	frappe.db.commit()


def ensure_channels_and_agents() -> None:
	for name, platform in CHANNELS:
		if not frappe.db.exists("Social Channel", name):
			frappe.get_doc(
				{
					"doctype": "Social Channel",
					"channel_name": name,
					"platform": platform,
					"enabled": 0,
					"account_id": name[-1],
					"use_webhooks": 0,
					"poll_interval_minutes": 0,
				}
			).insert(ignore_permissions=True)
	for email in AGENTS:
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": email.split("@")[0],
					"send_welcome_email": 0,
					"roles": [{"role": "Social Agent"}],
				}
			).insert(ignore_permissions=True)
	frappe.db.commit()


def build(messages: int = 100_000, issues: int = 20_000, days: int = 90, seed: int = 7) -> dict:
	rng = random.Random(seed)
	clear()
	ensure_channels_and_agents()
	now = now_datetime()
	started = time.perf_counter()
	issue_rows, ticket_info = [], []
	for i in range(issues):
		channel, platform = CHANNELS[i % len(CHANNELS)]
		opened = _moment(rng, now, days)
		first = opened + timedelta(minutes=rng.expovariate(1 / 90)) if rng.random() < 0.93 else None
		if first and first > now:
			first = None
		resolved = first + timedelta(hours=rng.expovariate(1 / 10)) if first and rng.random() < 0.8 else None
		if resolved and resolved > now:
			resolved = None
		status = "Closed" if resolved else ("Replied" if first else "Open")
		agent = AGENTS[rng.randrange(len(AGENTS))]
		name = f"SBD-{i:06d}"
		sla = rng.choice(["Fulfilled", "Fulfilled", "Fulfilled", "Failed"]) if resolved else ""
		issue_rows.append(
			(
				name,
				f"Bench ticket {i}",
				status,
				opened,
				opened,
				"Administrator",
				"Administrator",
				getdate(opened),
				opened.time(),
				first,
				resolved,
				sla,
				channel,
				platform,
				json.dumps([agent]),
				opened,
				f"bench{i}@example.invalid",
				"Medium",
			)
		)
		ticket_info.append((name, channel, platform, opened, first, resolved, agent))
	frappe.db.bulk_insert(
		"Issue",
		[
			"name",
			"subject",
			"status",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"opening_date",
			"opening_time",
			"first_responded_on",
			resolved_on_field(),
			"agreement_status",
			"social_channel",
			"social_platform",
			"_assign",
			"social_last_inbound_on",
			"raised_by",
			"priority",
		],
		issue_rows,
		ignore_duplicates=True,
	)
	msg_rows, reply_rows, survey_rows = [], [], []
	sentiments, intents = (
		["positive", "neutral", "negative"],
		["complaint", "question", "praise", "spam", "other"],
	)
	for i in range(messages):
		ticket, channel, platform, opened, first, resolved, agent = (
			ticket_info[i % len(ticket_info)]
			if i < issues * 4
			else ticket_info[rng.randrange(len(ticket_info))]
		)
		inbound = rng.random() < 0.72
		posted = opened + timedelta(minutes=rng.randrange(0, 600)) if i >= issues else opened
		if posted > now:
			posted = opened
		text = " ".join(rng.choice(WORDS) for _w in range(rng.randrange(4, 12)))
		name = f"sbdm{i:07d}"
		msg_rows.append(
			(
				name,
				channel,
				platform,
				"Inbound" if inbound or i < issues else "Outbound",
				rng.choice(["Comment", "DM", "Post"]),
				"Received",
				f"b{i}",
				f"{channel}:b{i}",
				posted,
				posted,
				posted,
				"Administrator",
				"Administrator",
				text,
				rng.choice(sentiments),
				rng.choice(intents),
				int(rng.random() < 0.06),
				"en",
				"Issue",
				ticket,
				f"t:{ticket}",
			)
		)
		if i < issues and first:
			reply_rows.append(
				(
					f"sbdr{i:07d}",
					"Sent",
					"Issue",
					ticket,
					channel,
					platform,
					"Public Reply",
					name,
					"Reply",
					agent,
					int(rng.random() < 0.15),
					first,
					first - timedelta(minutes=rng.randrange(1, 10)),
					first,
					"Administrator",
					"Administrator",
					"ok",
				)
			)
			if resolved and rng.random() < 0.5:
				answered = rng.random() < 0.4
				survey_rows.append(
					(
						f"sbds{i:07d}",
						"Answered" if answered else "Sent",
						"Issue",
						ticket,
						channel,
						platform,
						agent,
						"Social Support Survey",
						"en",
						resolved,
						resolved,
						resolved,
						(rng.choice([5, 5, 4, 4, 3, 2, 1]) if answered else 0),
						json.dumps({"satisfaction": 4}) if answered else None,
						resolved if answered else None,
						"Administrator",
						"Administrator",
						resolved,
					)
				)
	frappe.db.bulk_insert(
		"Social Message",
		[
			"name",
			"channel",
			"platform",
			"direction",
			"kind",
			"status",
			"external_id",
			"message_key",
			"posted_on",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"text",
			"sentiment",
			"intent",
			"urgent",
			"language",
			"reference_doctype",
			"reference_name",
			"thread_key",
		],
		msg_rows,
		ignore_duplicates=True,
	)
	frappe.db.bulk_insert(
		"Social Reply",
		[
			"name",
			"status",
			"reference_doctype",
			"reference_name",
			"channel",
			"platform",
			"mode",
			"in_reply_to",
			"purpose",
			"author",
			"approvals_needed",
			"sent_on",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"final_text",
		],
		reply_rows,
		ignore_duplicates=True,
	)
	frappe.db.bulk_insert(
		"Social Survey",
		[
			"name",
			"status",
			"reference_doctype",
			"reference_name",
			"channel",
			"platform",
			"agent",
			"template",
			"language",
			"scheduled_for",
			"sent_on",
			"creation",
			"satisfaction",
			"answers",
			"answered_on",
			"owner",
			"modified_by",
			"modified",
		],
		survey_rows,
		ignore_duplicates=True,
	)
	frappe.db.commit()
	return {
		"issues": len(issue_rows),
		"messages": len(msg_rows),
		"replies": len(reply_rows),
		"surveys": len(survey_rows),
		"seconds": round(time.perf_counter() - started, 1),
	}
