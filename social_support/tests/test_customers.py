"""One customer across channels: a private message naming a known Contact's email or phone suggests
"same person as", one click links the profile (its tickets and customer follow), unlinking works,
every change is audited through any door, and the desk methods check permissions."""

import json

import frappe

from social_support.api import agent
from social_support.ingest.poll import poll_channel

from .utils import (
	AGENT,
	OUTSIDER,
	ReplyCase,
	api_user,
	ensure_user,
	make_channel,
	make_customer_with_history,
	make_known_customer,
	remove_record,
	request,
	uid,
)

PAGE = "1001"
# an agent who may also read Contacts in ERPNext (Sales User), as whoever links customers must
LINKER = "linker.social@example.com"


def comments_on(doctype: str, name: str) -> str:
	return " ".join(
		frappe.get_all(
			"Comment", filters={"reference_doctype": doctype, "reference_name": name}, pluck="content"
		)
	)


class TestOneCustomerAcrossChannels(ReplyCase):
	def setUp(self):
		super().setUp()
		ensure_user(LINKER, ["Social Agent", "Support Team", "Sales User"])
		frappe.db.commit()
		self.known = make_known_customer(self)

	def fb_customer(self):
		channel = make_channel(
			"Facebook", PAGE, base_url=self.sandbox.url, poll=1, webhooks=0, name="Cust FB " + uid()
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		post = self.sandbox.graph.page_post(PAGE, "Autumn sale")
		return channel, fan, post

	def dm(self, channel, fan, text):
		m = self.sandbox.graph.message(PAGE, fan, text, platform="messenger")
		poll_channel(channel.name)
		return frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{m['id']}"}, "reference_name"
		)

	def test_a_known_email_is_offered_and_one_click_links_the_profile_and_its_tickets(self):
		channel, fan, post = self.fb_customer()
		c = self.sandbox.graph.comment(post["id"], fan, "my order 881 arrived broken")
		poll_channel(channel.name)
		public_ticket = frappe.db.get_value(
			"Social Message", {"message_key": f"{channel.name}:{c['id']}"}, "reference_name"
		)
		profile = frappe.get_doc("Social Profile", f"Facebook-{fan}")
		own_contact = profile.contact
		self.addCleanup(remove_record, "Contact", own_contact)  # left behind by the link
		ticket = self.dm(channel, fan, f"Hi, it is me, my email is {self.known.email.upper()}")
		self.assertNotEqual(ticket, public_ticket)
		# offered, never applied on its own: anyone can type someone else's email
		self.assertEqual(frappe.db.get_value("Issue", ticket, "social_suggested_contact"), self.known.contact)
		self.assertIn("Same person as", comments_on("Issue", ticket))
		self.assertEqual(frappe.db.get_value("Social Profile", profile.name, "contact"), own_contact)
		self.assertEqual(frappe.db.get_value("Issue", ticket, "contact"), own_contact)

		frappe.set_user(AGENT)  # may not read Contacts in ERPNext: cannot link to one
		with self.assertRaises(frappe.PermissionError):
			agent.link_contact(ticket, self.known.contact)
		frappe.set_user(LINKER)
		out = agent.link_contact(ticket, self.known.contact)
		frappe.set_user("Administrator")
		self.assertTrue(out["changed"])
		self.assertEqual(frappe.db.get_value("Social Profile", profile.name, "contact"), self.known.contact)
		self.assertEqual(frappe.db.get_value("Social Profile", profile.name, "customer"), self.known.customer)
		for t in (ticket, public_ticket):  # every ticket of the profile follows, with the customer
			issue = frappe.db.get_value("Issue", t, ["contact", "customer", "raised_by"], as_dict=True)
			self.assertEqual(
				(issue.contact, issue.customer, issue.raised_by),
				(self.known.contact, self.known.customer, self.known.email),
			)
			self.assertIn("linked to Contact", comments_on("Issue", t))
		self.assertFalse(frappe.db.get_value("Issue", ticket, "social_suggested_contact"))
		for doctype, name in (
			("Social Profile", profile.name),
			("Contact", self.known.contact),
			("Contact", own_contact),
		):
			self.assertIn(LINKER, comments_on(doctype, name))
		# later messages of this profile are filed under the known customer
		self.assertEqual(
			frappe.db.get_value("Issue", self.dm(channel, fan, "any news?"), "customer"), self.known.customer
		)

		# unlinking gives the profile its own new Contact again; the tickets follow, audited
		frappe.set_user(LINKER)
		out = agent.unlink_contact(ticket)
		frappe.set_user("Administrator")
		new_contact = out["contact"]
		self.assertNotIn(new_contact, (self.known.contact, own_contact))
		issue = frappe.db.get_value("Issue", ticket, ["contact", "customer", "raised_by"], as_dict=True)
		self.assertEqual((issue.contact, issue.customer), (new_contact, None))
		self.assertTrue(issue.raised_by.endswith(".invalid"))
		self.assertIn("unlinked from Contact", comments_on("Social Profile", profile.name))
		self.assertIn("unlinked from Contact", comments_on("Contact", self.known.contact))

	def test_a_phone_number_written_another_way_is_offered_too(self):
		channel, fan, _post = self.fb_customer()
		ticket = self.dm(channel, fan, f"call me back on {self.known.phone} please")
		self.assertEqual(frappe.db.get_value("Issue", ticket, "social_suggested_contact"), self.known.contact)

	def test_no_suggestion_when_the_details_are_unknown_or_ambiguous(self):
		channel, fan, _post = self.fb_customer()
		ticket = self.dm(channel, fan, "write to nobody.here@example.com")
		self.assertFalse(frappe.db.get_value("Issue", ticket, "social_suggested_contact"))
		twin = frappe.get_doc(
			{"doctype": "Contact", "first_name": "Twin", "email_ids": [{"email_id": self.known.email}]}
		).insert(ignore_permissions=True)
		self.addCleanup(remove_record, "Contact", twin.name)
		frappe.db.commit()
		ticket = self.dm(channel, fan, f"it is {self.known.email}")
		self.assertFalse(frappe.db.get_value("Issue", ticket, "social_suggested_contact"))
		self.assertNotIn("Same person as", comments_on("Issue", ticket))

	def test_linking_needs_write_on_the_ticket_and_the_profile(self):
		channel, fan, _post = self.fb_customer()
		ticket = self.dm(channel, fan, f"my email is {self.known.email}")
		own_contact = frappe.db.get_value("Social Profile", f"Facebook-{fan}", "contact")
		frappe.set_user(OUTSIDER)  # may work on Issues, has no social role
		with self.assertRaises(frappe.PermissionError):
			agent.link_contact(ticket, self.known.contact)
		with self.assertRaises(frappe.PermissionError):
			agent.unlink_contact(ticket)
		frappe.set_user("Administrator")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Social Profile", f"Facebook-{fan}", "contact"), own_contact)
		self.assertEqual(frappe.db.get_value("Issue", ticket, "contact"), own_contact)
		self.assertNotIn("linked to Contact", comments_on("Social Profile", f"Facebook-{fan}"))

	def test_a_link_made_over_rest_is_audited_and_moves_the_tickets_too(self):
		channel, fan, _post = self.fb_customer()
		ticket = self.dm(channel, fan, "hello")
		profile = f"Facebook-{fan}"
		self.addCleanup(remove_record, "Contact", frappe.db.get_value("Social Profile", profile, "contact"))
		put = json.dumps({"contact": self.known.contact}).encode()
		# an agent who may not read the Contact cannot link it through the generic REST door either
		blind = api_user(f"rest.{uid()}.social@example.com", "Social Agent", "Support Team")
		r = request(
			"PUT", f"/api/resource/Social Profile/{profile}", data=put, headers={"Authorization": blind}
		)
		self.assertEqual(r.status_code, 403, r.get_data(as_text=True)[:500])
		self.assertNotEqual(frappe.db.get_value("Issue", ticket, "contact"), self.known.contact)
		auth = api_user(f"rest.{uid()}.social@example.com", "Social Agent", "Support Team", "Sales User")
		r = request(
			"PUT",
			f"/api/resource/Social Profile/{profile}",
			data=put,
			headers={"Authorization": auth},
		)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True)[:500])
		self.assertEqual(frappe.db.get_value("Issue", ticket, "contact"), self.known.contact)
		self.assertIn("linked to Contact", comments_on("Social Profile", profile))
		self.assertIn("linked to Contact", comments_on("Issue", ticket))

	def test_the_contact_lists_its_social_profiles(self):
		data = frappe.get_meta("Contact").get_dashboard_data()
		self.assertIn("Social Profile", [d for t in data.transactions for d in t["items"]])
		self.assertEqual(data.non_standard_fieldnames["Social Profile"], "contact")


class TestCustomerPanel(ReplyCase):
	def test_the_customer_at_a_glance_shows_only_what_the_user_may_read(self):
		ensure_user(LINKER, ["Social Agent", "Support Team", "Sales User"])
		frappe.db.commit()
		history = make_customer_with_history(self, self.sandbox)
		known, claim, email_ticket, ticket = (
			history.known,
			history.claim,
			history.email_ticket,
			history.ticket,
		)
		profile = history.profile
		frappe.set_user(LINKER)
		agent.link_contact(ticket, known.contact)
		frappe.set_user("Administrator")

		panel = agent.customer_panel(ticket)
		self.assertEqual((panel["contact"], panel["customer"]), (known.contact, known.customer))
		self.assertEqual(panel["languages"], ["sv"])
		self.assertTrue(panel["first_seen"])
		[p] = panel["profiles"]
		self.assertEqual((p.name, p.flagged, p.notes), (profile, 1, "Prefers calls"))  # notes as text
		self.assertEqual(
			[(t.name, t.status, t.channel) for t in panel["tickets"]], [(email_ticket, "Closed", None)]
		)
		[row] = panel["records"]["Warranty Claim"]
		self.assertEqual((row.name, row.status, row.mentioned), (claim, "Open", 1))  # the customer named it
		self.assertEqual(panel["records"]["Sales Order"], [])

		# a Sales User reads the Customer's sales documents but not its warranty claims
		frappe.set_user(LINKER)
		panel = agent.customer_panel(ticket)
		self.assertEqual(panel["customer"], known.customer)
		self.assertNotIn("Warranty Claim", panel["records"])
		self.assertIn("Sales Order", panel["records"])
		# an agent who may not read Customers sees the tickets, never the ERPNext record
		frappe.set_user(AGENT)
		panel = agent.customer_panel(ticket)
		self.assertEqual((panel["customer"], panel["records"]), (None, {}))
		self.assertEqual([t.name for t in panel["tickets"]], [email_ticket])
