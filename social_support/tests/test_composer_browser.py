"""The reply composer in a real headless Chromium against the desk (Debian's chromium + playwright).

Serves the site from this process (Frappe's WSGI app with its static assets) on a free
port, logs in as Administrator, opens a social Issue, writes, sees the live count and the
warnings, sends, and sees the reply on the timeline. Skipped, with the reason, only where
no Chromium or playwright is installed; the desk assets must be built (bench build).
"""

import os
import shutil
import threading
import unittest

import frappe
from frappe.tests.utils import FrappeTestCase

from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply
from social_support.sandbox.server import Sandbox

from .test_replies import set_policy
from .utils import make_channel, uid

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = os.environ.get("SOCIAL_SUPPORT_SCREENSHOT", "/tmp/social_support_composer.png")

try:
	from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - only where playwright is not installed
	sync_playwright = None


def serve_site():
	import logging

	import frappe.app
	from werkzeug.middleware.shared_data import SharedDataMiddleware
	from werkzeug.serving import make_server

	logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the request log would drown the test output
	frappe.app._site = frappe.local.site
	app = SharedDataMiddleware(
		frappe.app.application, {"/assets": os.path.abspath(os.path.join(frappe.local.sites_path, "assets"))}
	)
	server = make_server("127.0.0.1", 0, app, threaded=True)
	threading.Thread(target=server.serve_forever, daemon=True).start()
	return server


def open_desk(p, base: str, viewport: dict):
	"""Debian's chromium through playwright, logged in to the desk as Administrator: (browser, page)."""
	browser = p.chromium.launch(
		executable_path=CHROMIUM,
		args=[
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--no-first-run",
		],
	)
	page = browser.new_page(viewport=viewport)
	page.goto(f"{base}/login")
	page.fill("#login_email", "Administrator")
	page.fill("#login_password", frappe.conf.get("admin_password") or "admin")
	page.click(".btn-login")
	page.wait_for_url("**/app**", timeout=60_000)
	return browser, page


@unittest.skipUnless(CHROMIUM and sync_playwright, "needs Debian's chromium and the playwright package")
class TestComposerInBrowser(FrappeTestCase):
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
