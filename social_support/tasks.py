"""Scheduled jobs: one entry per frequency (hooks.py), fanning out per channel.

A failing channel never stops the others: each poll is its own job.
"""

import frappe

from social_support.ingest import events, spikes
from social_support.ingest.poll import due_channels, enqueue_poll
from social_support.insights import digest
from social_support.outbound import send
from social_support.surveys import lifecycle as surveys


def every_minute():
	for channel in due_channels():
		enqueue_poll(channel)
	events.requeue_stale()
	events.retry_due()
	spikes.check_spikes()
	send.retry_due()
	surveys.send_due()
	surveys.follow_up_due()


def daily():
	events.clear_old()
	digest.sync()  # recipients follow the Social Manager role
