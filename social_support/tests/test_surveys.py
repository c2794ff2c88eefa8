"""Surveys: scheduling, reopen cancels, one per ticket, each delivery path against the sandbox, the guest page,
submit validation and rate limit, a rating answered in the channel, follow-ups, and the results report."""

import json
import os
import re
import time
import unittest
from urllib.parse import urlencode

import frappe
from frappe.utils import add_days, add_to_date, now_datetime

from social_support.api import dashboard
from social_support.ingest.poll import poll_channel
from social_support.outbound import follow_ups
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key
from social_support.social_support.report.social_survey_results import social_survey_results as report
from social_support.surveys import defaults, sending

from .utils import (
	CHROMIUM,
	ReplyCase,
	make_channel,
	request,
	resolve,
	serve_site,
	set_policy,
	set_survey_settings,
	sync_playwright,
	uid,
)

TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")
SURVEY_SHOT = os.environ.get("SOCIAL_SUPPORT_SURVEY_SCREENSHOT", "/tmp/social_support_survey.png")
BROWSER_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
]


def ensure_outgoing_email():
	if not frappe.db.exists(
		"Email Account", {"default_outgoing": 1, "enable_outgoing": 1}
	) and not frappe.db.exists("Email Account", "Survey Test Outgoing"):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "Survey Test Outgoing",
				"email_id": "social-surveys@example.com",
				"smtp_server": "localhost",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"no_smtp_authentication": 1,
				"awaiting_password": 0,
			}
		).insert(ignore_permissions=True)


def survey_of(ticket):
	return frappe.get_doc("Social Survey", {"reference_name": ticket})


class SurveyCase(ReplyCase):
	def setUp(self):
		super().setUp()
		set_survey_settings()

	def x_dm_ticket(self, text="my account is locked"):
		channel = make_channel(
			"X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Survey XDM " + uid()
		)
		customer = uid("3")
		self.sandbox.x.add_user(customer, "dora", "Dora DM")
		self.sandbox.x.send_dm_to("99", customer, text)
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(customer)}
		)
		return channel, ticket, customer

	def messenger_ticket(self, days_ago=0, text="Where is my order?"):
		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Survey FB " + uid()
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		self.sandbox.graph.message("1001", fan, text, at=time.time() - days_ago * 86400)
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(fan)}
		)
		return channel, ticket, fan

	def sent_survey(self, language_text="@brand my order 5512 is late"):
		"""An X mention ticket, resolved, with its survey DM'd: (ticket, token)."""
		_channel, ticket, _tweet = self.x_ticket(language_text)
		resolve(ticket)
		sending.send_due()
		dm = self.sandbox.x.sent_dms()[-1]
		return ticket, TOKEN.search(dm["text"]).group(1)

	def submit(self, token, answers, ip="10.9.8.7"):
		body = urlencode(
			{"token": token, "answers": answers if isinstance(answers, str) else json.dumps(answers)}
		).encode()
		return request(
			"POST",
			"/api/method/social_support.api.survey.submit",
			data=body,
			headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": ip},
		)


class TestSurveyLifecycle(SurveyCase):
	def test_resolving_schedules_once_with_the_delay_and_reopening_cancels(self):
		set_survey_settings(survey_delay_minutes=60)
		_channel, ticket, _tweet = self.x_ticket()
		resolve(ticket)
		survey = survey_of(ticket)
		self.assertEqual(survey.status, "Scheduled")
		minutes = (survey.scheduled_for - now_datetime()).total_seconds() / 60
		self.assertTrue(58 < minutes <= 60, minutes)
		self.assertEqual(sending.send_due(), [])  # not due yet
		sending.send_due(now=add_to_date(now_datetime(), minutes=61))
		self.assertEqual(survey_of(ticket).status, "Sent")

		_channel, other, _tweet = self.x_ticket()
		resolve(other)
		resolve(other, "Open")  # the customer came back before the survey went out
		resolve(other, "Closed")
		self.assertEqual(frappe.db.count("Social Survey", {"reference_name": other}), 1)  # one per ticket
		resolve(other, "Open")
		sending.send_due(now=add_to_date(now_datetime(), minutes=61))
		s = survey_of(other)
		self.assertEqual(s.status, "Skipped")
		self.assertIn("reopened", s.skip_reason)

	def test_x_mention_gets_a_dm_in_the_customers_language_and_is_not_a_first_response(self):
		ticket, token = self.sent_survey(
			"@brand meine Bestellung 5512 ist immer noch nicht da, bitte helfen Sie mir"
		)
		issue = frappe.get_doc("Issue", ticket)
		self.assertEqual(issue.social_language, "de")
		s = survey_of(ticket)
		self.assertEqual((s.status, s.delivery, s.language), ("Sent", "Direct Message", "de"))
		dm = self.sandbox.x.sent_dms()[-1]
		self.assertEqual(
			dm["_recipient"], frappe.db.get_value("Social Profile", issue.social_profile, "user_id")
		)
		self.assertIn("Wie war unser Service?", dm["text"])
		self.assertEqual(len(token), 43)  # 32 random bytes, url-safe base64
		self.assertNotEqual(s.token_hash, token)
		self.assertNotIn(token, json.dumps(frappe.get_doc("Social Survey", s.name).as_dict(), default=str))
		self.assertFalse(issue.first_responded_on)  # surveys are not agent replies
		self.assertEqual(
			frappe.db.count("Communication", {"reference_name": ticket, "sent_or_received": "Sent"}), 0
		)

	def test_the_contacts_preferred_language_wins_over_the_detected_one(self):
		_channel, ticket, _tweet = self.x_ticket("@brand my order 5512 is late")
		contact = frappe.db.get_value("Issue", ticket, "contact")
		frappe.db.set_value("Contact", contact, "social_language", "pl")
		resolve(ticket)
		self.assertEqual(survey_of(ticket).language, "pl")
		sending.send_due()
		self.assertIn("Jak nam poszło?", self.sandbox.x.sent_dms()[-1]["text"])
		self.assertEqual(defaults.supported_language("nn-NO"), "nb")
		self.assertEqual(defaults.supported_language("zh_TW"), "zh")
		self.assertIsNone(defaults.supported_language("fr"))

	def test_a_dm_that_fails_for_a_passing_reason_is_tried_again_later(self):
		_channel, ticket, _tweet = self.x_ticket()
		resolve(ticket)
		self.sandbox.inject("server_error", path=r"/dm_conversations/with/", method="POST", status=503)
		sending.send_due()
		s = survey_of(ticket)
		self.assertEqual((s.status, s.attempts), ("Scheduled", 1))
		self.assertEqual(self.sandbox.x.sent_dms(), [])
		sending.send_due()  # not due yet: two minutes later
		self.assertEqual(survey_of(ticket).attempts, 1)
		sending.send_due(now=add_to_date(now_datetime(), minutes=3))
		s = survey_of(ticket)
		self.assertEqual((s.status, s.delivery, s.attempts), ("Sent", "Direct Message", 1))
		self.assertFalse(s.skip_reason)
		self.assertEqual(len(self.sandbox.x.sent_dms()), 1)

	def test_messenger_inside_the_window_is_a_dm_outside_it_falls_back_to_email_or_skips(self):
		_channel, ticket, fan = self.messenger_ticket()
		resolve(ticket)
		sending.send_due()
		self.assertEqual(survey_of(ticket).delivery, "Direct Message")
		sent = self.sandbox.graph.sent[-1]["params"]
		self.assertEqual((json.loads(sent["recipient"]), sent["messaging_type"]), ({"id": fan}, "RESPONSE"))

		_channel, late, _fan = self.messenger_ticket(days_ago=2)
		resolve(late)
		sending.send_due()
		s = survey_of(late)
		self.assertEqual(s.status, "Skipped")
		self.assertIn("24-hour", s.skip_reason)

		_channel, emailable, _fan = self.messenger_ticket(days_ago=2)
		contact = frappe.db.get_value("Issue", emailable, "contact")
		address = f"fiona.{uid()}@example.com"
		frappe.get_doc("Contact", contact).add_email(address, is_primary=1, autosave=True)
		frappe.db.set_value("Contact", contact, "email_id", address)
		ensure_outgoing_email()
		resolve(emailable)
		sending.send_due()
		s = survey_of(emailable)
		self.assertEqual((s.status, s.delivery), ("Sent", "Email"))
		mail = frappe.get_last_doc("Email Queue", filters={"reference_name": emailable})
		self.assertIn(address, [r.recipient for r in mail.recipients])
		self.assertTrue(TOKEN.search(mail.message))

	def test_facebook_comment_uses_the_public_link_only_when_enabled(self):
		g = self.sandbox.graph
		channel = make_channel(
			"Facebook", "1001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Survey FBc " + uid()
		)
		fan = uid("4")
		g.add_user(fan, "Fiona Fan")
		comments = [
			g.comment(g.page_post("1001", f"Post {n}")["id"], fan, f"my order 88{n} is wrong") for n in (1, 2)
		]
		poll_channel(channel.name)
		off, on = (
			frappe.db.get_value(
				"Social Message", {"message_key": f"{channel.name}:{c['id']}"}, "reference_name"
			)
			for c in comments
		)
		self.assertNotEqual(off, on)  # one ticket per post thread
		resolve(off)
		sending.send_due()
		s = survey_of(off)
		self.assertEqual(s.status, "Skipped")
		self.assertIn("public link not enabled", s.skip_reason)

		set_survey_settings(survey_public_fallback=1)
		sent_before = len(g.sent)
		resolve(on)
		sending.send_due()
		s = survey_of(on)
		self.assertEqual((s.status, s.delivery), ("Sent", "Public Reply"), s.skip_reason)
		self.assertEqual(g.sent[-1]["edge"], "comments")
		self.assertEqual(len(g.sent), sent_before + 1)
		self.assertTrue(TOKEN.search(g.sent[-1]["params"]["message"]))


class TestSurveyPage(SurveyCase):
	def test_page_renders_for_guests_in_the_customers_language(self):
		_ticket, token = self.sent_survey(
			"@brand meine Bestellung 5512 ist immer noch nicht da, bitte helfen Sie mir"
		)
		r = request("GET", "/social-survey", query={"token": token})
		html = r.get_data(as_text=True)
		self.assertEqual(r.status_code, 200, html[:500])
		self.assertIn('<html lang="de">', html)
		self.assertIn("Wie zufrieden sind Sie mit der Hilfe, die Sie bekommen haben?", html)
		for key in ("satisfaction", "timeliness", "agent_ability", "use_social_again", "improve", "networks"):
			self.assertIn(f'data-key="{key}"', html)
		self.assertIn("<legend>", html)  # each question is a labelled group
		self.assertEqual(r.headers.get("Cache-Control"), "no-store, max-age=0")  # the URL holds a secret
		self.assertEqual(r.headers.get("Referrer-Policy"), "no-referrer")
		self.assertNotIn("Traceback", html)

	def test_submit_records_answers_then_the_link_is_used(self):
		ticket, token = self.sent_survey()
		answers = {
			"satisfaction": 4,
			"timeliness": 5,
			"agent_ability": 4,
			"use_social_again": 3,
			"improve": "faster <b>please</b>",
			"networks": ["X", "Instagram"],
		}
		r = self.submit(token, answers)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True))
		self.assertEqual(r.json["message"]["status"], "Answered")
		self.assertEqual(r.headers.get("Cache-Control"), "no-store, max-age=0")
		s = survey_of(ticket)
		self.assertEqual((s.status, s.satisfaction), ("Answered", 4))
		self.assertEqual(json.loads(s.answers)["networks"], ["X", "Instagram"])
		self.assertEqual(json.loads(s.answers)["improve"], "faster please")  # markup from outside dropped
		self.assertEqual(frappe.db.get_value("Issue", ticket, "social_satisfaction"), 4)
		again = self.submit(token, answers)
		self.assertEqual(again.status_code, 410)
		page = request("GET", "/social-survey", query={"token": token})
		self.assertEqual(page.status_code, 410)
		self.assertIn("already been answered", page.get_data(as_text=True))

	def test_unknown_and_expired_tokens_get_a_clear_page(self):
		r = request(
			"GET", "/social-survey", query={"token": "nope"}, headers={"Accept-Language": "sv-SE,sv;q=0.9"}
		)
		self.assertEqual(r.status_code, 404)
		self.assertIn("Länken till enkäten är inte giltig.", r.get_data(as_text=True))
		self.assertEqual(request("GET", "/social-survey").status_code, 404)
		ticket, token = self.sent_survey()
		frappe.db.set_value(
			"Social Survey", survey_of(ticket).name, "expires_on", add_days(now_datetime(), -1)
		)
		frappe.db.commit()
		r = request("GET", "/social-survey", query={"token": token})
		self.assertEqual(r.status_code, 410)
		self.assertIn("This survey has expired.", r.get_data(as_text=True))
		self.assertEqual(self.submit(token, {"satisfaction": 5}).status_code, 410)
		sending.expire()
		self.assertEqual(survey_of(ticket).status, "Expired")

	def test_bad_answers_are_refused_clearly_and_submissions_are_rate_limited(self):
		ticket, token = self.sent_survey()
		ip = f"10.{int(uid()[:3]) % 250}.{int(uid()[:3]) % 250}.1"
		cases = [
			({"satisfaction": 7}, "satisfaction must be a whole number from 1 to 5"),
			({"satisfaction": 4, "mood": "ok"}, "unknown question(s): mood"),
			({"timeliness": 4}, "satisfaction is required"),
			({"satisfaction": 4, "networks": ["MySpace"]}, "MySpace is not one of the options"),
			("{not json", "answers must be JSON"),
		]
		for answers, expected in cases:
			r = self.submit(token, answers, ip=ip)
			self.assertEqual(r.status_code, 417, (answers, r.get_data(as_text=True)))
			self.assertIn(expected, r.get_data(as_text=True))
			self.assertNotIn("Traceback", json.loads(r.json.get("_server_messages", "[]"))[0])
		self.assertEqual(survey_of(ticket).status, "Sent")
		codes = [self.submit("unknown-token", {"satisfaction": 5}, ip=ip).status_code for _ in range(6)]
		self.assertEqual(codes[:5], [404] * 5)
		self.assertEqual(codes[5], 429)  # 11th request from that address within ten minutes
		self.assertEqual(self.submit(token, {"satisfaction": 5}, ip=ip).status_code, 429)
		self.assertEqual(self.submit(token, {"satisfaction": 5}, ip="10.250.0.9").status_code, 200)


class TestRatingInChannel(SurveyCase):
	def test_a_bare_rating_in_the_dm_is_recorded_without_reopening(self):
		channel, ticket, customer = self.x_dm_ticket()
		resolve(ticket)
		sending.send_due()
		self.assertEqual(survey_of(ticket).delivery, "Direct Message")
		issues_before = frappe.db.count("Issue", {"social_channel": channel.name})
		self.sandbox.x.send_dm_to("99", customer, "⭐⭐⭐⭐")
		poll_channel(channel.name)
		s = survey_of(ticket)
		self.assertEqual((s.status, s.satisfaction, s.answered_in_channel), ("Answered", 4, 1))
		issue = frappe.get_doc("Issue", ticket)
		self.assertEqual((issue.status, issue.social_satisfaction), ("Resolved", 4))
		self.assertEqual(frappe.db.count("Issue", {"social_channel": channel.name}), issues_before)
		# anything else the customer writes afterwards is a message again
		self.sandbox.x.send_dm_to("99", customer, "one more thing: the app crashes")
		poll_channel(channel.name)
		self.assertEqual(frappe.db.get_value("Issue", ticket, "status"), "Open")


class TestFollowUps(SurveyCase):
	def test_one_follow_up_per_wait_counted_from_the_last_message_either_way(self):
		set_survey_settings(followup_public=1)  # public threads get follow-ups only when a manager says so
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as("agent.social@example.com", ticket, "Can you send us your order number in a DM?")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(frappe.db.get_value("Issue", ticket, "status"), "Replied")

		def due():
			return [
				n
				for n in follow_ups.follow_up_due()
				if frappe.db.get_value("Social Reply", n, "reference_name") == ticket
			]

		def backdate_replies(hours):
			for name in frappe.get_all("Social Reply", filters={"reference_name": ticket}, pluck="name"):
				when = add_to_date(now_datetime(), hours=-hours)
				frappe.db.set_value(
					"Social Reply", name, {"sent_on": when, "creation": when}, update_modified=False
				)

		self.assertEqual(due(), [])
		frappe.db.set_value("Issue", ticket, "social_last_inbound_on", add_to_date(now_datetime(), hours=-40))
		self.assertEqual(due(), [])  # the customer wrote 40 h ago, but our answer is fresh
		backdate_replies(37)
		followups = due()
		self.assertEqual(len(followups), 1)
		reply = frappe.get_doc("Social Reply", followups[0])
		self.assertEqual((reply.purpose, reply.status), ("Follow-up", "Approved"))
		self.assertEqual(send_reply(reply.name), "Sent")
		self.assertIn("just checking in", self.sandbox.x.sent_tweets()[-1]["text"])
		self.assertTrue(self.sandbox.x.sent_tweets()[-1]["text"].startswith("@carla "))
		# signed like the agent's own replies, by the agent the customer talked to (Sam Berg)
		self.assertTrue(self.sandbox.x.sent_tweets()[-1]["text"].endswith(" ^SB"))
		self.assertTrue(frappe.db.get_value("Issue", ticket, "social_followup_sent_on"))
		self.assertIn(
			"Follow-up",
			" ".join(frappe.get_all("Comment", filters={"reference_name": ticket}, pluck="content")),
		)
		backdate_replies(37)
		self.assertEqual(due(), [])  # one per wait
		# the customer answered later, we replied, and they went quiet again: a new wait, a new follow-up
		frappe.db.set_value(
			"Issue",
			ticket,
			{
				"social_followup_sent_on": add_to_date(now_datetime(), hours=-60),
				"social_last_inbound_on": add_to_date(now_datetime(), hours=-50),
			},
		)
		backdate_replies(49)
		self.assertEqual(len(due()), 1)

	def test_follow_up_outside_the_messenger_window_is_not_sent(self):
		_channel, ticket, _fan = self.messenger_ticket(days_ago=9)
		frappe.db.set_value("Issue", ticket, "status", "Replied")
		follow_ups.follow_up_due()
		self.assertEqual(
			frappe.db.count("Social Reply", {"reference_name": ticket, "purpose": "Follow-up"}), 0
		)
		self.assertIn(
			"No follow-up sent",
			" ".join(frappe.get_all("Comment", filters={"reference_name": ticket}, pluck="content")),
		)


class TestSurveyReport(SurveyCase):
	def test_figures_by_channel_and_the_number_cards(self):
		set_policy()
		channels = [
			make_channel(
				"X", "99", base_url=self.sandbox.url, poll=0, webhooks=0, name=f"Report {n} {uid()}"
			).name
			for n in "AB"
		]
		rows = [  # channel, status, answers
			(0, "Answered", {"satisfaction": 5, "timeliness": 4}),
			(0, "Answered", {"satisfaction": 4, "timeliness": 2}),
			(0, "Answered", {"satisfaction": 2, "timeliness": 1}),
			(0, "Sent", None),
			(0, "Skipped", None),
			(1, "Answered", {"satisfaction": 1}),
			(1, "Expired", None),
		]
		for ch, status, answers in rows:
			frappe.get_doc(
				{
					"doctype": "Social Survey",
					"reference_doctype": "Issue",
					"reference_name": f"R-{uid()}",
					"channel": channels[ch],
					"platform": "X",
					"template": "Social Support Survey",
					"status": status,
					"scheduled_for": now_datetime(),
					"sent_on": now_datetime() if status != "Skipped" else None,
					"answered_on": now_datetime() if answers else None,
					"answers": json.dumps(answers) if answers else None,
					"satisfaction": (answers or {}).get("satisfaction"),
				}
			).db_insert()
		columns, data, _msg, chart = report.execute(
			{"group_by": "Channel", "from_date": add_days(now_datetime(), -1), "to_date": now_datetime()}
		)
		by = {d["group"]: d for d in data}
		a, b = by[channels[0]], by[channels[1]]
		self.assertEqual((a["sent"], a["answered"], a["skipped"]), (4, 3, 1))
		self.assertAlmostEqual(a["response_rate"], 75.0)
		self.assertAlmostEqual(a["csat"], 200 / 3)
		self.assertAlmostEqual(a["mean_satisfaction"], 11 / 3)
		self.assertAlmostEqual(a["mean_timeliness"], 7 / 3)
		self.assertEqual((b["sent"], b["answered"], b["csat"], b["response_rate"]), (2, 1, 0.0, 50.0))
		self.assertIn("csat", [c["fieldname"] for c in columns])
		self.assertEqual(chart["type"], "bar")
		weekly = report.execute(
			{
				"group_by": "Week",
				"channel": channels[0],
				"from_date": add_days(now_datetime(), -1),
				"to_date": now_datetime(),
			}
		)[1]
		self.assertEqual(weekly[0]["answered"], 3)
		# the number card agrees with the share of 4-5 among all answers of the last 30 days
		answered = frappe.get_all(
			"Social Survey",
			filters={"status": "Answered", "answered_on": (">=", add_days(now_datetime(), -30))},
			pluck="satisfaction",
		)
		expected = round(100 * sum(1 for r in answered if r and r >= 4) / len([r for r in answered if r]), 1)
		self.assertEqual(dashboard.csat_30_days(), {"value": expected, "fieldtype": "Percent"})
		frappe.set_user("outsider.social@example.com")
		with self.assertRaises(frappe.PermissionError):
			dashboard.csat_30_days()
		frappe.set_user("Administrator")


@unittest.skipUnless(CHROMIUM and sync_playwright, "needs Debian's chromium and the playwright package")
class TestSurveyPageInBrowser(SurveyCase):
	def test_answer_on_a_phone_with_the_keyboard_only(self):
		ticket, token = self.sent_survey("@brand min beställning 5512 har inte kommit, hjälp mig snälla")
		frappe.db.commit()
		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
			page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
			page.goto(f"{base}/social-survey?token={token}")
			self.assertEqual(page.locator("html").get_attribute("lang"), "sv")
			self.assertEqual(page.locator("h1").inner_text(), "Hur gick det?")
			# nothing wider than the phone
			self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
			# every control has an accessible name; every question is a named group
			self.assertEqual(page.get_by_role("radio").count(), 4 * 5)
			self.assertEqual(page.get_by_role("group").count(), 6)
			page.keyboard.press("Tab")  # first 1-5 rating
			page.keyboard.press("Space")  # 1
			for _ in range(3):
				page.keyboard.press("ArrowRight")  # 4
			page.keyboard.press("Tab")  # next question
			page.keyboard.press("Space")
			page.keyboard.press("ArrowRight")  # 2
			page.locator("textarea").fill("Snabbare svar på helger")
			page.get_by_role("checkbox", name="Instagram").check()
			page.screenshot(path=SURVEY_SHOT)
			page.get_by_role("button", name="Skicka").focus()
			page.keyboard.press("Enter")
			page.wait_for_selector("#thanks", timeout=20_000)
			self.assertIn("Tack!", page.locator("#thanks").inner_text())
			browser.close()
		frappe.db.commit()
		s = survey_of(ticket)
		self.assertEqual((s.status, s.satisfaction), ("Answered", 4))
		self.assertEqual(
			json.loads(s.answers),
			{
				"satisfaction": 4,
				"timeliness": 2,
				"improve": "Snabbare svar på helger",
				"networks": ["Instagram"],
			},
		)

	def test_required_question_is_pointed_out_before_sending(self):
		_ticket, token = self.sent_survey()
		frappe.db.commit()
		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
			page = browser.new_page(viewport={"width": 390, "height": 844})
			page.goto(f"{base}/social-survey?token={token}")
			page.get_by_role("button", name="Send").click()
			self.assertEqual(page.get_by_role("alert").inner_text(), "Please check your answers.")
			focused = page.evaluate("document.activeElement.name")
			self.assertEqual(focused, "satisfaction")  # focus goes to the missing answer
			browser.close()
