"""Scheduled jobs: one entry per frequency (hooks.py), fanning out per channel.

A failing channel never stops the others: each poll is its own job.
"""

import frappe

from social_support.ingest import events, spikes
from social_support.ingest.poll import due_channels, enqueue_poll


def every_minute():
	for channel in due_channels():
		enqueue_poll(channel)
	events.requeue_stale()
	events.retry_due()
	spikes.check_spikes()


def daily():
	events.clear_old()
