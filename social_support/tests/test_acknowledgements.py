"""Acknowledgements tell the truth: support days and holidays (the settings' Holiday List, or the
channel's Service Level Agreement), the next opening out of hours, and {wait} from the live queue."""

from datetime import timedelta

import frappe
from frappe.utils import add_to_date, now_datetime

from social_support.ingest.poll import poll_channel
from social_support.outbound import ack

from .utils import AGENT, ReplyCase, make_channel, uid

PAGE = "1001"
ALL_DAY = {"support_hours_start": "00:00:00", "support_hours_end": "23:59:59"}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class TestAcknowledgements(ReplyCase):
	def channel(self, **extra):
		return make_channel(
			"Facebook",
			PAGE,
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name="Ack FB " + uid(),
			auto_acknowledge=1,
			**extra,
		)

	def comment(self, channel, text="my order 881 arrived broken"):
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		post = self.sandbox.graph.page_post(PAGE, "Autumn sale")
		c = self.sandbox.graph.comment(post["id"], fan, text)
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{c['id']}"}, "reference_name"
		)
		text = frappe.db.get_value(
			"Social Reply", {"reference_name": ticket, "purpose": "Acknowledgement"}, "final_text"
		)
		return ticket, text

	def holiday_list(self, *dates):
		today = now_datetime().date()
		doc = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": "Social Test Holidays " + uid(),
				"from_date": add_to_date(today, days=-30),
				"to_date": add_to_date(today, days=60),
				"holidays": [{"holiday_date": d, "description": "Closed"} for d in dates],
			}
		).insert(ignore_permissions=True)
		self.addCleanup(frappe.delete_doc, "Holiday List", doc.name, force=True, ignore_permissions=True)
		return doc.name

	def set_holiday_list(self, name):
		before = frappe.db.get_single_value("Social Support Settings", "holiday_list")
		self.save_settings(holiday_list=name)
		self.addCleanup(self.save_settings, holiday_list=before)

	def save_settings(self, **values):
		settings = frappe.get_single("Social Support Settings")
		settings.update(values)
		settings.save(ignore_permissions=True)  # saving clears the cached settings everywhere
		frappe.db.commit()

	def test_a_holiday_gets_the_out_of_hours_text_with_the_next_opening(self):
		today = now_datetime().date()
		tomorrow = today + timedelta(days=1)
		self.set_holiday_list(self.holiday_list(today, tomorrow))
		channel = self.channel(**ALL_DAY)
		_ticket, text = self.comment(channel)
		day_after = today + timedelta(days=2)
		self.assertEqual(
			text,
			f"Thanks Fiona! Our team is back at {DAY_NAMES[day_after.weekday()]} 00:00; we will answer you then."
			" ^Team",  # signed as the team: nobody is assigned yet
		)

	def test_days_without_support_are_out_of_hours(self):
		today = now_datetime().date()
		open_days = [DAY_NAMES[(today.weekday() + n) % 7][:3] for n in (2, 3)]
		channel = self.channel(**ALL_DAY, support_days=",".join(open_days))
		_ticket, text = self.comment(channel)
		first = today + timedelta(days=2)
		self.assertIn(f"back at {DAY_NAMES[first.weekday()]} 00:00", text)
		# and on a support day the in-hours text
		channel = self.channel(**ALL_DAY, support_days=DAY_NAMES[today.weekday()][:3])
		_ticket, text = self.comment(channel)
		self.assertTrue(text.startswith("Thanks Fiona! We got your message"), text)

	def test_the_service_level_agreements_hours_and_holidays_are_used(self):
		today = now_datetime().date()
		sla = self.service_level_agreement(holidays=(today,))
		channel = self.channel(**ALL_DAY, service_level_agreement=sla)
		_ticket, text = self.comment(channel)
		self.assertIn("Our team is back at", text)  # today is the SLA's holiday, whatever the channel says
		hours = ack.support_hours(frappe.get_doc("Social Channel", channel.name))
		self.assertFalse(hours.is_open(now_datetime()))
		self.assertEqual(hours.windows[(today.weekday() + 1) % 7], (9 * 3600, 17 * 3600))

	def service_level_agreement(self, holidays=()):
		# ERPNext saves an SLA only while SLA tracking is on
		tracking = frappe.db.get_single_value("Support Settings", "track_service_level_agreement")
		frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
		self.addCleanup(frappe.db.commit)
		self.addCleanup(
			frappe.db.set_single_value, "Support Settings", "track_service_level_agreement", tracking
		)
		priority = frappe.db.get_value("Issue Priority", {}, "name")
		if not priority:
			priority = (
				frappe.get_doc({"doctype": "Issue Priority", "name": "Social Test Priority"})
				.insert(ignore_permissions=True)
				.name
			)
			self.addCleanup(
				frappe.delete_doc, "Issue Priority", priority, force=True, ignore_permissions=True
			)
		doc = frappe.get_doc(
			{
				"doctype": "Service Level Agreement",
				"service_level": "Social Test SLA " + uid(),
				"document_type": "Issue",
				"enabled": 1,
				"default_service_level_agreement": 0,
				"condition": "doc.subject == 'never matches this social test'",
				"holiday_list": self.holiday_list(*holidays),
				"default_priority": priority,
				"apply_sla_for_resolution": 0,
				"priorities": [{"priority": priority, "response_time": 3600, "default_priority": 1}],
				"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
				"support_and_resolution": [
					{"workday": day, "start_time": "09:00:00", "end_time": "17:00:00"} for day in DAY_NAMES
				],
			}
		).insert(ignore_permissions=True)
		self.addCleanup(
			frappe.delete_doc, "Service Level Agreement", doc.name, force=True, ignore_permissions=True
		)
		return doc.name

	def test_wait_is_the_live_median_first_response_of_the_channel(self):
		channel = self.channel(**ALL_DAY, expected_wait="a day")
		_ticket, text = self.comment(channel)
		self.assertIn("within a day", text)  # too few answers to tell: the channel's own words
		answered = []
		for minutes in (20, 95, 100):
			ticket, _text = self.comment(channel)
			answered.append(ticket)
			opened = add_to_date(now_datetime(), minutes=-minutes - 10)
			frappe.db.set_value(
				"Issue",
				ticket,
				{
					"creation": opened,
					"social_first_message_on": opened,
					"first_responded_on": add_to_date(now_datetime(), minutes=-10),
				},
				update_modified=False,
			)
		_ticket, text = self.comment(channel)
		self.assertIn("within about 2 hours", text)  # median 95 minutes, said as people say it
		# answers older than the channel's window no longer count
		for ticket in answered:
			frappe.db.set_value(
				"Issue",
				ticket,
				"first_responded_on",
				add_to_date(now_datetime(), hours=-9),
				update_modified=False,
			)
		_ticket, text = self.comment(channel)
		self.assertIn("within a day", text)


class TestAutomaticMessagesAreSigned(ReplyCase):
	"""Acknowledgements and follow-ups are signed like agents' replies, in the customer's language."""

	channel = TestAcknowledgements.channel
	comment = TestAcknowledgements.comment
	save_settings = TestAcknowledgements.save_settings

	def setUp(self):
		super().setUp()
		before = frappe.get_single("Social Support Settings")
		restore = {"default_language": before.default_language, "team_signature": before.team_signature}
		self.addCleanup(self.save_settings, **restore)
		self.save_settings(default_language="en", team_signature="")

	def test_an_acknowledgement_is_signed_as_the_team_in_the_customers_language(self):
		channel = self.channel(**ALL_DAY)
		_ticket, text = self.comment(channel)
		self.assertTrue(text.startswith("Thanks Fiona!"), text)  # the channel's own (English) template
		self.assertTrue(text.endswith(" ^Team"), text)
		_ticket, text = self.comment(
			channel, "Meine Bestellung 881 ist kaputt angekommen, bitte helfen Sie mir"
		)
		self.assertTrue(text.startswith("Danke, Fiona! Wir haben Ihre Nachricht erhalten"), text)
		self.assertTrue(text.endswith(" ^Team"), text)
		_ticket, text = self.comment(channel, "Min beställning 881 kom trasig, kan ni hjälpa mig?")
		self.assertTrue(text.startswith("Tack Fiona! Vi har fått ditt meddelande"), text)
		self.save_settings(team_signature="^Acme Care")
		_ticket, text = self.comment(channel)
		self.assertTrue(text.endswith(" ^Acme Care"), text)
		self.save_settings(signature_style="None")
		self.addCleanup(self.save_settings, signature_style="Initials")
		_ticket, text = self.comment(channel)
		self.assertFalse(text.endswith("^Acme Care"), text)  # replies are not signed: neither is this

	def test_an_acknowledgement_of_an_assigned_ticket_is_signed_by_the_agent(self):
		rule = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test ack assign " + uid(),
				"sequence": 1,
				"intent": "complaint",
				"action": "Create Ticket",
				"assign_to": AGENT,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(
			frappe.delete_doc, "Social Triage Rule", rule.name, force=True, ignore_permissions=True
		)
		channel = self.channel(**ALL_DAY)
		ticket, text = self.comment(channel, "my order 881 arrived broken and nobody answers")
		self.assertIn(AGENT, frappe.db.get_value("Issue", ticket, "_assign") or "")
		self.assertTrue(text.endswith(" ^SB"), text)  # Sam Berg, as on their own replies

	def test_a_follow_up_nobody_answered_is_signed_as_the_team_in_the_customers_language(self):
		from social_support.outbound import follow_ups

		self.save_settings(
			followup_after_hours=36,
			followup_text="Hi {first_name}, just checking in: is there anything else we can help with?",
		)
		channel = make_channel(
			"Facebook", PAGE, base_url=self.sandbox.url, poll=1, webhooks=0, name="Fu FB " + uid()
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		m = self.sandbox.graph.message(PAGE, fan, "Hej, mitt konto är låst och jag kan inte beställa något")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{m['id']}"}, "reference_name"
		)
		self.assertEqual(frappe.db.get_value("Issue", ticket, "social_language"), "sv")
		# answered outside the app (the ticket waits on the customer), and quiet for 40 hours
		frappe.db.set_value(
			"Issue",
			ticket,
			{"status": "Replied", "social_last_inbound_on": add_to_date(now_datetime(), hours=-40)},
			update_modified=False,
		)
		due = [
			n
			for n in follow_ups.follow_up_due()
			if frappe.db.get_value("Social Reply", n, "reference_name") == ticket
		]
		self.assertEqual(len(due), 1)
		text = frappe.db.get_value("Social Reply", due[0], "final_text")
		self.assertTrue(text.startswith("Hej Fiona, vi ville bara höra av oss"), text)
		self.assertTrue(text.endswith(" ^Team"), text)
