"""Nothing from outside acts as the brand: every door to the webhooks and the channel settings.

Webhook endpoints through Frappe's WSGI app (real HTTP, real peers via REMOTE_ADDR), REST
/api/resource and whitelisted methods as Social Manager, Social Agent and System Manager users
(API keys), and the sandbox command.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from unittest.mock import patch
from urllib.parse import quote

import click
import frappe
from frappe.installer import update_site_config
from frappe.tests.utils import FrappeTestCase

from social_support import commands
from social_support.api import webhooks
from social_support.platforms.x import crc_response

from .utils import (
	META_SECRET,
	VERIFY_TOKEN,
	X_SECRET,
	api_user,
	make_channel,
	meta_signature,
	post_webhook,
	request,
	uid,
	x_signature,
)

X_PATH = "/api/method/social_support.api.webhooks.x"
META_PATH = "/api/method/social_support.api.webhooks.meta"
SECRET_A = "app-a-consumer-secret"
SECRET_B = "app-b-consumer-secret"
META_SECRET_B = "other-meta-app-secret"
DOMAIN = "security.social.example.com"
X_SECRETS = {
	"consumer_key": "ck2",
	"consumer_secret": "cs2",
	"access_token": "ta2",
	"access_token_secret": "tas2",
	"bearer_token": "b2",
}


def doc_ip() -> str:
	"""A fresh documentation address (RFC 5737) per call: limiter counts never leak between runs."""
	return f"{random.choice(('192.0.2', '198.51.100', '203.0.113'))}.{random.randint(1, 249)}"


def _x_body(account: str) -> bytes:
	return json.dumps({"for_user_id": account, "tweet_create_events": []}).encode()


def _fb_body(page: str) -> bytes:
	return json.dumps({"object": "page", "entry": [{"id": page, "time": 1, "changes": []}]}).encode()


class TrustCase(FrappeTestCase):
	"""Channels and users made here are deleted with everything that points at them."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.channels, cls.accounts, cls.users, cls.limiter_keys = [], [], [], []

	@classmethod
	def channel(cls, platform, account, **kw):
		doc = make_channel(platform, account, name=f"Trust {platform} {uid()}", **kw)
		cls.channels.append(doc.name)
		cls.accounts.append(account)
		return doc

	@classmethod
	def user(cls, name, *roles):
		email = f"{name}@{DOMAIN}"
		cls.users.append(email)
		return api_user(email, *roles)

	def client_ip(self) -> str:
		ip = doc_ip()
		for kind in ("handshake", "bad_signature"):
			self.limiter_keys.append(webhooks.limit_key(kind, ip))
		return ip

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for key in cls.limiter_keys:
			frappe.cache.delete(key)
		if cls.channels:
			names = tuple(cls.channels)
			frappe.db.delete("Social Inbound Event", {"channel": ("in", names)})
			frappe.db.delete("Social Message", {"channel": ("in", names)})
			for issue in frappe.get_all("Issue", filters={"social_channel": ("in", names)}, pluck="name"):
				frappe.db.delete("Communication", {"reference_doctype": "Issue", "reference_name": issue})
				frappe.delete_doc("Issue", issue, force=True, ignore_permissions=True)
			for name in names:
				frappe.db.delete("DocShare", {"share_doctype": "Social Channel", "share_name": name})
				if frappe.db.exists("Social Channel", name):
					frappe.delete_doc("Social Channel", name, force=True, ignore_permissions=True)
		for account in cls.accounts:
			frappe.db.delete("Social Inbound Event", {"account_ids": ("like", f"%{account}%")})
		for email in cls.users:
			if frappe.db.exists("User", email):
				frappe.delete_doc("User", email, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()


# --- 1. handshakes --------------------------------------------------------------------------------
class TestHandshakes(TrustCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.a_account = uid()
		cls.a = cls.channel("X", cls.a_account, secret=SECRET_A)
		cls.page = uid()
		cls.fb = cls.channel("Facebook", cls.page)

	def test_crc_is_not_a_signing_oracle(self):
		ip = self.client_ip()
		body = _x_body(self.a_account)
		r = request(
			"GET", X_PATH, query={"crc_token": body, "channel": self.a.name}, environ={"REMOTE_ADDR": ip}
		)
		self.assertEqual(r.status_code, 400)
		self.assertNotIn("response_token", r.get_data(as_text=True))
		# so the delivery cannot be signed with it
		forged = (r.json or {}).get("response_token")
		r = post_webhook("x", body, forged, "X-Twitter-Webhooks-Signature")
		self.assertEqual(r.status_code, 401)
		self.assertFalse(frappe.db.exists("Social Inbound Event", {"channel": self.a.name}))
		for token in ("123", "true", "null", "[]", "a b", "<b>", "x" * 300):
			r = request(
				"GET", X_PATH, query={"crc_token": token, "channel": self.a.name}, environ={"REMOTE_ADDR": ip}
			)
			self.assertEqual(r.status_code, 400, token)
		# X's own tokens are still answered with the channel's secret
		r = request(
			"GET",
			X_PATH,
			query={"crc_token": "DaC0ag-b_9", "channel": self.a.name},
			environ={"REMOTE_ADDR": ip},
		)
		self.assertEqual((r.status_code, r.json), (200, crc_response("DaC0ag-b_9", SECRET_A)))

	def test_unknown_channel_is_answered_like_a_known_one(self):
		ip = self.client_ip()

		def crc(channel):
			r = request(
				"GET", X_PATH, query={"crc_token": "abc123", "channel": channel}, environ={"REMOTE_ADDR": ip}
			)
			return r.status_code, r.headers.get("Content-Type"), r.json

		known = crc(self.a.name)
		self.assertEqual(known[2], crc_response("abc123", SECRET_A))
		for other in ("No Such Channel " + uid(), self.fb.name):  # absent, and not an X channel
			status, ctype, body = crc(other)
			self.assertEqual((status, ctype, list(body)), known[:2] + (["response_token"],))
			self.assertTrue(body["response_token"].startswith("sha256="))
			self.assertEqual(len(body["response_token"]), len(known[2]["response_token"]))
			self.assertNotEqual(body, known[2])
			self.assertEqual(crc(other)[2], body)  # stable: a second look tells nothing either

	def test_handshakes_are_rate_limited_per_real_peer(self):
		ip, other = self.client_ip(), self.client_ip()
		statuses = [
			request(
				"GET",
				X_PATH,
				query={"crc_token": "abc123", "channel": self.a.name},
				environ={"REMOTE_ADDR": ip},
				# a fresh X-Forwarded-For each time changes nothing: the peer is who counts
				headers={"X-Forwarded-For": doc_ip()},
			).status_code
			for _ in range(webhooks.HANDSHAKE_LIMIT + 1)
		]
		self.assertEqual(statuses[:-1], [200] * webhooks.HANDSHAKE_LIMIT)
		self.assertEqual(statuses[-1], 429)
		meta = request(
			"GET",
			META_PATH,
			query={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "4242"},
			environ={"REMOTE_ADDR": ip},
		)
		self.assertEqual(meta.status_code, 429)
		fine = request(
			"GET",
			X_PATH,
			query={"crc_token": "abc123", "channel": self.a.name},
			environ={"REMOTE_ADDR": other},
		)
		self.assertEqual(fine.status_code, 200)

	def test_meta_challenge_reflects_only_plain_tokens(self):
		ip = self.client_ip()
		q = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "channel": self.fb.name}
		for bad in ("<script>alert(1)</script>", "a" * 200, "1 2", '"><svg onload=alert(1)>'):
			r = request("GET", META_PATH, query={**q, "hub.challenge": bad}, environ={"REMOTE_ADDR": ip})
			self.assertEqual(r.status_code, 403, bad)
			self.assertNotIn(bad, r.get_data(as_text=True))
		r = request("GET", META_PATH, query={**q, "hub.challenge": "1158201444"}, environ={"REMOTE_ADDR": ip})
		self.assertEqual((r.status_code, r.get_data(as_text=True)), (200, "1158201444"))
		self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
		self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")
		wrong = request(
			"GET",
			META_PATH,
			query={**q, "hub.verify_token": "nope", "hub.challenge": "1"},
			environ={"REMOTE_ADDR": ip},
		)
		self.assertEqual(wrong.status_code, 403)


# --- 2. secrets stay with their channel -----------------------------------------------------------
class TestOwnSecretRouting(TrustCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.a_account, cls.b_account = uid(), uid()
		cls.a = cls.channel("X", cls.a_account, secret=SECRET_A)
		cls.b = cls.channel("X", cls.b_account, secret=SECRET_B)
		cls.page_a, cls.page_b = uid(), uid()
		cls.fa = cls.channel("Facebook", cls.page_a)
		cls.fb = cls.channel("Facebook", cls.page_b, secret=META_SECRET_B)

	def events(self, channel):
		return frappe.get_all("Social Inbound Event", filters={"channel": channel}, pluck="name")

	def test_one_apps_secret_does_not_deliver_for_another_apps_account(self):
		body = _x_body(self.b_account)
		r = post_webhook("x", body, x_signature(body, SECRET_A), "X-Twitter-Webhooks-Signature")
		self.assertEqual(r.status_code, 200)  # signed by one of our apps: answered, and kept for review
		self.assertEqual(r.json["events"], 0)
		self.assertEqual(self.events(self.b.name), [])
		self.assertEqual(
			frappe.db.count("Social Inbound Event", {"status": "Ignored", "account_ids": self.b_account}), 1
		)
		body = _fb_body(self.page_b)
		r = post_webhook("meta", body, meta_signature(body, META_SECRET), "X-Hub-Signature-256")
		self.assertEqual((r.status_code, r.json["events"]), (200, 0))
		self.assertEqual(self.events(self.fb.name), [])
		# each app's own secret still delivers to its own account
		body = _x_body(self.b_account)
		r = post_webhook("x", body, x_signature(body, SECRET_B), "X-Twitter-Webhooks-Signature")
		self.assertEqual((r.status_code, r.json["events"]), (200, 1))
		self.assertEqual(len(self.events(self.b.name)), 1)
		body = _fb_body(self.page_b)
		r = post_webhook("meta", body, meta_signature(body, META_SECRET_B), "X-Hub-Signature-256")
		self.assertEqual((r.status_code, r.json["events"]), (200, 1))
		self.assertEqual(len(self.events(self.fb.name)), 1)
		self.assertEqual(self.events(self.fa.name), [])

	def second(self, platform, account, enabled=1):
		doc = frappe.get_doc(
			{
				"doctype": "Social Channel",
				"channel_name": f"Trust second {uid()}",
				"platform": platform,
				"account_id": account,
				"enabled": enabled,
				"app_secret": META_SECRET,
			}
		)
		self.channels.append(doc.channel_name)
		return doc

	def test_one_enabled_channel_per_platform_and_account(self):
		with self.assertRaises(frappe.ValidationError) as caught:
			self.second("Facebook", self.page_a).insert(ignore_permissions=True)
		self.assertIn(self.fa.name, str(caught.exception))
		self.assertIn("already connects", str(caught.exception))
		# a disabled one may wait, but cannot be enabled next to the live one
		spare = self.second("Facebook", self.page_a, enabled=0).insert(ignore_permissions=True)
		spare.enabled = 1
		self.assertRaises(frappe.ValidationError, spare.save, ignore_permissions=True)
		# the same id on another platform is another account
		self.second("Instagram", self.page_a).insert(ignore_permissions=True)
		frappe.db.commit()
		# and one delivery makes one event, not one per channel
		body = _fb_body(self.page_a)
		r = post_webhook("meta", body, meta_signature(body), "X-Hub-Signature-256")
		self.assertEqual((r.status_code, r.json["events"]), (200, 1))

	def test_rest_door_refuses_a_second_channel_for_an_account(self):
		manager = self.user("trust.manager2", "Social Manager")
		name = f"Trust REST dup {uid()}"
		r = request(
			"POST",
			"/api/resource/Social Channel",
			data=json.dumps(
				{"channel_name": name, "platform": "X", "account_id": self.a_account, "enabled": 1}
			).encode(),
			headers={"Authorization": manager},
		)
		self.channels.append(name)
		self.assertEqual(r.status_code, 417)
		self.assertFalse(frappe.db.exists("Social Channel", name))


class TestSandboxCommand(TrustCase):
	def setUp(self):
		self.saved = {k: frappe.conf.get(k) for k in ("developer_mode", commands.SANDBOX_FLAG)}
		self.addCleanup(self.restore)
		self.before = set(
			frappe.get_all("Social Channel", filters={"name": ("like", "Sandbox %")}, pluck="name")
		)

	def restore(self):
		frappe.db.commit()  # a fresh snapshot: see what the command's own process wrote
		for k, v in self.saved.items():
			if v is None:
				frappe.conf.pop(k, None)
			else:
				frappe.conf[k] = v
		for name in frappe.get_all("Social Channel", filters={"name": ("like", "Sandbox %")}, pluck="name"):
			if name not in self.before:
				frappe.delete_doc("Social Channel", name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def test_refused_outside_developer_mode_unless_allowed(self):
		frappe.conf.developer_mode = 0
		frappe.conf.pop(commands.SANDBOX_FLAG, None)
		with self.assertRaises(click.ClickException) as caught:
			commands._demo_channels("http://127.0.0.1:9")
		message = caught.exception.message
		self.assertIn("developer mode", message)
		self.assertIn(commands.SANDBOX_FLAG, message)
		self.assertEqual(
			set(frappe.get_all("Social Channel", filters={"name": ("like", "Sandbox %")}, pluck="name")),
			self.before,
		)
		frappe.conf[commands.SANDBOX_FLAG] = 1
		self.assertIsNone(commands.sandbox_refusal())
		frappe.conf.pop(commands.SANDBOX_FLAG)
		frappe.conf.developer_mode = 1
		self.assertIsNone(commands.sandbox_refusal())

	def test_the_bench_command_says_why(self):
		"""The real CLI on this site (its site config: no developer mode, no allow flag)."""
		site_conf = frappe.get_site_config()
		if site_conf.get("developer_mode") or site_conf.get(commands.SANDBOX_FLAG):
			self.fail("this test needs a site without developer_mode and without " + commands.SANDBOX_FLAG)
		out = subprocess.run(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				frappe.local.site,
				"social-sandbox",
				"--port",
				"0",
				"--messages",
				"1",
				"--every",
				"0",
				"--exit-after",
			],
			cwd=frappe.utils.get_bench_path() + "/sites",
			capture_output=True,
			text=True,
			timeout=240,
		)
		self.assertNotEqual(out.returncode, 0, out.stdout)
		self.assertIn("social-sandbox refused", out.stdout + out.stderr)
		self.assertIn(commands.SANDBOX_FLAG, out.stdout + out.stderr)
		frappe.db.commit()
		self.assertEqual(
			set(frappe.get_all("Social Channel", filters={"name": ("like", "Sandbox %")}, pluck="name")),
			self.before,
		)


# --- 3. the bad-signature limiter ----------------------------------------------------------------
class TestBadSignatureLimiter(TrustCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.page = uid()
		cls.fb = cls.channel("Facebook", cls.page)

	def setUp(self):
		self.addCleanup(update_site_config, webhooks.TRUSTED_PROXIES_KEY, "None")

	def deliver(self, peer, forwarded=None, good=True):
		body = _fb_body(self.page)
		headers = {"X-Hub-Signature-256": meta_signature(body) if good else meta_signature(body, "junk")}
		if forwarded:
			headers["X-Forwarded-For"] = forwarded
		return request("POST", META_PATH, data=body, headers=headers, environ={"REMOTE_ADDR": peer})

	def flood(self, peer, forwarded=None):
		return [
			self.deliver(peer, forwarded, good=False).status_code
			for _ in range(webhooks.BAD_SIGNATURE_LIMIT + 1)
		]

	def test_junk_never_blocks_signed_deliveries(self):
		attacker, meta_ip, proxy = self.client_ip(), self.client_ip(), "127.0.0.9"
		for peer in ("127.0.0.1", proxy):  # today's code counted direct junk under 127.0.0.1
			self.limiter_keys.append(webhooks.limit_key("bad_signature", peer))
		# junk that claims to come from Meta's address
		statuses = self.flood(attacker, forwarded=meta_ip)
		self.assertEqual(statuses[:-1], [403] * webhooks.BAD_SIGNATURE_LIMIT)
		self.assertEqual(statuses[-1], 429)
		# Meta's own delivery, arriving through a local proxy that names Meta's address, and direct
		self.assertEqual(self.deliver(proxy, forwarded=meta_ip).status_code, 200)
		self.assertEqual(self.deliver(meta_ip).status_code, 200)
		# plain junk: its sender is limited, yet a validly signed delivery from it still goes through
		other = self.client_ip()
		self.assertEqual(self.flood(other)[-1], 429)
		self.assertEqual(self.deliver(other).status_code, 200)
		self.assertEqual(self.deliver(other, good=False).status_code, 429)

	def test_behind_trusted_proxies_the_right_most_untrusted_hop_counts(self):
		update_site_config(webhooks.TRUSTED_PROXIES_KEY, ["10.77.0.0/16", "192.0.2.250"])
		proxy = "10.77.0.2"
		client, neighbour, meta_ip = self.client_ip(), self.client_ip(), self.client_ip()
		# the client writes anything on the left; the proxies append what they saw on the right
		statuses = self.flood(proxy, forwarded=f"{meta_ip}, {client}, 192.0.2.250")
		self.assertEqual(statuses[-1], 429)
		self.assertEqual(
			self.deliver(proxy, forwarded=f"{meta_ip}, {neighbour}", good=False).status_code, 403
		)
		self.assertEqual(self.deliver(proxy, forwarded=meta_ip).status_code, 200)
		# an untrusted peer's X-Forwarded-For is ignored
		self.assertEqual(webhooks.client_address(client, f"{meta_ip}", []), client)
		self.assertEqual(
			webhooks.client_address(proxy, f"{meta_ip}, {client}", webhooks._trusted_proxies()), client
		)


# --- 7. where the tokens may go, and who decides --------------------------------------------------
class TestChannelSettingsDoors(TrustCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = cls.user("trust.manager", "Social Manager")
		cls.agent = cls.user("trust.agent", "Social Agent")
		cls.approver = cls.user("trust.approver", "Social Approver")
		cls.sysman = cls.user("trust.sysman", "System Manager")
		cls.x = cls.channel("X", uid())

	def setUp(self):
		self.addCleanup(update_site_config, "social_support_allow_any_api_host", "None")

	def put(self, auth, values, name=None):
		return request(
			"PUT",
			f"/api/resource/Social Channel/{quote(name or self.x.name)}",
			data=json.dumps(values).encode(),
			headers={"Authorization": auth},
		)

	def stored(self, field="api_base_url"):
		return frappe.db.get_value("Social Channel", self.x.name, field)

	def test_only_system_managers_set_the_api_base_url(self):
		for url in ("https://collector.example", "http://127.0.0.1:9", "https://api.x.com"):
			r = self.put(self.manager, {"api_base_url": url, **X_SECRETS})
			self.assertEqual(r.status_code, 403, url)
			self.assertIsNone(self.stored())
		name = f"Trust new {uid()}"
		r = request(
			"POST",
			"/api/resource/Social Channel",
			data=json.dumps(
				{
					"channel_name": name,
					"platform": "X",
					"account_id": uid(),
					"api_base_url": "https://collector.example",
					**X_SECRETS,
				}
			).encode(),
			headers={"Authorization": self.manager},
		)
		self.channels.append(name)
		self.assertEqual(r.status_code, 403)
		self.assertFalse(frappe.db.exists("Social Channel", name))
		# other settings stay the Social Manager's
		r = self.put(self.manager, {"listening_terms": "brand", "posting_role": "Social Approver"})
		self.assertEqual(r.status_code, 200)
		self.assertEqual(self.stored("posting_role"), "Social Approver")

	def test_official_hosts_or_this_machine_and_secrets_entered_again(self):
		r = self.put(self.sysman, {"api_base_url": "https://collector.example", **X_SECRETS})
		self.assertEqual(r.status_code, 417)
		self.assertIn("not accepted", r.get_data(as_text=True))
		r = self.put(self.sysman, {"api_base_url": "http://10.0.0.8:8000", **X_SECRETS})
		self.assertEqual(r.status_code, 417)
		self.assertIsNone(self.stored())
		# secrets saved for one host are not sent to another without being entered again
		r = self.put(self.sysman, {"api_base_url": "http://127.0.0.1:9", "consumer_secret": "cs2"})
		self.assertEqual(r.status_code, 417)
		self.assertIn("Enter every secret again", r.get_data(as_text=True))
		self.assertIsNone(self.stored())
		r = self.put(self.sysman, {"api_base_url": "http://127.0.0.1:9", **X_SECRETS})
		self.assertEqual(r.status_code, 200)
		self.assertEqual(self.stored(), "http://127.0.0.1:9")
		r = self.put(self.sysman, {"api_base_url": "https://api.x.com", **X_SECRETS})
		self.assertEqual(r.status_code, 200)
		# any host only when the site says so
		update_site_config("social_support_allow_any_api_host", 1)
		r = self.put(self.sysman, {"api_base_url": "https://proxy.example:8443", **X_SECRETS})
		self.assertEqual(r.status_code, 200)
		self.assertEqual(self.stored(), "https://proxy.example:8443")
		update_site_config("social_support_allow_any_api_host", "None")
		# a host saved back then is refused before any token is sent (test connection, polls, sends)
		r = request(
			"POST",
			"/api/method/social_support.api.channel.test_connection",
			data=json.dumps({"channel": self.x.name}).encode(),
			headers={"Authorization": self.sysman},
		)
		self.assertEqual(r.status_code, 417)
		self.assertIn("not accepted", r.get_data(as_text=True))
		r = self.put(self.sysman, {"api_base_url": None, **X_SECRETS})
		self.assertEqual(r.status_code, 200)

	def test_polls_and_sends_on_a_refused_host_fail_cleanly(self):
		from social_support.ingest.poll import poll_channel
		from social_support.outbound.send import send_reply

		# a host saved before the rule (or accepted under a site flag since removed)
		frappe.db.set_value("Social Channel", self.x.name, "api_base_url", "https://collector.example")
		frappe.db.commit()
		self.addCleanup(frappe.db.set_value, "Social Channel", self.x.name, "api_base_url", None)
		result = poll_channel(self.x.name)
		self.assertIn("not accepted", result["error"])
		self.assertIn("not accepted", frappe.db.get_value("Social Channel", self.x.name, "last_error"))
		reply = frappe.get_doc(
			{
				"doctype": "Social Reply",
				"reference_doctype": "Issue",
				"reference_name": "none",
				"channel": self.x.name,
				"platform": "X",
				"mode": "Public Reply",
				"target_id": "1",
				"text": "hello",
				"final_text": "hello",
				"status": "Approved",
				"author": "Administrator",
			}
		)
		reply.flags.social_internal = True
		reply.db_insert()
		self.addCleanup(frappe.db.delete, "Social Reply", {"name": reply.name})
		frappe.db.commit()
		with (
			patch("social_support.outbound.send.assert_sendable"),
			patch("social_support.outbound.send._fail") as fail,
		):
			fail.side_effect = lambda r, message: message
			message = send_reply(reply.name)
		self.assertIn("not accepted", message)

	def test_agents_and_approvers_change_nothing_even_when_shared(self):
		for user in (self.agent, self.approver):
			r = self.put(user, {"posting_role": "Guest"})
			self.assertEqual(r.status_code, 403)
		for email in (f"trust.agent@{DOMAIN}", f"trust.approver@{DOMAIN}"):
			frappe.share.add_docshare(
				"Social Channel", self.x.name, email, write=1, flags={"ignore_share_permission": True}
			)
		frappe.db.commit()
		self.addCleanup(self.unshare)
		before = self.stored("posting_role")
		for user in (self.agent, self.approver):
			r = self.put(user, {"posting_role": "Guest"})
			self.assertEqual(r.status_code, 403)
			r = self.put(user, {"api_base_url": "http://127.0.0.1:9", **X_SECRETS})
			self.assertEqual(r.status_code, 403)
			r = request(
				"POST",
				"/api/method/frappe.client.set_value",
				data=json.dumps(
					{
						"doctype": "Social Channel",
						"name": self.x.name,
						"fieldname": "posting_role",
						"value": "Guest",
					}
				).encode(),
				headers={"Authorization": user},
			)
			self.assertEqual(r.status_code, 403)
		self.assertEqual(self.stored("posting_role"), before)
		self.assertIsNone(self.stored())

	def unshare(self):
		frappe.db.delete("DocShare", {"share_doctype": "Social Channel", "share_name": self.x.name})
		frappe.db.commit()

	def test_channel_methods_need_write_access(self):
		for method in ("test_connection", "poll_now"):
			for auth in (self.agent, self.approver, None):
				r = request(
					"POST",
					f"/api/method/social_support.api.channel.{method}",
					data=json.dumps({"channel": self.x.name}).encode(),
					headers={"Authorization": auth} if auth else {},
				)
				self.assertEqual(r.status_code, 403, (method, auth and auth[:12]))
		for auth in (self.agent, self.approver, None):
			r = request(
				"POST",
				"/api/method/social_support.api.channel.retry_events",
				data=json.dumps({"names": "x"}).encode(),
				headers={"Authorization": auth} if auth else {},
			)
			self.assertEqual(r.status_code, 403)

	def test_readers_never_see_secrets(self):
		for auth in (self.agent, self.approver, self.manager):
			r = request(
				"GET", f"/api/resource/Social Channel/{quote(self.x.name)}", headers={"Authorization": auth}
			)
			self.assertEqual(r.status_code, 200)
			text = r.get_data(as_text=True)
			# whichever secrets the channel holds now (another test may have entered new ones)
			for secret in (X_SECRET, f"{self.x.account_id}-token", "bearer", "ats", *X_SECRETS.values()):
				self.assertNotIn(f'"{secret}"', text)
			self.assertIn('"consumer_secret"', text)  # the field is there, masked

	def test_inbound_events_cannot_be_rewritten(self):
		from social_support.ingest.events import store_event

		name = store_event(
			source="Webhook", platform="X", payload="{}", account_ids=[self.accounts[0]], status="Ignored"
		)
		frappe.db.commit()
		for auth in (self.manager, self.sysman):
			r = request(
				"PUT",
				f"/api/resource/Social Inbound Event/{name}",
				data=json.dumps({"payload": '{"for_user_id": "1"}', "status": "Queued"}).encode(),
				headers={"Authorization": auth},
			)
			self.assertEqual(r.status_code, 403)
		self.assertEqual(
			frappe.db.get_value("Social Inbound Event", name, ["payload", "status"]), ("{}", "Ignored")
		)

	def test_inbound_events_are_not_for_agents_or_guests(self):
		for auth in (self.agent, self.approver, None):
			headers = {"Authorization": auth} if auth else {}
			r = request("GET", "/api/resource/Social Inbound Event", headers=headers)
			self.assertEqual(r.status_code, 403)
		for auth in (self.agent, self.manager, None):
			headers = {"Authorization": auth} if auth else {}
			r = request(
				"POST",
				"/api/resource/Social Inbound Event",
				data=json.dumps({"status": "Queued", "source": "Webhook", "payload": "{}"}).encode(),
				headers=headers,
			)
			self.assertEqual(r.status_code, 403)
