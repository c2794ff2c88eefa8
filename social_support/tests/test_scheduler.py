"""The scheduler: one Scheduled Job Type per job, run the way Frappe runs them, each failing on its own."""

from unittest.mock import patch

import frappe
from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs
from frappe.utils import add_to_date, now_datetime

from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key

from .utils import AGENT, ReplyCase, make_channel, resolve, set_survey_settings, uid


def scheduled_methods() -> list[str]:
	events = frappe.get_hooks("scheduler_events", app_name="social_support")
	methods = []
	for entries in events.values():
		for listed in entries.values() if isinstance(entries, dict) else [entries]:
			methods += listed
	return methods


def run_like_the_scheduler(method: str) -> None:
	"""What a worker does for an enqueued scheduled job (run_scheduled_job -> ScheduledJobType.execute)."""
	frappe.get_doc("Scheduled Job Type", {"method": method}).execute()


class TestScheduledJobs(ReplyCase):
	def setUp(self):
		super().setUp()
		self.started = now_datetime()
		self.addCleanup(self.remove_run_logs)

	def remove_run_logs(self):
		ours = frappe.get_all(
			"Scheduled Job Type", filters={"method": ("like", "social_support.%")}, pluck="name"
		)
		frappe.db.delete(
			"Scheduled Job Log", {"creation": (">=", self.started), "scheduled_job_type": ("in", ours)}
		)
		frappe.db.delete("Scheduled Job Type", {"method": "social_support.tasks.every_minute"})
		frappe.db.commit()

	def test_one_job_type_per_entry_and_migrate_drops_the_old_single_entry(self):
		methods = scheduled_methods()
		self.assertEqual(len(methods), len(set(methods)))
		self.assertGreaterEqual(len(methods), 9)
		# a site installed before the split still has the single every-minute entry
		if not frappe.db.exists("Scheduled Job Type", {"method": "social_support.tasks.every_minute"}):
			frappe.get_doc(
				{
					"doctype": "Scheduled Job Type",
					"method": "social_support.tasks.every_minute",
					"frequency": "Cron",
					"cron_format": "* * * * *",
				}
			).insert(ignore_permissions=True)
		sync_jobs()  # what bench migrate runs
		frappe.db.commit()
		on_site = frappe.get_all(
			"Scheduled Job Type", filters={"method": ("like", "social_support.%")}, pluck="method"
		)
		self.assertCountEqual(on_site, methods)
		for method in methods:
			self.assertTrue(callable(frappe.get_attr(method)), method)

	def test_a_failing_spike_check_stops_neither_survey_sends_nor_reply_retries(self):
		sync_jobs()
		set_survey_settings()
		# a survey due now: an X DM ticket, resolved
		channel = make_channel(
			"X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Scheduler XDM " + uid()
		)
		customer = uid("3")
		self.sandbox.x.add_user(customer, "dora", "Dora DM")
		self.sandbox.x.send_dm_to("99", customer, "my account is locked")
		poll_channel(channel.name)
		dm_ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(customer)}
		)
		resolve(dm_ticket)
		frappe.db.commit()
		survey = frappe.db.get_value("Social Survey", {"reference_name": dm_ticket}, "name")
		self.assertEqual(frappe.db.get_value("Social Survey", survey, "status"), "Scheduled")

		with patch("frappe.enqueue") as enqueued:
			# a reply whose send met a passing error, its retry now due
			_channel, ticket, _tweet = self.x_ticket()
			reply = self.send_as(AGENT, ticket, "So sorry! Checking your order now.")["name"]
			self.sandbox.inject("server_error", path=r"^/2/tweets$", method="POST")
			self.assertEqual(send_reply(reply), "Sending")
			frappe.db.set_value(
				"Social Reply", reply, "next_attempt_on", add_to_date(now_datetime(), minutes=-1)
			)
			frappe.db.commit()
			enqueued.reset_mock()

			with patch(
				"social_support.ingest.spikes.check_spikes", side_effect=RuntimeError("spike store down")
			):
				for method in scheduled_methods():
					if frappe.db.get_value("Scheduled Job Type", {"method": method}, "frequency") == "Cron":
						run_like_the_scheduler(method)

		self.assertEqual(frappe.db.get_value("Social Survey", survey, "status"), "Sent")
		self.assertIn("social-survey?token=", self.sandbox.x.sent_dms()[-1]["text"])
		self.assertIn(reply, [c.kwargs.get("name") for c in enqueued.call_args_list])

		logs = {
			row.scheduled_job_type: row.status
			for row in frappe.get_all(
				"Scheduled Job Log",
				filters={"creation": (">=", self.started)},
				fields=["scheduled_job_type", "status"],
			)
		}
		self.assertEqual(logs["tasks.check_spikes"], "Failed")
		self.assertEqual(
			(logs["tasks.send_due_surveys"], logs["tasks.retry_replies"]), ("Complete", "Complete")
		)
		error = frappe.get_all(
			"Error Log",
			filters={"method": "Social Support: spike check failed", "creation": (">=", self.started)},
			pluck="error",
		)
		self.assertEqual(len(error), 1)
		self.assertIn("spike store down", error[0])
