"""Admin actions on channels and inbound events (desk buttons call these)."""

from __future__ import annotations

import json

import frappe
from frappe import _

from social_support.ingest import events
from social_support.ingest.poll import poll_channel


@frappe.whitelist(methods=["POST"])
def poll_now(channel: str) -> dict:
	"""Poll one channel now, in this request, and say what came in."""
	doc = frappe.get_doc("Social Channel", channel)
	doc.check_permission("write")
	if not doc.enabled:
		frappe.throw(_("Channel {0} is disabled.").format(channel))
	if doc.needs_reauthorization:
		frappe.throw(_("Channel {0} needs new credentials before it can poll.").format(channel))
	return poll_channel(channel)


@frappe.whitelist(methods=["POST"])
def retry_events(names: str | list[str]) -> dict:
	"""Queue Failed events again (one or many, from the list view or the form)."""
	frappe.has_permission("Social Inbound Event", "write", throw=True)
	if isinstance(names, str):
		names = json.loads(names) if names.strip().startswith("[") else [names]
	return {"queued": events.retry(list(names))}


@frappe.whitelist(methods=["POST"])
def test_connection(channel: str) -> dict:
	"""Fetch one page of the first stream without storing anything: are the credentials right?"""
	from social_support.core.channels import channel_config
	from social_support.platforms import make_client
	from social_support.platforms.base import PlatformError

	doc = frappe.get_doc("Social Channel", channel)
	doc.check_permission("write")
	client = make_client(channel_config(doc))
	if doc.platform == "WhatsApp":
		from social_support.outbound import whatsapp

		return whatsapp.test_connection(doc, client)
	try:
		streams = client.streams()
		for _page in client.poll(streams[0], None) if streams else ():
			break
	except PlatformError as e:
		return {"ok": False, "error": str(e), "needs_reauthorization": e.needs_reauth}
	return {"ok": True, "streams": streams}


@frappe.whitelist(methods=["POST"])
def exchange_instagram_token(channel: str) -> dict:
	"""Instagram Login: the short-lived token typed in, exchanged for a long-lived one (60 days)."""
	from social_support.core import instagram_tokens

	frappe.only_for("System Manager")
	frappe.get_doc("Social Channel", channel).check_permission("write")
	ok = instagram_tokens.exchange(channel)
	doc = frappe.get_doc("Social Channel", channel)
	return {"ok": ok, "token_expires_on": doc.token_expires_on, "error": None if ok else doc.last_error}


@frappe.whitelist(methods=["POST"])
def sync_whatsapp_templates(channel: str) -> dict:
	"""Read the WhatsApp Business Account's message templates into Social WhatsApp Template."""
	from social_support.outbound import whatsapp

	doc = frappe.get_doc("Social Channel", channel)
	doc.check_permission("write")
	if doc.platform != "WhatsApp":
		frappe.throw(_("Channel {0} is not a WhatsApp channel.").format(channel))
	return whatsapp.sync_templates(channel)
