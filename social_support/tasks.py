"""Scheduled jobs: one entry per job in hooks.py, so each is its own Scheduled Job Type.

A failing job never stops another: Frappe runs every entry on its own, and each job here rolls its
work back, keeps an Error Log titled "Social Support: <job> failed" and is marked Failed in the
Scheduled Job Log. Jobs that fan out (the polls) start one job per channel, so a failing channel
never stops the others either.
"""

from collections.abc import Callable
from functools import wraps

import frappe

from social_support.core import instagram_tokens, usage
from social_support.ingest import events, names, spikes
from social_support.ingest.poll import due_channels, enqueue_poll
from social_support.insights import digest
from social_support.outbound import follow_ups, send
from social_support.surveys import sending as surveys


def scheduled(job_name: str) -> Callable[[Callable[[], object]], Callable[[], None]]:
	"""Run the job; on failure roll back its work, log it under the job's name and let Frappe mark it Failed."""

	def wrap(job: Callable[[], object]) -> Callable[[], None]:
		@wraps(job)
		def run() -> None:
			try:
				job()
			except Exception:
				frappe.db.rollback()
				frappe.log_error(title=f"Social Support: {job_name} failed")
				frappe.db.commit()  # the log outlives the rollback of the failed run
				raise

		return run

	return wrap


# --- every minute -------------------------------------------------------------------------------------
@scheduled("starting the polls")
def start_due_polls() -> None:
	"""One poll job per enabled channel whose interval has passed and whose monthly budget allows it
	(slower near the budget, none at it)."""
	for channel in due_channels():
		if usage.may_poll(channel):
			enqueue_poll(channel)


@scheduled("requeueing stale events")
def requeue_stale_events() -> None:
	events.requeue_stale()


@scheduled("retrying failed events")
def retry_failed_events() -> None:
	events.retry_due()


@scheduled("spike check")
def check_spikes() -> None:
	spikes.check_spikes()


@scheduled("retrying replies")
def retry_replies() -> None:
	send.retry_due()


@scheduled("sending surveys")
def send_due_surveys() -> None:
	surveys.send_due()


@scheduled("sending follow-ups")
def send_due_follow_ups() -> None:
	follow_ups.follow_up_due()


# --- daily --------------------------------------------------------------------------------------------
@scheduled("clearing old events")
def clear_old_events() -> None:
	events.clear_old()


@scheduled("updating the digest")
def sync_digest() -> None:
	"""The digest's recipients follow the Social Manager role."""
	digest.sync()


@scheduled("refreshing Instagram tokens")
def refresh_instagram_tokens() -> None:
	"""Instagram Login tokens live 60 days: refresh those with less than 10 days left."""
	instagram_tokens.refresh_due()


@scheduled("syncing WhatsApp templates")
def sync_whatsapp_templates() -> None:
	"""Each enabled WhatsApp channel's templates as WhatsApp reports them (approved, paused, new ones);
	one channel that fails is logged and the others go on."""
	from social_support.outbound import whatsapp

	for channel in frappe.get_all(
		"Social Channel",
		filters={"platform": "WhatsApp", "enabled": 1, "needs_reauthorization": 0},
		pluck="name",
	):
		result = whatsapp.sync_templates(channel)
		if not result.get("ok"):
			frappe.log_error(
				f"Social Support: WhatsApp templates of {channel} not synced", result.get("error")
			)
		frappe.db.commit()


@scheduled("looking up names")
def look_up_names() -> None:
	"""Names for Messenger and Instagram DM authors that arrived with an id only."""
	names.look_up_names()
