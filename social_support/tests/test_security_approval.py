"""Trust: one gate for every public word. Every door to a Social Reply's state, tried as each role:
REST (POST, PUT, DELETE), frappe.client, the whitelisted actions over HTTP and in-process, and the
scheduler's send path against the sandbox. A reply pushed into Approved by any client door never
reaches the platform. Also: approval tiers by distinct people, the email composer guard, write
access for posting, the survey page's CSRF token, incident resolve/link, profile policy fields and
triage rule patterns.

Everything created here (users, channels, tickets, replies, profiles, contacts) is removed again.
"""

import json
import re
import threading
from unittest.mock import patch
from urllib.parse import quote

import frappe
from frappe.utils import add_to_date, get_test_client, now_datetime

from social_support.api import agent
from social_support.ingest.poll import poll_channel
from social_support.outbound import send

from .utils import (
	SURVEY_LINK_TOKEN,
	ReplyCase,
	ensure_user,
	make_channel,
	request,
	resolve,
	set_policy,
	set_survey_settings,
	uid,
)

PASSWORD = "Trust-Gate-Test-4821!"
SEC_AGENT, SEC_AGENT2, SEC_APPROVER, SEC_APPROVER2, SEC_MANAGER, SEC_SYSMGR, SEC_READER = (
	f"sec.{n}@example.com"
	for n in ("agent", "agent2", "approver", "approver2", "manager", "sysmgr", "reader")
)
ROLES = {
	SEC_AGENT: ["Social Agent", "Support Team"],
	SEC_AGENT2: ["Social Agent", "Support Team"],
	SEC_APPROVER: ["Social Approver", "Support Team"],
	SEC_APPROVER2: ["Social Approver", "Support Team"],
	SEC_MANAGER: ["Social Manager", "Support Team"],
	SEC_SYSMGR: ["System Manager", "Support Team"],
	# a Social Agent without ERPNext's Support Team role: sees only the tickets shared with them
	SEC_READER: ["Social Agent"],
}
STATE_FIELDS = ("status", "text", "final_text", "approvals_done", "approvals_needed", "approved_by")


def purge_channel(channel: str) -> None:
	"""Everything a test created on its channel, down to contacts and audit rows."""
	tickets = frappe.get_all("Issue", filters={"social_channel": channel}, pluck="name")
	replies = frappe.get_all("Social Reply", filters={"channel": channel}, pluck="name")
	messages = frappe.get_all("Social Message", filters={"channel": channel}, pluck="name")
	profiles = {
		p for p in frappe.get_all("Social Message", filters={"channel": channel}, pluck="social_profile") if p
	}
	contacts = {
		c for c in frappe.get_all("Issue", filters={"name": ("in", tickets or [""])}, pluck="contact") if c
	}
	contacts |= {
		c
		for c in frappe.get_all(
			"Social Profile", filters={"name": ("in", list(profiles) or [""])}, pluck="contact"
		)
		if c
	}
	for doctype, names in (("Social Reply", replies), ("Issue", tickets), ("Social Message", messages)):
		if names:
			frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
			frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", names)})
			frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ("in", names)})
			frappe.db.delete("DocShare", {"share_doctype": doctype, "share_name": ("in", names)})
	if replies:
		frappe.db.delete("Social Reply Approval", {"parent": ("in", replies)})
		frappe.db.delete("Social Reply", {"name": ("in", replies)})
	if tickets:
		comms = frappe.get_all(
			"Communication",
			filters={"reference_doctype": "Issue", "reference_name": ("in", tickets)},
			pluck="name",
		)
		if comms:
			frappe.db.delete("Communication Link", {"parent": ("in", comms)})
			frappe.db.delete("Communication", {"name": ("in", comms)})
		frappe.db.delete("ToDo", {"reference_type": "Issue", "reference_name": ("in", tickets)})
		frappe.db.delete("Social Survey", {"reference_name": ("in", tickets)})
		frappe.db.delete("Issue", {"name": ("in", tickets)})
	if messages:
		frappe.db.delete("Social Message", {"name": ("in", messages)})
	if profiles:
		frappe.db.delete("Social Profile", {"name": ("in", list(profiles))})
	for contact in contacts:
		frappe.db.delete("Dynamic Link", {"parenttype": "Contact", "parent": contact})
		frappe.db.delete("Contact Email", {"parent": contact})
		frappe.db.delete("Contact", {"name": contact})
	frappe.db.delete("Social Poll Cursor", {"channel": channel})
	frappe.db.delete("Social Inbound Event", {"channel": channel})
	frappe.db.delete("__Auth", {"doctype": "Social Channel", "name": channel})
	frappe.db.delete("Social Channel", {"name": channel})
	frappe.db.commit()


def remove_user(email: str) -> None:
	if not frappe.db.exists("User", email):
		return
	for doctype, field in (
		("Notification Log", "for_user"),
		("Version", "owner"),
		("Comment", "owner"),
		("DocShare", "user"),
		("ToDo", "allocated_to"),
		("Activity Log", "user"),
		("Access Log", "user"),
		("Route History", "user"),
	):
		frappe.db.delete(doctype, {field: email})
	frappe.delete_doc("User", email, force=True, ignore_permissions=True)
	frappe.db.commit()


class SecurityCase(ReplyCase):
	"""ReplyCase (sandbox, policy) plus users with passwords and API keys, and a full clean-up."""

	def setUp(self):
		super().setUp()
		self.tokens = {}
		for email, roles in ROLES.items():
			remove_user(email)
			ensure_user(email, roles, first=email.split("@")[0].split(".")[1].title(), last="Tester")
			user = frappe.get_doc("User", email)
			secret = frappe.generate_hash(length=15)
			user.api_key = frappe.generate_hash(length=15)
			user.api_secret = secret
			user.new_password = PASSWORD
			user.save(ignore_permissions=True)
			self.tokens[email] = f"token {user.api_key}:{secret}"
			self.addCleanup(remove_user, email)
		frappe.db.commit()
		self.channels = []
		self.addCleanup(self.purge)

	def purge(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for channel in self.channels:
			purge_channel(channel)
		set_policy()

	def x_ticket(self, text="@brand my order 5512 is late"):
		channel, ticket, tweet = super().x_ticket(text)
		self.channels.append(channel.name)
		return channel, ticket, tweet

	def http(self, user, method, path, body=None, form=None):
		headers = {"Authorization": self.tokens[user], "Accept": "application/json"}
		if form is not None:
			data = "&".join(f"{k}={quote(str(v))}" for k, v in form.items()).encode()
			headers["Content-Type"] = "application/x-www-form-urlencoded"
		else:
			data = json.dumps(body).encode() if body is not None else None
		return request(method, path, data=data, headers=headers)

	def state(self, name):
		return frappe.db.get_value("Social Reply", name, STATE_FIELDS, as_dict=True)

	def pending_reply(self, author=SEC_AGENT, tiers=1, text="We are on it, sorry for the wait"):
		set_policy(approve_public=1, approval_tiers=tiers)
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(author, ticket, text)
		self.assertEqual(r["status"], "Pending Approval")
		frappe.db.commit()
		return r["name"], ticket

	def run_scheduler_send(self, name):
		"""What the scheduler does minutes later: retry_due picks Approved replies, the worker sends."""
		frappe.db.set_value(
			"Social Reply", name, "modified", add_to_date(now_datetime(), minutes=-10), update_modified=False
		)
		frappe.db.commit()
		send.retry_due()
		return send.send_reply(name)

	def assert_nothing_posted(self):
		self.assertEqual(self.sandbox.x.sent_tweets(), [])
		self.assertEqual(self.sandbox.requests_to(r"^/2/tweets$", "POST"), [])


class TestRestDoors(SecurityCase):
	def test_put_approved_over_rest_is_refused_for_every_role_and_nothing_is_posted(self):
		name, _ticket = self.pending_reply()
		before = self.state(name)
		for user in (SEC_AGENT, SEC_APPROVER, SEC_MANAGER, SEC_SYSMGR):
			r = self.http(
				user,
				"PUT",
				f"/api/resource/Social Reply/{name}",
				{"status": "Approved", "approvals_done": 1, "text": "Free money for everyone"},
			)
			self.assertEqual(r.status_code, 403, (user, r.get_data(as_text=True)[:300]))
			self.assertEqual(self.state(name), before, user)
		# the System Manager cannot change a single protected field either, one at a time
		for field, value in (
			("status", "Approved"),
			("final_text", "@carla buy now ^SB"),
			("target_id", "1"),
			("mode", "Direct Message"),
			("approvals_needed", 0),
			("attempts", 5),
			("external_id", "x"),
		):
			r = self.http(SEC_SYSMGR, "PUT", f"/api/resource/Social Reply/{name}", {field: value})
			self.assertEqual(r.status_code, 403, (field, r.get_data(as_text=True)[:300]))
		self.assertEqual(self.state(name), before)
		self.assertEqual(self.run_scheduler_send(name), "Pending Approval")
		self.assert_nothing_posted()

	def test_post_an_approved_reply_over_rest_is_refused_for_every_role(self):
		_channel, ticket, tweet = self.x_ticket()
		msg = frappe.db.get_value(
			"Social Message", {"reference_name": ticket}, ["name", "channel"], as_dict=True
		)
		for user in (SEC_AGENT, SEC_APPROVER, SEC_MANAGER, SEC_SYSMGR):
			text = f"Forged by {user} {uid()}"
			r = self.http(
				user,
				"POST",
				"/api/resource/Social Reply",
				{
					"reference_doctype": "Issue",
					"reference_name": ticket,
					"channel": msg.channel,
					"platform": "X",
					"mode": "Public Reply",
					"in_reply_to": msg.name,
					"target_id": tweet["id"],
					"text": text,
					"final_text": text,
					"status": "Approved",
					"author": user,
				},
			)
			self.assertEqual(r.status_code, 403, (user, r.get_data(as_text=True)[:300]))
			self.assertFalse(frappe.db.exists("Social Reply", {"text": text}), user)
		send.retry_due()
		self.assert_nothing_posted()

	def test_delete_over_rest_only_for_system_managers(self):
		name, _ticket = self.pending_reply()
		for user in (SEC_AGENT, SEC_APPROVER, SEC_MANAGER):
			r = self.http(user, "DELETE", f"/api/resource/Social Reply/{name}")
			self.assertEqual(r.status_code, 403, (user, r.get_data(as_text=True)[:300]))
			self.assertTrue(frappe.db.exists("Social Reply", name), user)

	def test_frappe_client_doors_and_approval_rows_are_closed(self):
		name, _ticket = self.pending_reply()
		before = self.state(name)
		r = self.http(
			SEC_APPROVER,
			"POST",
			"/api/method/frappe.client.set_value",
			{"doctype": "Social Reply", "name": name, "fieldname": "status", "value": "Approved"},
		)
		self.assertEqual(r.status_code, 403, r.get_data(as_text=True)[:300])
		doc = frappe.get_doc("Social Reply", name).as_dict(convert_dates_to_str=True)
		doc.update({"status": "Approved", "approvals_done": 1})
		r = self.http(SEC_SYSMGR, "POST", "/api/method/frappe.client.save", {"doc": doc})
		self.assertEqual(r.status_code, 403, r.get_data(as_text=True)[:300])
		row = {
			"doctype": "Social Reply Approval",
			"parenttype": "Social Reply",
			"parentfield": "approvals",
			"parent": name,
			"approver": SEC_APPROVER,
			"tier": 1,
		}
		r = self.http(SEC_SYSMGR, "POST", "/api/method/frappe.client.insert", {"doc": row})
		self.assertGreaterEqual(r.status_code, 400, r.get_data(as_text=True)[:300])
		r = self.http(SEC_SYSMGR, "POST", "/api/resource/Social Reply Approval", row)
		self.assertGreaterEqual(r.status_code, 400, r.get_data(as_text=True)[:300])
		self.assertEqual(frappe.db.count("Social Reply Approval", {"parent": name}), 0)
		self.assertEqual(self.state(name), before)
		self.assertEqual(self.run_scheduler_send(name), "Pending Approval")
		self.assert_nothing_posted()

	def test_approve_over_http_as_each_role(self):
		name, _ticket = self.pending_reply(author=SEC_AGENT)
		path = "/api/method/social_support.api.agent.approve_reply"
		for user in (SEC_AGENT2, SEC_AGENT):  # agents never approve; the author least of all
			r = self.http(user, "POST", path, form={"reply": name})
			self.assertEqual(r.status_code, 403, (user, r.get_data(as_text=True)[:300]))
		self.assertEqual(self.state(name).status, "Pending Approval")
		r = self.http(SEC_APPROVER, "POST", path, form={"reply": name})
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		self.assertEqual(r.json["message"]["status"], "Approved")
		self.assertEqual(self.run_scheduler_send(name), "Sent")  # the one honest path does post
		self.assertEqual(len(self.sandbox.x.sent_tweets()), 1)


class TestSendRechecksTheApproval(SecurityCase):
	def test_a_reply_forced_into_approved_is_failed_not_posted(self):
		# any door nobody thought of: the state is written straight into the table
		name, _ticket = self.pending_reply()
		frappe.db.set_value("Social Reply", name, {"status": "Approved", "approvals_done": 1})
		frappe.db.commit()
		self.assertEqual(self.run_scheduler_send(name), "Failed")
		self.assertIn("approval", frappe.db.get_value("Social Reply", name, "error"))
		self.assert_nothing_posted()

	def test_text_changed_after_approval_is_not_posted(self):
		set_policy()
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(SEC_AGENT, ticket, "Looking into it right now")
		self.assertEqual(r["status"], "Approved")  # no reason to hold it: approved by the policy
		frappe.db.set_value("Social Reply", r["name"], "final_text", "@carla visit spam.example ^ST")
		frappe.db.commit()
		self.assertEqual(send.send_reply(r["name"]), "Failed")
		self.assertIn(
			"not the text that was approved", frappe.db.get_value("Social Reply", r["name"], "error")
		)
		self.assert_nothing_posted()

	def test_recorded_approvals_must_be_distinct_people_other_than_the_author(self):
		from social_support.outbound.sendable import NotSendable, assert_sendable, text_hash

		name, _ticket = self.pending_reply(tiers=2)
		final = frappe.db.get_value("Social Reply", name, "final_text")
		h = text_hash(final)
		frappe.db.set_value("Social Reply", name, {"status": "Approved", "approved_text_hash": h})
		reply = frappe.get_doc("Social Reply", name)
		for approvers in ([SEC_APPROVER, SEC_APPROVER], [SEC_AGENT, SEC_APPROVER], [SEC_APPROVER]):
			frappe.db.delete("Social Reply Approval", {"parent": name})
			for i, who in enumerate(approvers):
				row = reply.append(
					"approvals",
					{"tier": i + 1, "approver": who, "approved_on": now_datetime(), "text_hash": h},
				)
				row.db_insert()
			with self.assertRaises(NotSendable, msg=approvers):
				assert_sendable(name)
		frappe.db.commit()
		self.assertEqual(send.send_reply(name), "Failed")
		self.assert_nothing_posted()

	def test_the_checks_run_again_on_the_final_text(self):
		from social_support.outbound.sendable import NotSendable, assert_sendable, text_hash

		set_policy()
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(SEC_AGENT, ticket, "Looking into it right now")
		leaked = "@carla call me on +1 415 555 2671 ^ST"  # personal data in public, approved hash and all
		frappe.db.set_value(
			"Social Reply", r["name"], {"final_text": leaked, "approved_text_hash": text_hash(leaked)}
		)
		with self.assertRaises(NotSendable):
			assert_sendable(r["name"])
		frappe.db.commit()
		self.assertEqual(send.send_reply(r["name"]), "Failed")
		self.assert_nothing_posted()

	def test_replies_approved_before_the_upgrade_keep_their_approval(self):
		from social_support.patches import backfill_reply_approvals

		name, _ticket = self.pending_reply()
		frappe.db.set_value(
			"Social Reply",
			name,
			{
				"status": "Approved",
				"approvals_done": 1,
				"approved_by": f"{SEC_APPROVER} (2026-11-30 10:00:00)",
			},
		)
		backfill_reply_approvals.execute()
		self.assertEqual(
			frappe.get_all("Social Reply Approval", filters={"parent": name}, pluck="approver"),
			[SEC_APPROVER],
		)
		frappe.db.commit()
		self.assertEqual(send.send_reply(name), "Sent")


class TestApprovalTiers(SecurityCase):
	def test_one_approver_cannot_fill_two_tiers(self):
		name, _ticket = self.pending_reply(tiers=3)
		frappe.set_user(SEC_APPROVER)
		out = agent.approve_replies(names=json.dumps([name, name, name]))
		self.assertEqual(len(out["approved"]), 1)
		with self.assertRaises(frappe.PermissionError):
			agent.approve_reply(name)  # approving twice is one approval
		frappe.set_user("Administrator")
		self.assertEqual((self.state(name).status, self.state(name).approvals_done), ("Pending Approval", 1))
		frappe.set_user(SEC_APPROVER2)
		self.assertEqual(agent.approve_reply(name)["approvals_done"], 2)
		frappe.set_user(SEC_MANAGER)
		self.assertEqual(agent.approve_reply(name)["status"], "Approved")
		frappe.set_user("Administrator")
		rows = frappe.get_all(
			"Social Reply Approval", filters={"parent": name}, fields=["tier", "approver"], order_by="idx asc"
		)
		self.assertEqual(
			[(r.tier, r.approver) for r in rows], [(1, SEC_APPROVER), (2, SEC_APPROVER2), (3, SEC_MANAGER)]
		)
		self.assertEqual(send.send_reply(name), "Sent")

	def test_the_author_never_approves_not_even_a_system_manager(self):
		set_policy(approve_all=1)
		_channel, ticket, _tweet = self.x_ticket()
		r = self.send_as(SEC_SYSMGR, ticket, "Sorry, checking it now")
		self.assertEqual(r["status"], "Pending Approval")
		frappe.set_user(SEC_SYSMGR)
		with self.assertRaises(frappe.PermissionError):
			agent.approve_reply(r["name"])
		self.assertEqual(agent.approve_replies(names=[r["name"]])["approved"], [])
		frappe.set_user("Administrator")
		self.assertEqual(self.state(r["name"]).status, "Pending Approval")

	def test_approving_needs_write_on_the_ticket_and_the_right_to_post(self):
		name, _ticket = self.pending_reply()
		channel = frappe.db.get_value("Social Reply", name, "channel")
		frappe.db.set_value("Social Channel", channel, "posting_role", "Social Manager")
		frappe.db.commit()
		frappe.set_user(SEC_APPROVER)
		with self.assertRaises(frappe.PermissionError):
			agent.approve_reply(name)  # may not post on this channel
		frappe.set_user("Administrator")
		frappe.db.set_value("Social Channel", channel, "posting_role", None)
		frappe.get_doc("User", SEC_APPROVER).remove_roles("Support Team")  # no access to Issues any more
		frappe.db.commit()
		frappe.set_user(SEC_APPROVER)
		with self.assertRaises(frappe.PermissionError):
			agent.approve_reply(name)
		with self.assertRaises(frappe.PermissionError):
			agent.reject_reply(name, "not on my tickets")
		frappe.set_user("Administrator")
		self.assertEqual(self.state(name).status, "Pending Approval")

	def test_an_edit_voids_the_approvals_given_to_the_earlier_text(self):
		name, _ticket = self.pending_reply(tiers=2, text="We will check it")
		frappe.set_user(SEC_APPROVER)
		self.assertEqual(agent.approve_reply(name)["approvals_done"], 1)
		frappe.set_user(SEC_APPROVER2)
		edited = agent.approve_reply(name, text="We will check it right away")
		self.assertEqual((edited["status"], edited["approvals_done"]), ("Pending Approval", 1))
		frappe.set_user(SEC_APPROVER)
		self.assertEqual(agent.approve_reply(name)["status"], "Approved")  # now for the words that go out
		frappe.set_user("Administrator")
		self.assertEqual(send.send_reply(name), "Sent")
		self.assertEqual(self.sandbox.x.sent_tweets()[-1]["text"], "@carla We will check it right away ^AT")

	def test_concurrent_approvals_by_two_approvers_both_count(self):
		name, _ticket = self.pending_reply(tiers=2)
		frappe.db.commit()
		site, client, out = frappe.local.site, get_test_client(), {}
		headers = {
			"Authorization": self.tokens[SEC_APPROVER],
			"Content-Type": "application/x-www-form-urlencoded",
		}

		def approve():
			with patch("frappe.app.get_site_name", return_value=site):
				out["r"] = client.open(
					"/api/method/social_support.api.agent.approve_reply",
					method="POST",
					data=f"reply={name}".encode(),
					headers=headers,
				)

		# the second approver is at work on the reply (its row locked by this connection) ...
		frappe.db.sql("select name from `tabSocial Reply` where name=%s for update", name)
		worker = threading.Thread(target=approve)
		worker.start()
		worker.join(3)
		self.assertTrue(worker.is_alive(), "the first approval did not wait for the row lock")
		# ... and approves while the first one waits
		frappe.set_user(SEC_APPROVER2)
		self.assertEqual(agent.approve_reply(name)["approvals_done"], 1)
		frappe.set_user("Administrator")
		frappe.db.commit()
		worker.join(60)
		self.assertEqual(out["r"].status_code, 200, out["r"].get_data(as_text=True)[:300])
		self.assertEqual(out["r"].json["message"]["status"], "Approved")
		frappe.db.commit()
		rows = frappe.get_all(
			"Social Reply Approval", filters={"parent": name}, pluck="approver", order_by="idx"
		)
		self.assertEqual(rows, [SEC_APPROVER2, SEC_APPROVER])


class TestPostingNeedsWrite(SecurityCase):
	def test_read_only_access_to_a_ticket_does_not_post(self):
		_channel, ticket, _tweet = self.x_ticket()
		frappe.share.add_docshare(
			"Issue", ticket, SEC_READER, read=1, write=0, flags={"ignore_share_permission": True}
		)
		msg = frappe.db.get_value("Social Message", {"reference_name": ticket}, "name")
		frappe.db.commit()
		frappe.set_user(SEC_READER)
		self.assertIn("checks", agent.check_draft(ticket, "Hello"))  # drafting stays open to readers
		for call in (
			lambda: agent.reply(ticket, "Hello from a reader"),
			lambda: agent.thank_publicly(ticket, "Thanks!"),
			lambda: agent.like(msg),
			lambda: agent.repost(msg),
		):
			with self.assertRaises(frappe.PermissionError):
				call()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": ticket}), 0)
		self.assertEqual((self.sandbox.x.likes, self.sandbox.x.retweets), ([], []))
		self.assert_nothing_posted()


class TestEmailGuard(SecurityCase):
	def test_notifications_and_background_mail_never_become_social_replies(self):
		_channel, ticket, _tweet = self.x_ticket()
		raised_by = frappe.db.get_value("Issue", ticket, "raised_by")
		base = {
			"doctype": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Sent",
			"subject": "Your ticket was updated",
			"content": "<p>Status: Open. Reply to this email.</p>",
			"recipients": raised_by,
			"reference_doctype": "Issue",
			"reference_name": ticket,
		}
		# what a Frappe Notification writes (frappe.email.doctype.notification, in any context)
		notification = frappe.get_doc({**base, "communication_type": "Automated Message"}).insert(
			ignore_permissions=True
		)
		# a Communication written by a background job or the console: no person's request behind it
		job = frappe.get_doc({**base, "communication_type": "Communication"}).insert(ignore_permissions=True)
		for comm in (notification, job):
			self.assertFalse(
				frappe.db.exists("Social Reply", {"communication": comm.name}), comm.communication_type
			)
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": ticket}), 0)

	def test_an_agent_writing_in_the_email_composer_still_answers_in_the_channel(self):
		_channel, ticket, _tweet = self.x_ticket()
		raised_by = frappe.db.get_value("Issue", ticket, "raised_by")
		r = self.http(
			SEC_AGENT,
			"POST",
			"/api/method/frappe.core.doctype.communication.email.make",
			{
				"doctype": "Issue",
				"name": ticket,
				"recipients": raised_by,
				"subject": "Re: order",
				"content": "<p>Thanks, checking now</p>",
				"send_email": 0,
			},
		)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:500])
		comm = r.json["message"]["name"]
		reply = frappe.get_doc("Social Reply", {"communication": comm})
		self.assertEqual((reply.author, reply.text), (SEC_AGENT, "@carla Thanks, checking now"))


class TestSurveyCsrf(SecurityCase):
	def sent_survey(self):
		from social_support.surveys import sending

		set_survey_settings()
		_channel, ticket, _tweet = self.x_ticket()
		resolve(ticket)
		sending.send_due()
		frappe.db.commit()
		return ticket, SURVEY_LINK_TOKEN.search(self.sandbox.x.sent_dms()[-1]["text"]).group(1)

	def browser(self):
		"""A logged-in browser: cookies kept across requests, the desk opened once (which issues the CSRF token)."""
		client, site = get_test_client(), frappe.local.site

		def go(method, path, **kw):
			out = {}

			def run():
				with patch("frappe.app.get_site_name", return_value=site):
					out["r"] = client.open(path, method=method, **kw)

			frappe.db.commit()
			t = threading.Thread(target=run)
			t.start()
			t.join()
			frappe.db.commit()
			return out["r"]

		return go

	def submit_like_the_page(self, go, html, token):
		found = re.search(r"var csrfToken = (\"[^\"]*\")", html)
		csrf = json.loads(found.group(1)) if found else ""
		headers = {
			"Content-Type": "application/x-www-form-urlencoded",
			"X-Forwarded-For": "10.7." + uid()[:2] + ".9",
		}
		if csrf:
			headers["X-Frappe-CSRF-Token"] = csrf
		body = f"token={token}&answers=" + quote(json.dumps({"satisfaction": 5}))
		return go("POST", "/api/method/social_support.api.survey.submit", data=body.encode(), headers=headers)

	def test_a_logged_in_customer_can_submit_the_survey_page(self):
		ticket, token = self.sent_survey()
		go = self.browser()
		login = go(
			"POST",
			"/api/method/login",
			data=json.dumps({"usr": SEC_AGENT, "pwd": PASSWORD}),
			headers={"Content-Type": "application/json"},
		)
		self.assertEqual(login.status_code, 200, login.get_data(as_text=True)[:300])
		self.assertEqual(go("GET", "/app").status_code, 200)  # the desk: the session now has a CSRF token
		page = go("GET", f"/social-survey?token={token}")
		self.assertEqual(page.status_code, 200)
		html = page.get_data(as_text=True)
		# Frappe's CSRF check is real for this session: without the token the submit is refused
		forged = go(
			"POST",
			"/api/method/social_support.api.survey.submit",
			data=f"token={token}&answers=%7B%7D".encode(),
			headers={"Content-Type": "application/x-www-form-urlencoded"},
		)
		self.assertEqual(forged.status_code, 400, forged.get_data(as_text=True)[:300])
		r = self.submit_like_the_page(go, html, token)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		self.assertEqual(
			frappe.db.get_value("Social Survey", {"reference_name": ticket}, "status"), "Answered"
		)

	def test_a_guest_submits_without_a_token(self):
		ticket, token = self.sent_survey()
		go = self.browser()
		page = go("GET", f"/social-survey?token={token}")
		html = page.get_data(as_text=True)
		self.assertNotRegex(html, r'var csrfToken = "[^"]+"')  # no session, no token in the page
		r = self.submit_like_the_page(go, html, token)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		self.assertEqual(
			frappe.db.get_value("Social Survey", {"reference_name": ticket}, "status"), "Answered"
		)


class TestIncidentTickets(SecurityCase):
	def remove_incident(self, name):
		for doctype, filters in (
			("Social Incident Ticket", {"parent": name}),
			("Comment", {"reference_doctype": "Social Incident", "reference_name": name}),
			("Version", {"ref_doctype": "Social Incident", "docname": name}),
			("Social Incident", {"name": name}),
		):
			frappe.db.delete(doctype, filters)
		frappe.db.commit()

	def test_resolve_all_and_link_only_touch_tickets_the_user_may_write(self):
		_c1, mine, _t1 = self.x_ticket("@brand the app is down")
		_c2, theirs, _t2 = self.x_ticket("@brand login broken")
		frappe.share.add_docshare(
			"Issue", mine, SEC_READER, read=1, write=1, flags={"ignore_share_permission": True}
		)
		frappe.share.add_docshare(
			"Issue", theirs, SEC_READER, read=1, write=0, flags={"ignore_share_permission": True}
		)
		inc = frappe.get_doc({"doctype": "Social Incident", "title": "Outage " + uid()}).insert(
			ignore_permissions=True
		)
		self.addCleanup(self.remove_incident, inc.name)
		frappe.db.commit()
		frappe.set_user(SEC_READER)
		linked = agent.incident_action(inc.name, "link", json.dumps([mine, theirs]))
		self.assertEqual(linked["linked"], [mine])
		frappe.set_user("Administrator")
		# the table is also writable over REST: someone adds a ticket they cannot write
		r = self.http(
			SEC_READER,
			"PUT",
			f"/api/resource/Social Incident/{inc.name}",
			{"tickets": [{"ticket": mine}, {"ticket": theirs}]},
		)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		frappe.set_user(SEC_READER)
		out = agent.incident_action(inc.name, "resolve")
		frappe.set_user("Administrator")
		self.assertEqual(out["resolved"], [mine])
		self.assertIn(theirs, out["skipped"])
		self.assertEqual(frappe.db.get_value("Issue", mine, "status"), "Resolved")
		self.assertEqual(frappe.db.get_value("Issue", theirs, "status"), "Open")
		frappe.db.commit()


class TestProfilePolicyFields(SecurityCase):
	def test_only_managers_change_flagged_and_followers(self):
		_channel, ticket, _tweet = self.x_ticket()
		profile = frappe.db.get_value("Issue", ticket, "social_profile")
		path = f"/api/resource/Social Profile/{profile}"
		for user in (SEC_AGENT, SEC_APPROVER):
			for field, value in (("flagged", 1), ("follower_count", 5)):
				r = self.http(user, "PUT", path, {field: value})
				self.assertEqual(r.status_code, 403, (user, field, r.get_data(as_text=True)[:300]))
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "flagged"), 0)
		r = self.http(SEC_AGENT, "PUT", path, {"notes": "<p>Prefers DMs</p>"})
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		r = self.http(SEC_MANAGER, "PUT", path, {"flagged": 1})
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:300])
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "flagged"), 1)


class TestTriageRulePatterns(SecurityCase):
	def remove_rules(self):
		frappe.db.delete("Social Triage Rule", {"rule_name": ("like", "Sec runaway %")})
		frappe.db.commit()

	def test_a_rule_with_a_runaway_pattern_is_refused(self):
		name = "Sec runaway " + uid()
		self.addCleanup(self.remove_rules)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Social Triage Rule", "rule_name": name, "regex": r"(a+)+$", "action": "Log Only"}
			).insert(ignore_permissions=True)
		r = self.http(
			SEC_MANAGER,
			"POST",
			"/api/resource/Social Triage Rule",
			{"rule_name": name + " rest", "regex": r".*a.*b", "action": "Log Only", "enabled": 0},
		)
		self.assertEqual(r.status_code, 417, r.get_data(as_text=True)[:300])
		self.assertFalse(
			frappe.db.exists("Social Triage Rule", {"rule_name": ("in", (name, name + " rest"))})
		)
		ok = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": name + " fine",
				"regex": r"order\s*#?\d{4,8}",
				"action": "Log Only",
				"enabled": 0,
			}
		).insert(ignore_permissions=True)
		self.assertTrue(ok.name)
		frappe.db.commit()
