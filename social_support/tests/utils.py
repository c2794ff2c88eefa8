"""Helpers for the integration suite (runs inside a Frappe bench: bench run-tests --app social_support)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from threading import Thread
from unittest.mock import patch

import frappe
from frappe.utils import get_test_client

from social_support.ingest.events import drain

X_SECRET = "x-consumer-secret"
META_SECRET = "meta-app-secret"
VERIFY_TOKEN = "verify-me"


def uid(prefix: str = "") -> str:
	"""Numeric-looking unique ids, so repeated runs on one site never collide."""
	return prefix + str(uuid.uuid4().int)[:15]


def make_channel(
	platform: str,
	account_id: str,
	*,
	base_url: str | None = None,
	poll: int = 0,
	webhooks: int = 1,
	name: str | None = None,
	secret: str | None = None,
	**extra,
):
	"""A fresh enabled channel (``secret``: its consumer/app secret, else the suite's shared one).

	An account is connected by one enabled channel, so an enabled channel of an earlier test for
	the same platform and account is disabled first (the newest test channel is the live one).
	"""
	name = name or f"Test {platform} {account_id}"
	if frappe.db.exists("Social Channel", name):
		frappe.delete_doc("Social Channel", name, force=True, ignore_permissions=True)
	for earlier in frappe.get_all(
		"Social Channel", filters={"platform": platform, "account_id": account_id, "enabled": 1}, pluck="name"
	):
		frappe.db.set_value("Social Channel", earlier, {"enabled": 0, "status": "Disabled"})
	doc = frappe.get_doc(
		{
			"doctype": "Social Channel",
			"channel_name": name,
			"platform": platform,
			"enabled": 1,
			"account_id": account_id,
			"account_handle": "brand",
			"api_base_url": base_url,
			"use_webhooks": webhooks,
			"poll_interval_minutes": poll,
			**extra,
		}
	)
	if platform == "X":
		doc.update(
			{
				"consumer_key": "ck",
				"consumer_secret": secret or X_SECRET,
				"access_token": f"{account_id}-token",
				"access_token_secret": "ats",
				"bearer_token": "bearer",
			}
		)
	else:
		doc.update(
			{"app_secret": secret or META_SECRET, "verify_token": VERIFY_TOKEN, "access_token": "page-token"}
		)
	doc.insert(ignore_permissions=True)
	frappe.db.commit()
	return doc


def x_signature(body: bytes, secret: str = X_SECRET) -> str:
	return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def meta_signature(body: bytes, secret: str = META_SECRET) -> str:
	return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request(
	method: str,
	path: str,
	*,
	data: bytes | None = None,
	headers: dict | None = None,
	query: dict | None = None,
	environ: dict | None = None,
):
	"""A real HTTP request through Frappe's WSGI app, in its own thread (own DB connection, own commit).

	``environ``: WSGI variables of the request, e.g. ``{"REMOTE_ADDR": "203.0.113.9"}`` for the peer.
	"""
	client = get_test_client()
	site = frappe.local.site
	out = {}

	def run():
		with patch("frappe.app.get_site_name", return_value=site):
			out["r"] = client.open(
				path,
				method=method,
				data=data,
				headers={"Content-Type": "application/json", **(headers or {})},
				query_string=query,
				environ_base=environ,
			)

	frappe.db.commit()  # let the request's own connection see what this test wrote
	t = Thread(target=run)
	t.start()
	t.join()
	frappe.db.commit()  # and start a fresh snapshot that sees what the request wrote
	return out["r"]


def post_webhook(endpoint: str, payload: dict | bytes, signature: str | None, header: str):
	body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
	headers = {header: signature} if signature else {}
	return request("POST", f"/api/method/social_support.api.webhooks.{endpoint}", data=body, headers=headers)


def deliver_x(payload: dict):
	body = json.dumps(payload).encode()
	return post_webhook("x", body, x_signature(body), "X-Twitter-Webhooks-Signature")


def deliver_meta(payload: dict):
	body = json.dumps(payload).encode()
	return post_webhook("meta", body, meta_signature(body), "X-Hub-Signature-256")


def work(channel: str) -> dict:
	"""What a worker does for the queued drain job of a channel."""
	frappe.db.commit()
	return drain(channel)


def events_of(channel: str | None = None, **filters):
	if channel:
		filters["channel"] = channel
	return frappe.get_all(
		"Social Inbound Event", filters=filters, fields=["name", "status", "items_new", "error"]
	)


def issue_for(channel: str, thread_key: str):
	name = frappe.db.get_value(
		"Issue",
		{"social_channel": channel, "social_thread_key": thread_key},
		"name",
		order_by="creation desc",
	)
	return frappe.get_doc("Issue", name) if name else None


def communications(issue: str):
	return frappe.get_all(
		"Communication",
		filters={"reference_doctype": "Issue", "reference_name": issue},
		fields=["name", "sent_or_received", "communication_medium", "content", "sender"],
		order_by="creation asc",
	)


def api_user(email: str, *roles: str) -> str:
	"""A (re)created enabled user with these roles and an API key; returns the Authorization header value."""
	if frappe.db.exists("User", email):
		frappe.delete_doc("User", email, force=True, ignore_permissions=True)
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": email.split("@")[0],
			"send_welcome_email": 0,
			"user_type": "System User",
			"roles": [{"role": r} for r in roles],
		}
	)
	user.insert(ignore_permissions=True)
	secret = frappe.generate_hash(length=15)
	user.api_key = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	frappe.db.commit()
	return f"token {user.api_key}:{secret}"


def remove_channel_and_everything_it_made(channel: str) -> None:
	"""Delete a test channel and what its messages created: events, messages, tickets with their
	Communications and comments, profiles with their Contacts, replies, cursors. For tearDown."""
	messages = frappe.get_all(
		"Social Message", filters={"channel": channel}, fields=["name", "social_profile"]
	)
	profiles = {m.social_profile for m in messages if m.social_profile}
	issues = frappe.get_all("Issue", filters={"social_channel": channel}, pluck="name")
	issues += [
		r
		for r in frappe.get_all(
			"Social Message",
			filters={"channel": channel, "reference_doctype": "Issue"},
			pluck="reference_name",
		)
		if r and r not in issues
	]
	contacts = {
		c
		for c in frappe.get_all(
			"Social Profile", filters={"name": ("in", list(profiles) or [""])}, pluck="contact"
		)
		if c
	}
	if issues:
		comms = frappe.get_all(
			"Communication",
			filters={"reference_doctype": "Issue", "reference_name": ("in", issues)},
			pluck="name",
		)
		if comms:
			frappe.db.delete("Communication Link", {"parent": ("in", comms)})
			frappe.db.delete("Communication", {"name": ("in", comms)})
		frappe.db.delete("Comment", {"reference_doctype": "Issue", "reference_name": ("in", issues)})
		frappe.db.delete("Version", {"ref_doctype": "Issue", "docname": ("in", issues)})
		frappe.db.delete("ToDo", {"reference_type": "Issue", "reference_name": ("in", issues)})
		frappe.db.delete("Social Reply", {"reference_name": ("in", issues)})
		frappe.db.delete("Social Survey", {"reference_name": ("in", issues)})
		frappe.db.delete("Issue", {"name": ("in", issues)})
	frappe.db.delete("Social Message", {"channel": channel})
	frappe.db.delete("Social Inbound Event", {"channel": channel})
	frappe.db.delete("Social Poll Cursor", {"channel": channel})
	if profiles:
		frappe.db.delete("Social Profile", {"name": ("in", list(profiles))})
	for contact in contacts:
		for child in ("Dynamic Link", "Contact Email", "Contact Phone"):
			frappe.db.delete(child, {"parenttype": "Contact", "parent": contact})
		frappe.db.delete("Contact", {"name": contact})
	if frappe.db.exists("Social Channel", channel):
		frappe.delete_doc("Social Channel", channel, force=True, ignore_permissions=True)
	frappe.db.commit()
