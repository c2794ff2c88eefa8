"""The ticket adapters: what the rest of the app reads and writes on a ticket, on real Issues and, where
Frappe Helpdesk is installed, real HD Tickets (the same tests for both)."""

import frappe
from frappe.utils import add_days, now_datetime

from social_support import tickets as ticket_systems
from social_support.tickets import FIELD_NAMES, get_adapter

from .utils import TicketSystemCase


class AdapterContract:
	"""Mixed into one TicketSystemCase per ticket system."""

	def setUp(self):
		super().setUp()
		self.tickets = get_adapter()

	def plain_ticket(self) -> str:
		"""A ticket raised by email: not a social ticket."""
		doc = frappe.get_doc(
			{"doctype": self.tickets.doctype, "subject": "Printer jams", "raised_by": "plain@example.com"}
		)
		doc.insert(ignore_permissions=True)
		self.addCleanup(
			frappe.delete_doc, self.tickets.doctype, doc.name, force=True, ignore_permissions=True
		)
		return doc.name

	def test_every_field_name_is_a_column_of_the_ticket_table(self):
		for name in FIELD_NAMES:
			column = self.tickets.field(name)
			self.assertTrue(frappe.db.has_column(self.tickets.doctype, column), (name, column))
		self.assertEqual(self.tickets.columns("t")["channel"], f"t.`{self.tickets.field('channel')}`")
		# the reports' SQL runs on the adapter's table with its columns
		c = self.tickets.columns("i")
		frappe.db.sql(f"select {', '.join(c.values())} from `{self.tickets.table}` i limit 1")
		with self.assertRaises(KeyError):
			self.tickets.field("no_such_field")

	def test_context_of_a_social_ticket_and_none_for_a_plain_one(self):
		channel, ticket, _tweet = self.x_ticket()
		t = self.tickets.context(ticket)
		self.assertEqual(
			(t.name, t.channel, t.platform, t.conversation), (ticket, channel.name, "X", "Public")
		)
		self.assertTrue(t.thread_key.startswith("public:"))
		self.assertEqual(t.status, self.tickets.waiting_status)
		self.assertIsNotNone(t.last_inbound_on)
		doc = frappe.get_doc(self.tickets.doctype, ticket)
		self.assertEqual(self.tickets.context_of_doc(doc).channel, channel.name)
		plain = self.plain_ticket()
		self.assertIsNone(self.tickets.context(plain))
		self.assertIsNone(self.tickets.context_of_doc(frappe.get_doc(self.tickets.doctype, plain)))
		self.assertIsNone(self.tickets.context("no-such-ticket"))

	def test_reply_resolve_and_the_apps_own_values(self):
		_channel, ticket, _tweet = self.x_ticket()
		self.tickets.mark_replied(ticket)
		self.assertEqual(self.tickets.get(ticket, "status"), self.tickets.replied_status)
		self.assertFalse(self.tickets.is_closed(self.tickets.replied_status))
		self.assertTrue(self.tickets.resolve(ticket))
		self.assertTrue(self.tickets.is_closed(self.tickets.get(ticket, "status")))
		self.assertFalse(self.tickets.resolve(ticket))  # already closed: nothing to do
		at = now_datetime().replace(microsecond=0)
		modified = frappe.db.get_value(self.tickets.doctype, ticket, "modified")
		self.tickets.set(ticket, {"followup_sent_on": at, "satisfaction": 4})
		values = self.tickets.get(ticket, "followup_sent_on", "satisfaction")
		self.assertEqual((values.followup_sent_on, values.satisfaction), (at, 4))
		self.assertEqual(frappe.db.get_value(self.tickets.doctype, ticket, "modified"), modified)
		# the customer is addressed by name (the contact made for them on the first message)
		self.assertTrue(self.tickets.who(ticket))

	def test_reopen_window(self):
		self.assertTrue(self.tickets.within_reopen_window(add_days(now_datetime(), -2), 7))
		self.assertFalse(self.tickets.within_reopen_window(add_days(now_datetime(), -8), 7))
		self.assertFalse(self.tickets.within_reopen_window(None, 7))

	def test_permissions_follow_the_ticket_doctype(self):
		_channel, ticket, _tweet = self.x_ticket()
		frappe.set_user("Guest")
		self.assertFalse(self.tickets.has_permission("read", ticket))
		with self.assertRaises(frappe.PermissionError):
			self.tickets.check_permission(ticket, "read")
		frappe.set_user("Administrator")
		self.assertTrue(self.tickets.has_permission("write", ticket))


class TestIssueAdapter(AdapterContract, TicketSystemCase):
	ticket_system = ticket_systems.ERPNEXT


class TestHDTicketAdapter(AdapterContract, TicketSystemCase):
	ticket_system = ticket_systems.HELPDESK
