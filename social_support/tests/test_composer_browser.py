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
	deliver_meta,
	make_channel,
	make_customer_with_history,
	open_desk,
	serve_site,
	set_policy,
	sync_playwright,
	uid,
	work,
)

WHATSAPP_SCREENSHOT = os.environ.get("SOCIAL_SUPPORT_WHATSAPP_SCREENSHOT", "/tmp/social_support_whatsapp.png")
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

	def test_whatsapp_outside_the_window_offers_templates_with_a_preview(self):
		import time

		from social_support.api.channel import sync_whatsapp_templates
		from social_support.sandbox import whatsapp_api as wa

		set_policy()
		sandbox = Sandbox().start()
		self.addCleanup(sandbox.stop)
		channel = make_channel(
			"WhatsApp",
			wa.PHONE_NUMBER_ID,
			base_url=sandbox.url,
			name="Browser WhatsApp " + uid(),
			business_account_id=wa.WABA_ID,
		)
		sandbox.whatsapp.add_customer("46705550123", "Anna Berg")
		msg = sandbox.whatsapp.customer_message("46705550123", text="my parcel?", at=time.time() - 2 * wa.DAY)
		deliver_meta(sandbox.whatsapp.message_payload(msg["id"]))
		work(channel.name)
		ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{msg['id']}"}, "reference_name"
		)
		sync_whatsapp_templates(channel.name)
		template = frappe.db.get_value(
			"Social WhatsApp Template", {"channel": channel.name, "template_name": "order_update"}
		)
		frappe.db.commit()

		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		with sync_playwright() as p:
			browser, page = open_desk(p, base, {"width": 1400, "height": 1000})
			errors = []
			page.on("pageerror", lambda e: errors.append(str(e)))
			page.goto(f"{base}/app/issue/{ticket}")
			try:
				page.get_by_role("button", name="Social").click(timeout=60_000)
				page.get_by_role("link", name="Reply on WhatsApp").click()
				page.wait_for_selector(".modal.show .social-wa-window.text-danger", timeout=30_000)
			except Exception:
				page.screenshot(path=WHATSAPP_SCREENSHOT.replace(".png", "-failed.png"))
				raise AssertionError(f"the composer did not show the window: {errors}") from None
			self.assertIn("closed", page.locator(".modal.show .social-wa-window").inner_text())
			options = page.locator(
				".modal.show select[data-fieldname='wa_template'] option"
			).all_inner_texts()
			self.assertTrue(any("order_update" in o for o in options), options)
			self.assertFalse(any("spring_sale" in o for o in options), options)  # paused: not offered
			page.select_option(".modal.show select[data-fieldname='wa_template']", value=template)
			page.wait_for_selector(".modal.show input[data-var='body.2']", timeout=20_000)
			page.fill(".modal.show input[data-var='header.1']", "5512")
			page.fill(".modal.show input[data-var='body.1']", "Anna")
			page.fill(".modal.show input[data-var='body.2']", "5512")
			page.wait_for_function(
				"() => (document.querySelector('.modal.show .social-wa-preview pre') || {}).innerText?.includes('Hello Anna, about your order 5512')",
				timeout=20_000,
			)
			self.assertFalse(page.locator(".modal.show .social-count").is_visible())  # no free-text count
			page.screenshot(path=WHATSAPP_SCREENSHOT)
			page.locator(".modal.show .btn-primary").click()
			page.wait_for_selector(".modal.show", state="detached", timeout=20_000)
			browser.close()
		frappe.db.commit()
		reply = frappe.get_last_doc("Social Reply", filters={"reference_name": ticket})
		self.assertEqual((reply.whatsapp_template, reply.status), (template, "Approved"))
		self.assertEqual(send_reply(reply.name), "Sent")
		self.assertEqual(sandbox.whatsapp.sent[-1]["body"]["template"]["name"], "order_update")
		self.assertEqual(errors, [])
