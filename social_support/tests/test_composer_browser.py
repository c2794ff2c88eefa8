"""The reply composer in a real headless Chromium against the desk (Debian's chromium + playwright).

Serves the site from this process (Frappe's WSGI app with its static assets) on a free
port, logs in as Administrator, opens a social Issue, writes, sees the live count and the
warnings, sends, and sees the reply on the timeline. Skipped, with the reason, only where
no Chromium or playwright is installed; the desk assets must be built (bench build).
"""

import os
import unittest

import frappe

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply
from social_support.sandbox.server import Sandbox

from .utils import (
	CHROMIUM,
	SocialTestCase,
	make_channel,
	make_customer_with_history,
	open_desk,
	serve_site,
	set_policy,
	sync_playwright,
	uid,
)

SCREENSHOT = os.environ.get("SOCIAL_SUPPORT_SCREENSHOT", "/tmp/social_support_composer.png")
PANEL_SCREENSHOT = os.environ.get("SOCIAL_SUPPORT_PANEL_SCREENSHOT", "/tmp/social_support_customer_panel.png")


@unittest.skipUnless(CHROMIUM and sync_playwright, "needs Debian's chromium and the playwright package")
class TestComposerInBrowser(SocialTestCase):
	def test_write_see_warnings_and_count_send_and_see_it_on_the_timeline(self):
		set_policy()
		sandbox = Sandbox().start()
		self.addCleanup(sandbox.stop)
		channel = make_channel("X", "99", base_url=sandbox.url, poll=1, webhooks=0, name="Browser X " + uid())
		sandbox.x.add_user("3777", "carla", "Carla Customer")
		tweet = sandbox.x.post_tweet("3777", "@brand the app logs me out all the time")
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{tweet['id']}"}, "reference_name"
		)
		frappe.db.commit()

		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser, page = open_desk(p, base, {"width": 1400, "height": 1000})

			page.goto(f"{base}/app/issue/{ticket}")
			try:
				page.get_by_role("button", name="Social").click(timeout=60_000)
			except Exception:
				page.screenshot(path=SCREENSHOT.replace(".png", "-failed.png"))
				raise
			page.get_by_role("link", name="Reply on X").click()
			box = page.locator(".modal.show textarea[data-fieldname='text']")
			box.fill("We will just check it, call us at +1 415 555 2671")
			page.wait_for_selector(".modal.show .social-check.text-danger", timeout=20_000)
			checks = page.locator(".modal.show .social-check").all_inner_texts()
			self.assertTrue(any("Personal data" in c for c in checks), checks)
			self.assertTrue(any("dismissive" in c for c in checks), checks)
			self.assertIn("/ 280", page.locator(".modal.show .social-count").inner_text())

			box.fill("So sorry! We are looking into the log-outs now.")
			page.wait_for_function(
				"() => !document.querySelector('.modal.show .social-check.text-danger')", timeout=20_000
			)
			page.screenshot(path=SCREENSHOT)
			page.locator(".modal.show .btn-primary").click()
			page.wait_for_selector(".modal.show", state="detached", timeout=20_000)

			frappe.db.commit()
			reply = frappe.get_last_doc("Social Reply", filters={"reference_name": ticket})
			self.assertEqual(reply.status, "Approved")
			self.assertEqual(send_reply(reply.name), "Sent")  # what the worker does with the queued job
			page.reload()
			page.wait_for_selector("text=We are looking into the log-outs now", timeout=30_000)
			browser.close()
		self.assertIn("looking into the log-outs", sandbox.x.sent_tweets()[-1]["text"])

	def test_the_composer_shows_the_customer_at_a_glance_and_inserts_a_reference(self):
		set_policy()
		sandbox = Sandbox().start()
		self.addCleanup(sandbox.stop)
		history = make_customer_with_history(self, sandbox)
		agent.link_contact(history.ticket, history.known.contact)
		frappe.db.commit()

		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser, page = open_desk(p, base, {"width": 1400, "height": 1000})
			errors = []
			page.on("pageerror", lambda e: errors.append(str(e)))
			page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
			page.goto(f"{base}/app/issue/{history.ticket}")
			try:
				page.get_by_role("button", name="Social").click(timeout=60_000)
				page.get_by_role("link", name="Reply on Facebook").click()
				page.wait_for_selector(".modal.show .social-customer", timeout=30_000)
			except Exception:
				page.screenshot(path=PANEL_SCREENSHOT.replace(".png", "-failed.png"))
				raise AssertionError(f"the composer did not show the customer: {errors}") from None
			panel = page.locator(".modal.show .social-customer").inner_text()
			for expected in (
				history.known.customer,
				history.email_ticket,
				"Invoice question by email",
				history.claim,
				"mentioned by the customer",
				"Flagged",
				"Prefers calls",
			):
				self.assertIn(expected, panel)
			self.assertEqual(page.locator(".modal.show .social-customer .social-mentioned").count(), 1)
			page.screenshot(path=PANEL_SCREENSHOT)
			page.locator(".modal.show .social-mentioned .social-insert").click()
			box = page.locator(".modal.show textarea[data-fieldname='text']")
			page.wait_for_function(
				"(name) => (document.querySelector(\".modal.show textarea[data-fieldname='text']\") || {}).value?.includes(name)",
				arg=history.claim,
				timeout=10_000,
			)
			self.assertIn(f"{history.claim}, Open", box.input_value())
			browser.close()
