"""bench commands.

    bench --site SITE social-sandbox [--port 8899] [--webhooks SITE_URL] [--every 20] [--messages N]

Starts the sandbox (local X API v2, Graph API and WhatsApp Cloud API emulator), points four demo
channels at it (Sandbox X, Facebook, Instagram, WhatsApp), and lets simulated customers write so an
admin can watch the whole flow without API keys.
"""

from __future__ import annotations

import random
import time

import click
from frappe.commands import get_site, pass_context

DEMO_SECRET_X = "sandbox-consumer-secret"
DEMO_SECRET_META = "sandbox-app-secret"

CUSTOMERS = [
	("301", "alice_k", "Alice Karlsson"),
	("302", "bjorn_n", "Bjørn Nilsen"),
	("303", "ewa_w", "Ewa Wiśniewska"),
	("304", "max_m", "Max Müller"),
	("305", "li_wei", "李伟"),
]
LINES = [
	"my order #{n} still hasn't arrived, any news?",
	"the app logs me out every time I open it",
	"thank you for the quick help yesterday!",
	"mitt paket har inte kommit, ordernummer {n}",
	"min konto er låst, kan dere hjelpe?",
	"Bestellung {n} ist beschädigt angekommen",
	"nie mogę się zalogować od rana",
	"我的订单{n}还没到",
]


SANDBOX_FLAG = "social_support_allow_sandbox"


def sandbox_refusal() -> str | None:
	"""Why the sandbox may not run on the connected site, or None when it may.

	The demo channels are enabled and signed with secrets printed in this repository: anyone
	could sign webhooks for them. So only a developer-mode site, or one whose config says so.
	"""
	import frappe

	if frappe.utils.cint(frappe.conf.get("developer_mode")) or frappe.utils.cint(
		frappe.conf.get(SANDBOX_FLAG)
	):
		return None
	return (
		f"social-sandbox refused on {frappe.local.site}: it writes public demo secrets into enabled "
		"channels, so anyone who has read this app's source could sign webhooks for them. It runs "
		f"only on a site in developer mode or with {SANDBOX_FLAG} set in its site config "
		f"(bench --site {frappe.local.site} set-config {SANDBOX_FLAG} 1). Never on a production site."
	)


def _demo_channels(url: str) -> dict[str, str]:
	import frappe

	refusal = sandbox_refusal()
	if refusal:
		raise click.ClickException(refusal)
	wanted = {
		"Sandbox X": {
			"platform": "X",
			"account_id": "99",
			"account_handle": "brand",
			"consumer_key": "sandbox-key",
			"consumer_secret": DEMO_SECRET_X,
			"access_token": "99-sandbox",
			"access_token_secret": "sandbox-token-secret",
			"bearer_token": "sandbox-bearer",
			"listening_terms": "brand\nbrnd\n#brandhelp",
		},
		"Sandbox Facebook": {
			"platform": "Facebook",
			"account_id": "1001",
			"app_secret": DEMO_SECRET_META,
			"verify_token": "sandbox-verify",
			"access_token": "sandbox-page-token",
		},
		"Sandbox Instagram": {
			"platform": "Instagram",
			"account_id": "2001",
			"account_handle": "brand",
			"app_secret": DEMO_SECRET_META,
			"verify_token": "sandbox-verify",
			"access_token": "sandbox-page-token",
		},
		"Sandbox WhatsApp": {
			"platform": "WhatsApp",
			"account_id": "3001",  # the sandbox's phone number id
			"business_account_id": "3101",
			"app_secret": DEMO_SECRET_META,
			"verify_token": "sandbox-verify",
			"access_token": "sandbox-whatsapp-token",
			"use_webhooks": 1,
			"poll_interval_minutes": 0,  # WhatsApp has nothing to poll
		},
	}
	for name, values in wanted.items():
		doc = (
			frappe.get_doc("Social Channel", name)
			if frappe.db.exists("Social Channel", name)
			else frappe.new_doc("Social Channel")
		)
		doc.update(
			{"channel_name": name, "enabled": 1, "api_base_url": url, "poll_interval_minutes": 1, **values}
		)
		doc.save(ignore_permissions=True)
	frappe.db.commit()
	return {name: values["platform"] for name, values in wanted.items()}


def _simulate(sb, rng: random.Random, webhook_url: str | None) -> str:
	"""One customer action in the sandbox (and its webhook, when asked). Returns a line for the log."""
	user_id, handle, name = rng.choice(CUSTOMERS)
	text = rng.choice(LINES).format(n=rng.randint(1000, 9999))
	kind = rng.choice(["x_mention", "x_dm", "fb_comment", "messenger", "ig_comment", "ig_dm", "whatsapp"])
	x, g = sb.x, sb.graph
	if kind == "whatsapp":
		_whatsapp_customer_writes(sb, rng, user_id, name, text, webhook_url)
	elif kind.startswith("x_"):
		x.add_user(user_id, handle, name)
		if kind == "x_mention":
			obj = x.post_tweet(user_id, f"@brand {text}")
			payload = x.webhook_payload("tweet", tweet_id=obj["id"]) if webhook_url else None
		else:
			obj = x.send_dm_to("99", user_id, text)
			payload = x.webhook_payload("dm", event_id=obj["id"]) if webhook_url else None
		if payload:
			x.deliver_webhook(
				f"{webhook_url}/api/method/social_support.api.webhooks.x", DEMO_SECRET_X, payload
			)
	else:
		g.add_user(user_id, name, username=handle)
		if kind == "fb_comment":
			post = g.page_post("1001", "What would you like to see in our autumn range?")
			obj = g.comment(post["id"], user_id, text)
			payload = g.webhook_payload("feed_comment", comment_id=obj["id"]) if webhook_url else None
		elif kind == "ig_comment":
			media = g.ig_media("2001", "Autumn collection")
			obj = g.comment(media["id"], user_id, text)
			payload = g.webhook_payload("ig_comment", comment_id=obj["id"]) if webhook_url else None
		else:
			account, platform = ("1001", "messenger") if kind == "messenger" else ("2001", "instagram")
			obj = g.message(account, user_id, text, platform=platform)
			payload = g.webhook_payload("message", message_id=obj["id"]) if webhook_url else None
		if payload:
			g.deliver_webhook(
				f"{webhook_url}/api/method/social_support.api.webhooks.meta", DEMO_SECRET_META, payload
			)
	return f"{kind:11} @{handle}: {text}"


def _whatsapp_customer_writes(sb, rng, user_id, name, text, webhook_url) -> None:
	"""A WhatsApp customer (by number, or by business-scoped user id only: a username user) writes;
	the statuses of what the app sent meanwhile go along (delivered, then read)."""
	wa = sb.whatsapp
	phone = "4670000" + user_id
	if rng.random() < 0.2:
		customer = wa.add_customer(None, name, user_id=f"SE.{user_id}0042", username=name.split()[0].lower())
		key = customer["user_id"]
	else:
		wa.add_customer(phone, name)
		key = phone
	msg = wa.customer_message(key, text=text)
	for sent in wa.sent:
		if not sent["failed"] and not sent.get("_advanced"):
			wa.advance(sent["id"], "delivered", "read")
			sent["_advanced"] = True
	for payload in (wa.message_payload(msg["id"]), wa.status_payload()):
		if not payload["entry"]:
			continue
		if webhook_url:
			wa.deliver_webhook(
				f"{webhook_url}/api/method/social_support.api.webhooks.meta", DEMO_SECRET_META, payload
			)
		else:
			_store_delivery("Sandbox WhatsApp", "WhatsApp", "3001", payload)


def _store_delivery(channel: str, platform: str, account_id: str, payload: dict) -> None:
	"""Without a site URL to deliver webhooks to, a WhatsApp delivery (WhatsApp has nothing to poll)
	is stored and queued as the webhook endpoint would after checking its signature."""
	import json

	import frappe

	from social_support.ingest.events import enqueue_drain, store_event

	store_event(
		source="Webhook",
		platform=platform,
		channel=channel,
		payload=json.dumps(payload),
		account_ids=[account_id],
	)
	enqueue_drain(channel)
	frappe.db.commit()


@click.command("social-sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8899, show_default=True, type=int)
@click.option(
	"--webhooks",
	"webhook_url",
	default=None,
	help="Site URL to deliver signed webhooks to (else the channels poll).",
)
@click.option("--every", default=20.0, show_default=True, help="Seconds between simulated customer messages.")
@click.option("--messages", default=0, help="Stop after this many messages (0 = until Ctrl-C).")
@click.option("--seed", default=None, type=int, help="Random seed for a reproducible demo.")
@click.option(
	"--exit-after", is_flag=True, help="Stop once --messages are sent (else keep serving until Ctrl-C)."
)
@pass_context
def social_sandbox(context, host, port, webhook_url, every, messages, seed, exit_after):
	"""Run the X/Graph API sandbox and wire demo channels to it."""
	import frappe

	from social_support.sandbox.server import Sandbox

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		refusal = sandbox_refusal()
		if refusal:
			raise click.ClickException(refusal)
		sb = Sandbox(host, port).start()
		channels = _demo_channels(sb.url)
		if webhook_url:
			for name in channels:
				frappe.db.set_value("Social Channel", name, {"use_webhooks": 1, "poll_interval_minutes": 0})
			frappe.db.commit()
		click.echo(f"Sandbox on {sb.url}; demo channels: {', '.join(channels)}")
		click.echo(
			"Customers write every {}s; {}. Ctrl-C to stop.".format(
				every,
				f"webhooks go to {webhook_url}"
				if webhook_url
				else "the channels poll every minute (keep `bench start` running)",
			)
		)
		rng = random.Random(seed)
		sent = 0
		while not messages or sent < messages:
			click.echo(_simulate(sb, rng, webhook_url), nl=True)
			sent += 1
			time.sleep(every)
		if not exit_after:
			click.echo("Done writing; still serving the channels' polls. Ctrl-C to stop.")
			while True:
				time.sleep(3600)
	except KeyboardInterrupt:
		pass
	finally:
		frappe.destroy()


@click.command("social-report-data")
@click.option("--messages", default=100_000, show_default=True, type=int)
@click.option("--issues", default=20_000, show_default=True, type=int)
@click.option("--days", default=90, show_default=True, type=int)
@click.option("--clear", is_flag=True, help="Only remove the generated rows.")
@pass_context
def social_report_data(context, messages, issues, days, clear):
	"""Fill the site with generated social data (marked 'Bench Data' channels) for report timings."""
	import frappe

	from social_support.devtools import report_data

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		if clear:
			report_data.clear()
			click.echo("generated rows removed")
		else:
			click.echo(report_data.build(messages=messages, issues=issues, days=days))
	finally:
		frappe.destroy()


@click.command("social-report-timings")
@click.option("--repeat", default=3, show_default=True, type=int)
@click.option("--days", default=90, show_default=True, type=int)
@pass_context
def social_report_timings(context, repeat, days):
	"""Median seconds of each Social Support report over the period, with a baseline from the same run."""
	import frappe

	from social_support.devtools import report_timings
	from social_support.tickets import get_adapter

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		tickets = get_adapter().doctype
		counts = {
			dt: frappe.db.count(dt) for dt in ("Social Message", tickets, "Social Reply", "Social Survey")
		}
		click.echo(f"site rows: {counts}")
		for row in report_timings.timings(repeat=repeat, days=days):
			click.echo(f"{row['report']:<45} {row['seconds']:>7.3f} s   x{row['ratio']}")
	finally:
		frappe.destroy()


commands = [social_sandbox, social_report_data, social_report_timings]
