"""Hostile customer text in a real headless Chromium against the desk: shown as text, never run.

A comment and a mention whose text, name and handle are markup arrive through the signed
webhooks and the worker, then a System Manager opens every desk view that shows customer
text: the Social Message form, list and report view, the Social Inbox, the Issue's timeline,
the reply composer, the Social Profile and Contact, and the wallboard. Nothing may run (no
``window.__xss``, no dialog) and the text must read literally. Skipped, with the reason, only
where Debian's chromium or playwright is missing.
"""

import json
import os
import time
import unittest

import frappe

from social_support.platforms.base import public_thread_key

from .utils import (
	CHROMIUM,
	SocialTestCase,
	deliver_meta,
	deliver_x,
	issue_for,
	make_channel,
	open_desk,
	remove_channel_and_everything_it_made,
	serve_site,
	sync_playwright,
	uid,
	work,
)

SHOTS = os.environ.get("SOCIAL_SUPPORT_SECURITY_SHOTS", "/tmp/social_support_security")
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
SVG = "<svg onload=alert(document.domain)>"
TEXT = f"Order 4411 never arrived {SCRIPT} {IMG} {SVG} a < b <3 javascript:alert(1)"

# Every assignment to window.__xss, on any page of the tab, is recorded in sessionStorage, so a
# script that runs late or on a page we already left is still caught.
TRAP = """
(() => {
	const hit = () => {
		const hits = JSON.parse(sessionStorage.getItem("__xss_hits") || "[]");
		hits.push(location.pathname);
		sessionStorage.setItem("__xss_hits", JSON.stringify(hits));
	};
	Object.defineProperty(window, "__xss", { configurable: true, get: () => undefined, set: hit });
})();
"""


@unittest.skipUnless(CHROMIUM and sync_playwright, "needs Debian's chromium and the playwright package")
class TestHostileTextInBrowser(SocialTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.page_id, cls.x_account = uid(), uid()
		cls.fb = make_channel("Facebook", cls.page_id, name="Trust Browser FB " + uid())
		cls.x = make_channel("X", cls.x_account, name="Trust Browser X " + uid())
		cls._create_contacts = frappe.db.get_single_value("Social Support Settings", "create_contacts")
		frappe.db.set_single_value("Social Support Settings", "create_contacts", 1)
		cls.rule = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test trust browser inbox " + uid(),
				"sequence": 1,
				"channel": cls.fb.name,
				"keywords": "inboxonly",
				"action": "Log Only",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.delete_doc("Social Triage Rule", cls.rule.name, force=True, ignore_permissions=True)
		for channel in (cls.fb.name, cls.x.name):
			remove_channel_and_everything_it_made(channel)
		frappe.db.set_single_value("Social Support Settings", "create_contacts", cls._create_contacts)
		frappe.db.commit()
		super().tearDownClass()

	def deliver(self):
		post, who = f"{self.page_id}_{uid()}", uid()
		ticketed, logged = f"{post}_{uid()}", f"{post}_{uid()}"
		for cid, who_, text in ((ticketed, who, TEXT), (logged, uid(), TEXT + " inboxonly")):
			deliver_meta(
				{
					"object": "page",
					"entry": [
						{
							"id": self.page_id,
							"time": int(time.time()),
							"changes": [
								{
									"field": "feed",
									"value": {
										"item": "comment",
										"verb": "add",
										"comment_id": cid,
										"post_id": post,
										"parent_id": post,
										"from": {"id": who_, "name": IMG},
										"message": text,
										"photo": "javascript:alert(2)",
										"created_time": int(time.time()),
									},
								}
							],
						}
					],
				}
			)
		tweet, author = uid(), uid()
		deliver_x(
			{
				"for_user_id": self.x_account,
				"tweet_create_events": [
					{
						"id_str": tweet,
						"text": "@brand " + TEXT,
						"user": {"id_str": author, "screen_name": IMG, "name": SCRIPT},
					}
				],
			}
		)
		work(self.fb.name)
		work(self.x.name)

		def msg(channel, external_id):
			return frappe.get_doc("Social Message", {"message_key": f"{channel}:{external_id}"})

		return {
			"fb": msg(self.fb.name, ticketed),
			"inbox": msg(self.fb.name, logged),
			"x": msg(self.x.name, tweet),
			"fb_issue": issue_for(self.fb.name, public_thread_key(post, who)),
			"x_issue": issue_for(self.x.name, public_thread_key(tweet, author)),
		}

	def test_hostile_text_is_shown_literally_and_never_runs(self):
		got = self.deliver()
		self.assertEqual(got["inbox"].inbox_status, "Needs Decision")
		self.assertTrue(got["fb_issue"] and got["x_issue"])
		profile = frappe.get_doc("Social Profile", got["fb"].social_profile)
		frappe.db.commit()

		os.makedirs(SHOTS, exist_ok=True)
		server = serve_site()
		self.addCleanup(server.shutdown)
		base = f"http://127.0.0.1:{server.server_port}"
		dialogs, seen = [], {}
		with sync_playwright() as p:
			browser, page = open_desk(p, base, {"width": 1500, "height": 1000})
			page.add_init_script(TRAP)
			page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

			def hits():
				return json.loads(page.evaluate("() => sessionStorage.getItem('__xss_hits') || '[]'"))

			def view(label, path, ready):
				page.goto(f"{base}{path}")
				try:
					page.wait_for_selector(ready, timeout=60_000)
				except Exception:
					page.screenshot(path=f"{SHOTS}/{label}-failed.png", full_page=True)
					raise
				page.wait_for_timeout(1500)  # an image error or a late script would have run by now
				page.screenshot(path=f"{SHOTS}/{label}.png", full_page=True)
				seen[label] = page.locator("body").inner_text()
				self.assertEqual((hits(), dialogs), ([], []), label)

			# the trap itself catches markup that runs (so a pass below means something)
			view("desk", "/app", "body")
			page.evaluate(f"() => document.body.insertAdjacentHTML('beforeend', {json.dumps(IMG)})")
			page.wait_for_function("() => (sessionStorage.getItem('__xss_hits') || '').includes('/app')")
			page.evaluate("() => sessionStorage.removeItem('__xss_hits')")

			fb = got["fb"]
			view(
				"message-form", f"/app/social-message/{fb.name}", ".frappe-control[data-fieldname='text'] pre"
			)
			text_shown = page.locator(".frappe-control[data-fieldname='text'] .control-value").inner_text()
			self.assertIn(TEXT, text_shown)  # every character, markup included, as text
			self.assertIn(
				'< img src=x onerror="window.__xss=1">',
				page.locator(".frappe-control[data-fieldname='author_name']").inner_text(),
			)
			view(
				"message-list",
				f"/app/social-message?channel={self.fb.name}",
				".list-row-container .list-row",
			)
			view(
				"message-report",
				f"/app/social-message/view/report?channel={self.fb.name}",
				".dt-row-0",
			)
			view(
				"social-inbox",
				f"/app/social-message?inbox_status=Needs%20Decision&channel={self.fb.name}",
				".list-row-container .list-row",
			)
			self.assertIn("1 of 1", seen["social-inbox"])
			view(
				"x-message-form",
				f"/app/social-message/{got['x'].name}",
				".frappe-control[data-fieldname='text'] pre",
			)
			self.assertIn("< script>window.__xss=1< /script>", seen["x-message-form"])

			view("issue", f"/app/issue/{got['fb_issue'].name}", ".timeline-item .timeline-message-box")
			timeline = page.locator(".new-timeline").inner_text()
			self.assertIn(SCRIPT, timeline)
			self.assertIn("a < b <3", timeline)
			self.assertIn("< img src=x", timeline)  # the sender's name, defused and readable

			page.get_by_role("button", name="Social").click(timeout=30_000)
			page.get_by_role("link", name="Reply on Facebook").click()
			page.wait_for_selector(".modal.show .social-thread", timeout=30_000)
			page.wait_for_timeout(1000)
			page.screenshot(path=f"{SHOTS}/composer.png")
			thread = page.locator(".modal.show .social-thread").inner_text()
			self.assertIn(SCRIPT, thread)
			self.assertIn(IMG, thread)
			self.assertEqual((hits(), dialogs), ([], []), "composer")
			page.keyboard.press("Escape")

			view("x-issue", f"/app/issue/{got['x_issue'].name}", ".timeline-item .timeline-message-box")
			self.assertIn(SVG, page.locator(".new-timeline").inner_text())
			view(
				"profile",
				f"/app/social-profile/{profile.name}",
				".frappe-control[data-fieldname='display_name']",
			)
			view("contact", f"/app/contact/{profile.contact}", ".frappe-control[data-fieldname='first_name']")
			view("wallboard", "/app/social-wallboard", "[data-figure=waiting]")
			browser.close()

		permalinks = {m.permalink for m in (got["fb"], got["inbox"], got["x"])}
		self.assertEqual(
			permalinks,
			{
				f"https://www.facebook.com/{got['fb'].external_id}",
				f"https://www.facebook.com/{got['inbox'].external_id}",
				None,
			},
		)
