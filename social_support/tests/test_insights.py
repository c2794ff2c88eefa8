"""Managers' view: every report's figures on constructed data with known answers, the number cards, the
wallboard endpoint and its permission, the realtime nudge, the digest, and a browser screenshot of the wallboard."""

import json
import os
import statistics
import unittest
from datetime import datetime, timedelta
from unittest.mock import patch

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from social_support.api import dashboard
from social_support.api import wallboard as wallboard_api
from social_support.insights import digest, wallboard
from social_support.tickets.erpnext_issue import resolved_on_field

from .utils import (
	CHROMIUM,
	SocialTestCase,
	card_value,
	ensure_user,
	make_channel,
	open_desk,
	serve_site,
	sync_playwright,
	uid,
)

MONDAY = datetime(2026, 1, 5)  # a fixed past week, Monday to Sunday, far from other tests' data
PERIOD = {"from_date": "2026-01-05", "to_date": "2026-01-11"}
ANA, BEN, OUTSIDER = "ana.insights@example.com", "ben.insights@example.com", "outsider.social@example.com"
WALLBOARD_SHOT = os.environ.get("SOCIAL_SUPPORT_WALLBOARD_SCREENSHOT", "/tmp/social_support_wallboard.png")


def at(day, hour, minute=0):
	return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def message(
	channel,
	posted,
	direction="Inbound",
	text="hello",
	sentiment="neutral",
	intent="other",
	urgent=0,
	ticket=None,
):
	doc = frappe.get_doc(
		{
			"doctype": "Social Message",
			"channel": channel,
			"platform": "X",
			"direction": direction,
			"kind": "Comment",
			"status": "Received" if direction == "Inbound" else "Sent",
			"external_id": uid(),
			"posted_on": posted,
			"text": text,
			"sentiment": sentiment,
			"intent": intent,
			"urgent": urgent,
			"reference_doctype": "Issue" if ticket else None,
			"reference_name": ticket,
		}
	)
	doc.message_key = f"{channel}:{doc.external_id}"
	doc.db_insert()
	return doc


def ticket(channel, opened, first=None, resolved=None, sla=None, agent=None, status=None):
	doc = frappe.get_doc(
		{
			"doctype": "Issue",
			"subject": f"Insights {uid()}",
			"raised_by": f"c{uid()}@example.invalid",
			"social_channel": channel,
			"social_platform": "X",
		}
	).insert(ignore_permissions=True)
	values = {
		"creation": opened,
		"first_responded_on": first,
		resolved_on_field(): resolved,
		"agreement_status": sla or "",
		"status": status or ("Closed" if resolved else ("Replied" if first else "Open")),
		"_assign": json.dumps([agent]) if agent else None,
	}
	frappe.db.set_value("Issue", doc.name, values, update_modified=False)
	return doc.name


def reply(channel, ticket_name, author, customer_msg, sent_on, status="Sent", approvals=0):
	doc = frappe.get_doc(
		{
			"doctype": "Social Reply",
			"reference_doctype": "Issue",
			"reference_name": ticket_name,
			"channel": channel,
			"platform": "X",
			"mode": "Public Reply",
			"in_reply_to": customer_msg,
			"purpose": "Reply",
			"status": status,
			"author": author,
			"approvals_needed": approvals,
			"sent_on": sent_on if status == "Sent" else None,
			"text": "ok",
		}
	)
	doc.db_insert()
	frappe.db.set_value(
		"Social Reply", doc.name, "creation", sent_on - timedelta(minutes=2), update_modified=False
	)
	return doc.name


def survey(channel, ticket_name, agent, rating, when):
	frappe.get_doc(
		{
			"doctype": "Social Survey",
			"reference_doctype": "Issue",
			"reference_name": ticket_name,
			"channel": channel,
			"platform": "X",
			"agent": agent,
			"template": "Social Support Survey",
			"status": "Answered",
			"scheduled_for": when,
			"sent_on": when,
			"answered_on": when,
			"satisfaction": rating,
			"answers": json.dumps({"satisfaction": rating}),
		}
	).db_insert()


def waiting_since(ticket_name, **ago):
	frappe.db.set_value(
		"Issue",
		ticket_name,
		"social_last_inbound_on",
		add_to_date(now_datetime(), **{k: -v for k, v in ago.items()}),
		update_modified=False,
	)


def rows_by(result, key):
	return {r[key]: r for r in result["result"] if isinstance(r, dict)}


class InsightsCase(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for email in (ANA, BEN):
			ensure_user(email, ["Social Agent", "Support Team"])
		ensure_user(OUTSIDER, ["Support Team"])
		settings = frappe.get_single("Social Support Settings")
		settings.update(
			{
				"business_hours_start": "08:00:00",
				"business_hours_end": "17:00:00",
				"business_days": "Mon,Tue,Wed,Thu,Fri",
				"occupancy_target": 80,
			}
		)
		settings.save(ignore_permissions=True)
		ch = make_channel("X", uid(), poll=0, webhooks=0, name="Insights " + uid())
		cls.channel = ch.name
		c = cls.channel
		# messages: Monday 10:00 x3 (in hours), Monday 22:00 x1 and Saturday 11:00 x1 (outside), 2 out on Monday
		cls.m_a = message(
			c, at(0, 10), text="my delivery is late", sentiment="negative", intent="complaint", urgent=1
		).name
		message(c, at(0, 10, 5), text="delivery never came", sentiment="negative", intent="complaint")
		message(c, at(0, 10, 10), text="love the delivery speed", sentiment="positive", intent="praise")
		cls.m_b = message(
			c, at(0, 22), text="how do I reset it?", sentiment="neutral", intent="question"
		).name
		message(c, at(5, 11), text="still broken", sentiment="negative", intent="complaint")
		message(c, at(0, 10, 30), direction="Outbound", text="sorry")
		message(c, at(0, 10, 40), direction="Outbound", text="sorry again")
		# tickets: A in hours answered in 30 min, resolved in 2 h (SLA met); B out of hours answered in 10 h,
		# resolved in 12 h (SLA failed); C in hours, never answered
		cls.a = ticket(c, at(0, 9), at(0, 9, 30), at(0, 11), "Fulfilled", ANA)
		cls.b = ticket(c, at(0, 20), at(1, 6), at(1, 8), "Failed", BEN)
		cls.c = ticket(c, at(1, 10), agent=ANA)
		# the customer messages of A and B belong to their tickets (agent and team filters follow the assignee)
		frappe.db.set_value(
			"Social Message", cls.m_a, {"reference_doctype": "Issue", "reference_name": cls.a}
		)
		frappe.db.set_value(
			"Social Message", cls.m_b, {"reference_doctype": "Issue", "reference_name": cls.b}
		)
		# replies: ana 2 sent (30 and 40 minutes after the customer wrote), one needed approval; ben 1 rejected
		reply(c, cls.a, ANA, cls.m_a, at(0, 10, 30), approvals=1)
		reply(c, cls.a, ANA, cls.m_a, at(0, 10, 40))
		reply(c, cls.b, BEN, cls.m_b, at(1, 6), status="Rejected", approvals=1)
		reply(c, cls.b, BEN, cls.m_b, at(1, 6))
		survey(c, cls.a, ANA, 5, at(1, 12))
		survey(c, cls.b, BEN, 2, at(2, 12))
		frappe.db.commit()

	def report(self, name, **filters):
		return run(name, filters={**PERIOD, "channel": self.channel, **filters}, ignore_prepared_report=True)


class TestReports(InsightsCase):
	def test_volume_per_day_and_heatmap(self):
		r = self.report("Social Volume", view="Per Day")
		days = {str(row["day"]): row for row in r["result"]}
		self.assertEqual(len(days), 7)
		self.assertEqual((days["2026-01-05"]["inbound"], days["2026-01-05"]["outbound"]), (4, 2))
		self.assertEqual((days["2026-01-10"]["inbound"], days["2026-01-06"]["inbound"]), (1, 0))
		self.assertEqual(r["chart"]["data"]["datasets"][0]["name"], self.channel)
		h = self.report("Social Volume", view="Heatmap")
		grid = rows_by(h, "day")
		self.assertEqual(
			(grid["Mon"]["h10"], grid["Mon"]["h22"], grid["Sat"]["h11"], grid["Mon"]["total"]), (3, 1, 1, 4)
		)
		self.assertIn("22", grid["Mon"]["outside"].split(","))
		self.assertNotIn("10", grid["Mon"]["outside"].split(","))
		self.assertIn("11", grid["Sat"]["outside"].split(","))  # weekends are outside business hours
		self.assertEqual(
			{s["label"]: s["value"] for s in h["report_summary"]}["Outside business hours %"], 40.0
		)

	def test_agent_and_team_filters_follow_the_tickets_assignee(self):
		days = {str(r["day"]): r for r in self.report("Social Volume", agent=BEN)["result"]}
		self.assertEqual((days["2026-01-05"]["inbound"], days["2026-01-10"]["inbound"]), (1, 0))
		team = frappe.get_doc(
			{
				"doctype": "Assignment Rule",
				"name": f"Insights Team {uid()}",
				"document_type": "Issue",
				"assign_condition": "status == 'Open'",
				"rule": "Round Robin",
				"users": [{"user": ANA}],
				"assignment_days": [{"day": "Monday"}],
			}
		).insert(ignore_permissions=True)
		mood = self.report("Social Sentiment and Topics", team=team.name)["result"]
		self.assertEqual(sum(r["total"] for r in mood), 1)  # m_a, on ticket A (ana)
		figures = {
			row["figure"]: row["value"] for row in self.report("Social Key Figures", agent=ANA)["result"]
		}
		self.assertEqual((figures["Tickets opened"], figures["Messages in"]), ("2", "1"))
		nobody = self.report("Social Volume", agent=BEN, team=team.name)["result"]
		self.assertEqual(sum(r["inbound"] for r in nobody), 0)  # ben is not in ana's team

	def test_response_times_by_channel_and_agent(self):
		r = self.report("Social Response Times")
		total = rows_by(r, "group")[self.channel]
		self.assertEqual((total["tickets"], total["handled"], total["unhandled"]), (3, 2, 1))
		self.assertEqual((total["fr_median"], total["fr_p90"]), (5.25, 9.05))
		self.assertEqual((total["res_median"], total["res_p90"]), (7.0, 11.0))
		self.assertEqual((total["sla_met"], total["sla_failed"], total["sla_met_pct"]), (1, 1, 50.0))
		self.assertEqual(total["opened_out_of_hours"], 1)
		self.assertEqual((total["fr_median_in_hours"], total["fr_median_out_of_hours"]), (0.5, 10.0))
		opened = dict(
			zip(r["chart"]["data"]["labels"], r["chart"]["data"]["datasets"][0]["values"], strict=True)
		)
		resolved = dict(
			zip(r["chart"]["data"]["labels"], r["chart"]["data"]["datasets"][1]["values"], strict=True)
		)
		self.assertEqual(
			(opened["2026-01-05"], opened["2026-01-06"], resolved["2026-01-05"], resolved["2026-01-06"]),
			(2, 1, 1, 1),
		)
		by_agent = rows_by(self.report("Social Response Times", group_by="Agent"), "group")
		self.assertEqual(
			(by_agent[ANA]["tickets"], by_agent[ANA]["fr_median"], by_agent[BEN]["fr_median"]), (2, 0.5, 10.0)
		)
		only_ben = rows_by(self.report("Social Response Times", agent=BEN), "group")
		self.assertEqual(only_ben[self.channel]["tickets"], 1)

	def test_sentiment_intent_urgency_and_top_terms(self):
		r = self.report("Social Sentiment and Topics")
		monday = next(row for row in r["result"] if str(row["period"]) == "2026-01-05")
		self.assertEqual(
			(monday["total"], monday["negative"], monday["positive"], monday["neutral"]), (4, 2, 1, 1)
		)
		self.assertEqual(
			(monday["complaint"], monday["praise"], monday["question"], monday["urgent"]), (2, 1, 1, 1)
		)
		self.assertEqual((monday["urgent_pct"], monday["negative_pct"]), (25.0, 50.0))
		self.assertIn("<b>delivery</b> (3)", r["message"])
		weekly = self.report("Social Sentiment and Topics", group_by="Week")
		self.assertEqual([row["total"] for row in weekly["result"]], [5])

	def test_agent_performance(self):
		r = rows_by(self.report("Social Agent Performance"), "agent")
		ana, ben = r[ANA], r[BEN]
		self.assertEqual((ana["replies_sent"], ana["approvals_needed"], ana["rejected"]), (2, 1, 0))
		self.assertEqual(ana["handling_median"], 0.58)  # 30 and 40 minutes
		self.assertEqual(
			(ana["first_response_median"], ana["csat"], ana["surveys_answered"]), (0.5, 100.0, 1)
		)
		self.assertEqual(
			(ben["replies_sent"], ben["approvals_needed"], ben["rejected"], ben["csat"]), (1, 1, 1, 0.0)
		)
		self.assertEqual(ben["handling_median"], 8.0)  # Monday 22:00 -> Tuesday 06:00
		team = frappe.get_doc(
			{
				"doctype": "Assignment Rule",
				"name": f"Insights Team {uid()}",
				"document_type": "Issue",
				"assign_condition": "status == 'Open'",
				"rule": "Round Robin",
				"users": [{"user": BEN}],
			}
		)
		team.append("assignment_days", {"day": "Monday"})
		team.insert(ignore_permissions=True)
		only = rows_by(self.report("Social Agent Performance", team=team.name), "agent")
		self.assertEqual(list(only), [BEN])

	def test_staffing_estimate(self):
		r = self.report("Social Staffing Estimate", handle_minutes=30, occupancy=50)
		hours = {row["hour"][:2]: row for row in r["result"]}
		self.assertAlmostEqual(hours["10"]["messages_per_hour"], round(3 / 7, 2))
		self.assertEqual((hours["10"]["agents"], hours["22"]["agents"], hours["03"]["agents"]), (1, 1, 0))
		self.assertEqual((hours["10"]["in_business_hours"], hours["22"]["in_business_hours"]), (1, 0))
		summary = {s["label"]: s["value"] for s in r["report_summary"]}
		self.assertEqual(summary["Messages per month"], round(5 / 7 * 30.4375))
		self.assertEqual(summary["Rule of thumb for this volume (agents)"], "5-10")
		self.assertEqual(summary["Agents at the peak hour"], 1)
		measured = self.report("Social Staffing Estimate")
		labels = [s["label"] for s in measured["report_summary"]]
		summary = {s["label"]: s["value"] for s in measured["report_summary"]}
		self.assertEqual(
			summary.get("Handling minutes per message (measured)"), 10.0, labels
		)  # ana: 10:30, 10:40

	def test_survey_results_and_key_figures(self):
		by_channel = rows_by(self.report("Social Survey Results"), "group")[self.channel]
		self.assertEqual((by_channel["answered"], by_channel["csat"]), (2, 50.0))
		figures = {row["figure"]: row["value"] for row in self.report("Social Key Figures")["result"]}
		self.assertEqual((figures["Messages in"], figures["Messages out"]), ("5", "2"))
		self.assertEqual((figures["Tickets opened"], figures["Tickets resolved"]), ("3", "2"))
		self.assertEqual(
			(figures["Median first response (h)"], figures["Tickets without a first response"]), ("5.25", "1")
		)


class TestCardsWallboardDigest(InsightsCase):
	def test_number_cards_count_what_they_say(self):
		waiting = ticket(self.channel, now_datetime())
		for name, expected in (
			(
				"Open Social Tickets",
				frappe.db.count(
					"Issue",
					{"social_channel": ("is", "set"), "status": ("in", ("Open", "Replied", "On Hold"))},
				),
			),
			(
				"Social Tickets Waiting for First Response",
				frappe.db.count(
					"Issue",
					{
						"social_channel": ("is", "set"),
						"status": "Open",
						"first_responded_on": ("is", "not set"),
					},
				),
			),
			(
				"Social Replies Pending Approval",
				frappe.db.count("Social Reply", {"status": "Pending Approval"}),
			),
			(
				"Social Channels Needing Reauthorization",
				frappe.db.count("Social Channel", {"enabled": 1, "needs_reauthorization": 1}),
			),
		):
			self.assertEqual(card_value(name), expected, name)
		self.assertGreaterEqual(card_value("Social Tickets Waiting for First Response"), 1)
		now = now_datetime()
		frappe.db.set_value(
			"Issue",
			waiting,
			{"first_responded_on": add_to_date(now, minutes=20), "creation": now},
			update_modified=False,
		)
		# the card is the median, in minutes, of today's first responses on social tickets
		minutes = [
			seconds / 60
			for (seconds,) in frappe.db.sql(
				"""select timestampdiff(second, coalesce(social_first_message_on, creation), first_responded_on)
				from `tabIssue`
				where ifnull(social_channel, '') != '' and first_responded_on >= %s""",
				get_datetime(getdate()),
			)
		]
		self.assertIn(20.0, minutes)
		card = dashboard.median_first_response_today()
		self.assertAlmostEqual(card["value"], statistics.median(minutes), places=1)
		self.assertEqual(card["suffix"], " min")
		for ws_card in frappe.get_doc("Workspace", "Social Support").number_cards:
			self.assertTrue(frappe.db.exists("Number Card", ws_card.number_card_name))
		for chart in frappe.get_doc("Workspace", "Social Support").charts:
			doc = frappe.get_doc("Dashboard Chart", chart.chart_name)
			result = run(doc.report_name, filters={}, ignore_prepared_report=True)
			self.assertTrue(result["chart"]["data"]["datasets"], chart.chart_name)

	def test_wallboard_data_and_permission(self):
		channel = make_channel("X", uid(), poll=0, webhooks=0, name="Wallboard " + uid()).name
		waiting = ticket(channel, add_to_date(now_datetime(), minutes=-50))
		waiting_since(waiting, minutes=30)
		old = ticket(channel, add_to_date(now_datetime(), hours=-30))
		waiting_since(old, hours=26)
		frappe.set_user(ANA)
		try:
			d = wallboard_api.get_data()
		finally:
			frappe.set_user("Administrator")
		mine = next(c for c in d["queue"]["channels"] if c["channel"] == channel)
		self.assertEqual((mine["15-60 min"], mine["over 24 h"]), (1, 1))
		self.assertEqual(mine["total"], 2)
		self.assertIn("spike", d)
		self.assertGreaterEqual(d["queue"]["oldest_wait_minutes"], 26 * 60)
		frappe.set_user(OUTSIDER)
		try:
			with self.assertRaises(frappe.PermissionError):
				wallboard_api.get_data()
		finally:
			frappe.set_user("Administrator")

	def test_realtime_nudge_is_throttled(self):
		frappe.cache.delete(frappe.cache.make_key("social_support:wallboard:nudged"))
		with patch("frappe.publish_realtime") as publish:
			wallboard.nudge()
			wallboard.nudge()
			wallboard.nudge()
		events = {c.args[0] for c in publish.call_args_list}
		users = [c.kwargs["user"] for c in publish.call_args_list]
		self.assertEqual(events, {"social_wallboard"})
		self.assertEqual(len(users), len(set(users)))  # one event per watcher, not three
		self.assertIn(ANA, users)
		self.assertNotIn(OUTSIDER, users)

	def test_digest_follows_the_setting(self):
		ensure_user("lead.insights@example.com", ["Social Manager"])
		settings = frappe.get_single("Social Support Settings")
		settings.digest_frequency = "Weekly"
		settings.save(ignore_permissions=True)
		report = frappe.get_doc("Auto Email Report", {"report": "Social Key Figures"})
		self.assertEqual(
			(report.enabled, report.frequency, report.format, report.dynamic_date_period),
			(1, "Weekly", "HTML", "Weekly"),
		)
		self.assertIn("lead.insights@example.com", report.email_to)
		html = report.get_report_content()
		self.assertIn("Messages in", html)
		self.assertIn("/app/query-report/Social Volume", html)
		settings.digest_frequency = "Off"
		settings.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Auto Email Report", report.name, "enabled"), 0)
		self.assertIsNone(digest.sync())


@unittest.skipUnless(CHROMIUM and sync_playwright, "needs Debian's chromium and the playwright package")
class TestWallboardInBrowser(InsightsCase):
	def test_wallboard_full_screen_screenshot(self):
		waiting = ticket(self.channel, add_to_date(now_datetime(), minutes=-20))
		waiting_since(waiting, minutes=20)
		frappe.db.commit()
		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser, page = open_desk(p, base, {"width": 1600, "height": 900})
			page.goto(f"{base}/app/social-wallboard/tv")
			try:
				page.wait_for_selector("[data-figure=waiting]", timeout=60_000)
				page.wait_for_selector(f"th:has-text('{self.channel}')", timeout=20_000)
			except Exception:
				page.screenshot(path=WALLBOARD_SHOT.replace(".png", "-failed.png"))
				raise
			self.assertFalse(page.locator(".navbar").is_visible())  # full screen for a TV
			waiting_count = int(page.locator("[data-figure=waiting]").inner_text())
			self.assertGreaterEqual(waiting_count, 2)
			page.screenshot(path=WALLBOARD_SHOT)
			browser.close()
		self.assertTrue(os.path.getsize(WALLBOARD_SHOT) > 10_000)
