"""Helpers for the integration suite (runs inside a Frappe bench: bench run-tests --app social_support).

Every factory and helper the test modules share lives here; test modules never import each other.
What the suite creates it removes: each test class derives from :class:`SocialTestCase`, whose class
cleanup calls :func:`remove_test_records`. Test channels are named "Test ..." (``make_channel`` sees
to it) and test users ``<who>.social@example.com``, ``<who>.insights@example.com`` or
``social.<who>@example.com``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import threading
import time
import unittest
import uuid
from threading import Thread
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client, now_datetime

from social_support import tickets as ticket_systems
from social_support.analysis.pii import contact_details
from social_support.api import agent
from social_support.ingest.events import drain
from social_support.ingest.poll import poll_channel
from social_support.sandbox.server import Sandbox
from social_support.tickets import get_adapter

try:
	from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - only where playwright is not installed
	sync_playwright = None

X_SECRET = "x-consumer-secret"
META_SECRET = "meta-app-secret"
VERIFY_TOKEN = "verify-me"
TEST_CHANNEL_PREFIX = "Test "
TEST_USER_PATTERNS = ("%.social@example.com", "%.insights@example.com", "social.%@example.com")
AGENT, APPROVER, APPROVER2, TRAINEE, OUTSIDER = (
	f"{n}.social@example.com" for n in ("agent", "approver", "approver2", "trainee", "outsider")
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SUITE_STARTED = now_datetime()  # records without a test name are removed only when made during this run


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
	name = name or f"{platform} {account_id}"
	if not name.startswith(TEST_CHANNEL_PREFIX):
		name = TEST_CHANNEL_PREFIX + name  # so the suite's cleanup finds it
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
	"""The thread's latest ticket, as a document."""
	ref = get_adapter().latest_for_thread(channel, thread_key)
	return frappe.get_doc(ref.doctype, ref.name) if ref else None


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


def comment(page, post, who, text, cid=None):
	"""A Meta webhook body: a customer's comment on a Page post."""
	return {
		"object": "page",
		"entry": [
			{
				"id": page,
				"time": int(time.time()),
				"changes": [
					{
						"field": "feed",
						"value": {
							"item": "comment",
							"verb": "add",
							"comment_id": cid or uid(),
							"post_id": post,
							"parent_id": post,
							"from": {"id": who, "name": "Carla Customer"},
							"message": text,
							"created_time": int(time.time()),
						},
					}
				],
			}
		],
	}


# --- people and policy -----------------------------------------------------------------------------------
def ensure_user(email, roles, first="Sam", last="Berg"):
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
	held = set(frappe.get_all("Has Role", filters={"parent": email, "parenttype": "User"}, pluck="role"))
	missing = [r for r in roles if r not in held]
	if missing:
		frappe.get_doc("User", email).add_roles(*missing)
	frappe.clear_cache(user=email)


def make_known_customer(case):
	"""A Contact of a Customer with an email address and a phone number, as the sales team keeps them."""
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": "Known Co " + uid(), "customer_type": "Company"}
	).insert(ignore_permissions=True, ignore_mandatory=True)
	case.addCleanup(remove_record, "Customer", customer.name)
	tag = uid()
	mobile = next(  # a German mobile number the personal-data check recognizes in a message
		d
		for d in (uid()[:8] for _ in range(50))
		if contact_details(f"call me on +49 151 {d[:4]} {d[4:]}", "en").phones
	)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Carla",
			"last_name": "Known " + tag,
			"email_ids": [{"email_id": f"carla.{tag}@example.com", "is_primary": 1}],
			"phone_nos": [{"phone": f"0151 {mobile}", "is_primary_mobile_no": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert(ignore_permissions=True)
	case.addCleanup(remove_record, "Contact", contact.name)
	frappe.db.commit()
	return frappe._dict(
		contact=contact.name,
		customer=customer.name,
		email=f"carla.{tag}@example.com",
		phone=f"+49 151 {mobile[:4]} {mobile[4:]}",  # written another way than the Contact keeps it
	)


def remove_record(doctype, name):
	"""For addCleanup: a record a test made outside the test channels (a Customer, a Contact, ...)."""
	frappe.db.rollback()
	frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	frappe.db.commit()


def make_customer_with_history(case, sandbox):
	"""A known Customer (make_known_customer) with an open Warranty Claim and a closed email ticket,
	and a Messenger customer on a new test channel who names the claim in a private message (the
	profile flagged, with a team note); not linked to the Contact yet."""
	known = make_known_customer(case)
	claim = frappe.get_doc(
		{
			"doctype": "Warranty Claim",
			"status": "Open",
			"complaint_date": frappe.utils.today(),
			"customer": known.customer,
			"complaint": "Zip broke",
			"company": frappe.db.get_value("Company", {}, "name"),
		}
	).insert(ignore_permissions=True)
	case.addCleanup(remove_record, "Warranty Claim", claim.name)
	email_ticket = frappe.get_doc(
		{
			"doctype": "Issue",
			"subject": "Invoice question by email",
			"raised_by": known.email,
			"contact": known.contact,
			"customer": known.customer,
			"status": "Closed",
		}
	).insert(ignore_permissions=True)
	case.addCleanup(remove_record, "Issue", email_ticket.name)
	channel = make_channel(
		"Facebook", "1001", base_url=sandbox.url, poll=1, webhooks=0, name="Panel FB " + uid()
	)
	fan = uid("4")
	sandbox.graph.add_user(fan, "Fiona Fan")
	m = sandbox.graph.message(
		"1001", fan, f"Hej! Min reklamation {claim.name} är inte klar än", platform="messenger"
	)
	poll_channel(channel.name)
	ticket = frappe.db.get_value(
		"Social Message", {"message_key": f"{channel.name}:{m['id']}"}, "reference_name"
	)
	profile = f"Facebook-{fan}"
	frappe.db.set_value("Social Profile", profile, {"notes": "<p>Prefers <b>calls</b></p>", "flagged": 1})
	# linking the profile to the known Contact leaves its own Contact behind
	case.addCleanup(remove_record, "Contact", frappe.db.get_value("Social Profile", profile, "contact"))
	frappe.db.commit()
	return frappe._dict(
		known=known, claim=claim.name, email_ticket=email_ticket.name, ticket=ticket, profile=profile
	)


def set_policy(**values):
	base = {
		"approve_all": 0,
		"approve_trainees": 1,
		"approve_public": 0,
		"approve_warnings": 1,
		"approve_flagged": 1,
		"approval_tiers": 1,
		"signature_style": "Initials",
		"block_pii_in_public": 1,
		"approve_min_followers": 0,
		"require_greeting": 0,
		"status_after_reply": "Replied",
	}
	base.update(values)
	settings = frappe.get_single("Social Support Settings")
	settings.update(base)
	settings.save(ignore_permissions=True)  # saving clears the cached settings everywhere
	frappe.db.commit()


SURVEY_LINK_TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")  # the token in a survey link


def set_survey_settings(**values):
	base = {
		"survey_delay_minutes": 0,
		"survey_expiry_days": 14,
		"survey_public_fallback": 0,
		"default_language": "en",
		"followup_after_hours": 36,
		"followup_text": "Hi {first_name}, just checking in: is there anything else we can help with?",
		"followup_public": 0,
		"continuity_days": 7,
	}
	base.update(values)
	settings = frappe.get_single("Social Support Settings")
	settings.update(base)
	settings.save(ignore_permissions=True)
	frappe.db.commit()


def resolve(ticket, status="Resolved"):
	issue = frappe.get_doc(get_adapter().doctype, ticket)
	issue.status = status
	issue.save(ignore_permissions=True)
	return issue


# --- test cases ------------------------------------------------------------------------------------------
class SocialTestCase(FrappeTestCase):
	"""Removes what the suite created once the class is done (also when its setUpClass failed)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.addClassCleanup(remove_test_records)


class ReplyCase(SocialTestCase):
	"""Agents and approvers, the default reply policy, and a fresh sandbox for every test."""

	def ensure_users(self):
		for email, roles in (
			(AGENT, ["Social Agent", "Support Team"]),
			# approving needs the right to post on the channel (its Posting Role, Social Agent by default)
			(APPROVER, ["Social Approver", "Social Agent", "Support Team"]),
			(APPROVER2, ["Social Approver", "Social Agent", "Support Team"]),
			(TRAINEE, ["Social Agent", "Social Trainee", "Support Team"]),
			(OUTSIDER, ["Support Team"]),
		):
			ensure_user(email, roles)
		frappe.db.commit()

	def setUp(self):
		# per test: another module (the uninstall test) may have removed the app's roles meanwhile
		self.ensure_users()
		self.sandbox = Sandbox().start()
		self.addCleanup(self.sandbox.stop)
		set_policy()
		self.addCleanup(frappe.set_user, "Administrator")

	def x_ticket(self, text="@brand my order 5512 is late"):
		channel = make_channel(
			"X", "99", base_url=self.sandbox.url, poll=1, webhooks=0, name="Reply X " + uid()
		)
		customer = uid("3")
		self.sandbox.x.add_user(customer, "carla", "Carla Customer")
		tweet = self.sandbox.x.post_tweet(customer, text)
		poll_channel(channel.name)
		msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{tweet['id']}"})
		return channel, msg.reference_name, tweet

	def send_as(self, user, ticket, text, **kw):
		frappe.set_user(user)
		try:
			return agent.reply(ticket, text, **kw)
		finally:
			frappe.set_user("Administrator")


def card_value(name: str):
	"""What a Number Card shows: a count by Frappe, or the value its Custom method returns (as the desk calls it)."""
	from frappe.desk.doctype.number_card.number_card import get_result

	card = frappe.get_doc("Number Card", name)
	if card.type == "Custom":
		return frappe.get_attr(card.method)(card.filters_json)["value"]
	return get_result(card.as_dict(), card.filters_json)


# --- either ticket system --------------------------------------------------------------------------------
HELPDESK_MISSING = (
	"Frappe Helpdesk (the helpdesk app) is not installed on this site: the HD Ticket variant is skipped. "
	"Install helpdesk v1.14.0 on the site to run it (docs/configuration.md)."
)
# Helpdesk's agent role: agents reply from its agent screen
HELPDESK_AGENT_ROLE = "Agent"


def ticket_system_skip_reason(system: str) -> str | None:
	"""Why the tests of a ticket system cannot run on this site (None: they can)."""
	if system == ticket_systems.HELPDESK and not ticket_systems.helpdesk_installed():
		return HELPDESK_MISSING
	return None


def set_ticket_system(system: str) -> None:
	settings = frappe.get_single("Social Support Settings")
	settings.ticket_system = system
	settings.save(ignore_permissions=True)
	frappe.db.commit()


class TicketSystemCase(ReplyCase):
	"""A ReplyCase whose tests run with ``ticket_system`` active ("ERPNext Issue" / "Frappe Helpdesk"),
	the setting restored after the class; skipped with a clear reason where that system is not installed.
	Subclass once per system with the same test mixin to run the same tests against both."""

	ticket_system = ticket_systems.ERPNEXT

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		reason = ticket_system_skip_reason(cls.ticket_system)
		if reason:
			raise unittest.SkipTest(reason)
		before = frappe.db.get_single_value("Social Support Settings", "ticket_system")
		cls.addClassCleanup(set_ticket_system, before or ticket_systems.ERPNEXT)
		set_ticket_system(cls.ticket_system)

	def ensure_users(self):
		super().ensure_users()
		if self.ticket_system == ticket_systems.HELPDESK:
			for email in (AGENT, APPROVER, APPROVER2, TRAINEE):
				frappe.get_doc("User", email).add_roles(HELPDESK_AGENT_ROLE)
			frappe.db.commit()


# --- the desk in a browser -------------------------------------------------------------------------------
def serve_site():
	"""Frappe's WSGI app with its static assets, served from this process on a free port."""
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


# --- cleanup ---------------------------------------------------------------------------------------------
# logs and links that point at a removed document: (doctype, field with the doctype, field with the name)
TRACES = (
	("Comment", "reference_doctype", "reference_name"),
	("Version", "ref_doctype", "docname"),
	("ToDo", "reference_type", "reference_name"),
	("Tag Link", "document_type", "document_name"),
	("Notification Log", "document_type", "document_name"),
	("Activity Log", "reference_doctype", "reference_name"),
	("Energy Point Log", "reference_doctype", "reference_name"),
	("View Log", "reference_doctype", "reference_name"),
	("Document Follow", "ref_doctype", "ref_docname"),
	("DocShare", "share_doctype", "share_name"),
	("Communication", "reference_doctype", "reference_name"),
	("Email Queue", "reference_doctype", "reference_name"),
)


# what the suite makes; the traces of these left behind by a test's own cleanup go too
SUITE_DOCTYPES = (
	"Social Channel",
	"Social Message",
	"Social Reply",
	"Social Survey",
	"Social Incident",
	"Social Profile",
	"Issue",
	"Contact",
)
# deletions during the run leave a feed comment and a Deleted Document each
DELETED_DURING_THE_RUN = (
	*SUITE_DOCTYPES,
	"User",
	"Notification Settings",
	"Customer",
	"Assignment Rule",
	"Role",
	"Custom Field",
	"Scheduled Job Type",
	"Issue Priority",
	"Social Triage Rule",
)


def _names(doctype: str, filters) -> list[str]:
	return frappe.get_all(doctype, filters=filters, pluck="name", limit_page_length=0)


def purge_records(doctype: str, names) -> None:
	"""Delete the rows, their child rows and what points at them, without the controllers' hooks."""
	names = sorted(set(filter(None, names)))
	if not names or not frappe.db.table_exists(doctype):
		return
	for chunk in (names[i : i + 500] for i in range(0, len(names), 500)):
		for table in frappe.get_meta(doctype).get_table_fields():
			frappe.db.delete(table.options, {"parent": ("in", chunk), "parenttype": doctype})
		frappe.db.delete(doctype, {"name": ("in", chunk)})
		_purge_traces(doctype, chunk)


def _purge_traces(doctype: str, names: list[str]) -> None:
	for trace, type_field, name_field in TRACES:
		if trace == doctype or not frappe.db.table_exists(trace):
			continue
		if trace in ("Communication", "Email Queue"):  # these have child rows of their own
			purge_records(trace, _names(trace, {type_field: doctype, name_field: ("in", names)}))
		else:
			frappe.db.delete(trace, {type_field: doctype, name_field: ("in", names)})


def _purge_orphaned_traces() -> None:
	"""Traces made during the run that point at a suite document no longer there."""
	for doctype in SUITE_DOCTYPES:
		for trace, type_field, name_field in TRACES:
			if trace == doctype or not frappe.db.table_exists(trace):
				continue
			orphans = frappe.db.sql_list(
				f"""select t.name from `tab{trace}` t left join `tab{doctype}` d on d.name = t.`{name_field}`
				where t.`{type_field}` = %s and d.name is null and t.creation >= %s""",
				(doctype, SUITE_STARTED),
			)
			if trace in ("Communication", "Email Queue"):
				purge_records(trace, orphans)
			elif orphans:
				frappe.db.delete(trace, {"name": ("in", orphans)})
	for doctype in DELETED_DURING_THE_RUN:
		frappe.db.delete(
			"Comment",
			{"comment_type": "Deleted", "reference_doctype": doctype, "creation": (">=", SUITE_STARTED)},
		)
		frappe.db.delete("Deleted Document", {"deleted_doctype": doctype, "creation": (">=", SUITE_STARTED)})


def _delete_docs(doctype: str, names, force: bool = True) -> None:
	"""Through the controller (passwords, caches); unless forced, a document still in use elsewhere stays."""
	for name in sorted(set(filter(None, names))):
		frappe.db.savepoint("social_support_cleanup")
		try:
			frappe.delete_doc(doctype, name, force=force, ignore_permissions=True, delete_permanently=True)
		except (frappe.LinkExistsError, frappe.DoesNotExistError):
			frappe.db.rollback(save_point="social_support_cleanup")
		else:
			_purge_traces(doctype, [name])


HELPDESK_TICKET = "HD Ticket"
# Helpdesk's records about a ticket: (doctype, field naming the ticket)
HELPDESK_TICKET_TRACES = (
	("HD Ticket Comment", "reference_ticket"),
	("HD Ticket Activity", "ticket"),
	("HD Notification", "reference_ticket"),
)


def _helpdesk_tickets(channels) -> list[str]:
	if not channels or not frappe.db.table_exists(HELPDESK_TICKET):
		return []
	return [str(n) for n in _names(HELPDESK_TICKET, {"social_channel": ("in", channels)})]


def _purge_helpdesk_tickets(names) -> None:
	if not names:
		return
	for doctype, field in HELPDESK_TICKET_TRACES:
		if frappe.db.table_exists(doctype):
			frappe.db.delete(doctype, {field: ("in", names)})
	purge_records(HELPDESK_TICKET, names)  # with its Communications, comments, assignments, views


def remove_test_records() -> None:
	"""Remove every record the suite created: test channels and all that hangs off them, test users."""
	frappe.set_user("Administrator")
	frappe.db.rollback()  # nothing half-written by a failed test is kept
	channels = _names("Social Channel", {"name": ("like", f"{TEST_CHANNEL_PREFIX}%")})
	users = sorted({u for pattern in TEST_USER_PATTERNS for u in _names("User", {"name": ("like", pattern)})})
	in_channels = {"channel": ("in", channels)} if channels else None

	issues = _names("Issue", {"social_channel": ("in", channels)}) if channels else []
	hd_tickets = _helpdesk_tickets(channels)
	messages = _names("Social Message", in_channels) if in_channels else []
	profiles = set()
	if messages:
		profiles = set(
			frappe.get_all(
				"Social Message",
				filters={"name": ("in", messages), "social_profile": ("is", "set")},
				pluck="social_profile",
				distinct=True,
			)
		)
	if issues:
		profiles |= set(
			frappe.get_all(
				"Issue",
				filters={"name": ("in", issues), "social_profile": ("is", "set")},
				pluck="social_profile",
			)
		)
	# a profile someone also met on a channel that stays is kept
	profiles -= set(
		frappe.get_all(
			"Social Message",
			filters={"social_profile": ("in", list(profiles)), "channel": ("not in", channels or [""])},
			pluck="social_profile",
			distinct=True,
		)
		if profiles
		else []
	)
	if hd_tickets:
		profiles |= set(
			frappe.get_all(
				HELPDESK_TICKET,
				filters={"name": ("in", hd_tickets), "social_profile": ("is", "set")},
				pluck="social_profile",
			)
		)
	contacts = set(
		frappe.get_all("Social Profile", filters={"name": ("in", list(profiles))}, pluck="contact")
		if profiles
		else []
	)
	if issues:
		contacts |= set(
			frappe.get_all(
				"Issue", filters={"name": ("in", issues), "contact": ("is", "set")}, pluck="contact"
			)
		)
	customers = set(
		frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", list(contacts)), "link_doctype": "Customer"},
			pluck="link_name",
		)
		if contacts
		else []
	)
	if hd_tickets:
		contacts |= set(
			frappe.get_all(
				HELPDESK_TICKET,
				filters={"name": ("in", hd_tickets), "contact": ("is", "set")},
				pluck="contact",
			)
		)
	replies = set(_names("Social Reply", in_channels) if in_channels else [])
	surveys = set(_names("Social Survey", in_channels) if in_channels else [])
	incidents = set()
	if issues:
		replies |= set(_names("Social Reply", {"reference_name": ("in", issues)}))
		surveys |= set(_names("Social Survey", {"reference_name": ("in", issues)}))
		incidents |= set(
			frappe.get_all(
				"Social Incident Ticket",
				filters={"parenttype": "Social Incident", "ticket": ("in", issues)},
				pluck="parent",
			)
		)
	if hd_tickets:
		replies |= set(_names("Social Reply", {"reference_name": ("in", hd_tickets)}))
		surveys |= set(_names("Social Survey", {"reference_name": ("in", hd_tickets)}))
		incidents |= set(
			frappe.get_all(
				"Social Incident Ticket",
				filters={"parenttype": "Social Incident", "ticket": ("in", hd_tickets)},
				pluck="parent",
			)
		)
	if replies:
		incidents |= set(
			frappe.get_all(
				"Social Reply",
				filters={"name": ("in", list(replies)), "incident": ("is", "set")},
				pluck="incident",
			)
		)
	for channel in channels:
		incidents |= set(_names("Social Incident", {"channels": ("like", f"%{channel}%")}))

	purge_records("Social Reply", replies)
	purge_records("Social Survey", surveys)
	purge_records("Social Incident", incidents)
	purge_records("Social Message", messages)
	if in_channels:
		purge_records("Social Inbound Event", _names("Social Inbound Event", in_channels))
		purge_records("Social Poll Cursor", _names("Social Poll Cursor", in_channels))
		purge_records("Social API Usage", _names("Social API Usage", in_channels))
	# deliveries for accounts no channel has (the webhook tests' strangers) carry no channel
	purge_records(
		"Social Inbound Event",
		_names("Social Inbound Event", {"channel": ("is", "not set"), "creation": (">=", SUITE_STARTED)}),
	)
	# the tickets' files (downloaded media, images for replies): deleted with their files on disk
	for file in (
		_names("File", {"attached_to_doctype": "Issue", "attached_to_name": ("in", issues)}) if issues else []
	):
		frappe.delete_doc("File", file, force=True, ignore_permissions=True, delete_permanently=True)
	purge_records("Issue", issues)
	_purge_helpdesk_tickets(hd_tickets)
	purge_records("Social Profile", profiles)
	_delete_docs("Contact", contacts, force=False)
	_delete_docs("Customer", customers, force=False)
	purge_records("Social Triage Rule", _names("Social Triage Rule", {"rule_name": ("like", "Test %")}))
	purge_records(
		"Error Log", _names("Error Log", {"method": ("like", "Social %"), "creation": (">=", SUITE_STARTED)})
	)
	purge_records(
		"Notification Log",
		_names(
			"Notification Log",
			{
				"document_type": "Social Message",
				"document_name": ("is", "not set"),
				"creation": (">=", SUITE_STARTED),
			},
		),
	)  # spike alerts
	if users:
		rules = frappe.get_all(
			"Assignment Rule User",
			filters={"parenttype": "Assignment Rule", "user": ("in", users)},
			pluck="parent",
		)
		_delete_docs("Assignment Rule", rules)
		purge_records("Notification Log", _names("Notification Log", {"for_user": ("in", users)}))
		purge_records(
			"Email Queue",
			frappe.get_all(
				"Email Queue Recipient",
				filters={"parenttype": "Email Queue", "recipient": ("in", users)},
				pluck="parent",
			),
		)
	# Frappe gives every user a contact, and deleting the user only unlinks it
	user_contacts = set(_names("Contact", {"user": ("in", users)})) if users else set()
	for pattern in TEST_USER_PATTERNS:
		user_contacts |= set(_names("Contact", {"email_id": ("like", pattern)}))
	_delete_docs("Contact", user_contacts)
	_delete_docs("User", users)
	_delete_docs("Social Channel", channels)
	_purge_orphaned_traces()
	frappe.db.commit()


def leftover_test_records() -> dict[str, int]:
	"""What the suite left on the site (empty after a clean run)."""
	channels = _names("Social Channel", {"name": ("like", f"{TEST_CHANNEL_PREFIX}%")})
	counts = {"Social Channel": len(channels)}
	if channels:
		for doctype, field in (
			("Social Message", "channel"),
			("Social Inbound Event", "channel"),
			("Social Reply", "channel"),
			("Social Survey", "channel"),
			("Social API Usage", "channel"),
			("Issue", "social_channel"),
			(HELPDESK_TICKET, "social_channel"),
		):
			if frappe.db.table_exists(doctype):
				counts[doctype] = frappe.db.count(doctype, {field: ("in", channels)})
	counts["User"] = sum(frappe.db.count("User", {"name": ("like", p)}) for p in TEST_USER_PATTERNS)
	counts["Contact"] = sum(frappe.db.count("Contact", {"email_id": ("like", p)}) for p in TEST_USER_PATTERNS)
	return {doctype: n for doctype, n in counts.items() if n}


def assert_no_test_records() -> None:
	"""For CI after ``bench run-tests``: fails when the suite left test channels, their records or test users."""
	left = leftover_test_records()
	if left:
		raise AssertionError(f"the test suite left records on the site: {left}")
	print("no test records left on the site")


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
	frappe.db.delete("Social API Usage", {"channel": channel})
	if profiles:
		frappe.db.delete("Social Profile", {"name": ("in", list(profiles))})
	for contact in contacts:
		for child in ("Dynamic Link", "Contact Email", "Contact Phone"):
			frappe.db.delete(child, {"parenttype": "Contact", "parent": contact})
		frappe.db.delete("Contact", {"name": contact})
	if frappe.db.exists("Social Channel", channel):
		frappe.delete_doc("Social Channel", channel, force=True, ignore_permissions=True)
	frappe.db.commit()
