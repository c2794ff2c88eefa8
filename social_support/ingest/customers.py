"""One customer across channels: the Contact behind each Social Profile.

A Contact holds any number of Social Profiles (X, Facebook, Instagram, ...) besides its emails and
phone numbers. Nothing is ever merged silently: anyone can type someone else's email address, so a
private message that names an email or phone number of another Contact only *suggests* "same
person as <Contact>?" on the ticket; an agent decides. Linking (to the suggestion or to any Contact
found by search) and unlinking change the profile's Contact; the profile's controller then moves the
profile's tickets (those the user may write) with their customer, and every change, through any
door (these methods, the form, REST), is written on the profile, both Contacts and the tickets.
"""

from __future__ import annotations

import re

import frappe
from frappe import _
from frappe.utils import escape_html

from social_support.analysis.pii import contact_details
from social_support.core.addresses import is_placeholder, placeholder_email
from social_support.platforms.base import Author
from social_support.tickets import get_adapter

from .profiles import _create_contact, customer_of


# --- the suggestion (item pipeline) -------------------------------------------------------------
def suggest(ticket: str | None, msg, profile, language: str | None = None) -> str | None:
	"""A private message with an email or phone number of another Contact: offer it on the ticket."""
	if not ticket or not profile or msg.kind != "DM":
		return None
	details = contact_details(msg.text, language)
	if not details.emails and not details.phones:
		return None
	contact = matching_contact(details.emails, details.phones, exclude=profile.contact)
	if not contact:
		return None
	tickets = get_adapter()
	if tickets.get(ticket, "suggested_contact") == contact:
		return contact
	tickets.set(ticket, {"suggested_contact": contact})
	tickets.add_comment(
		ticket,
		_(
			"Same person as {0}? The customer's private message contains an email address or phone "
			"number of that Contact. Nothing is linked until an agent confirms (Social > Link Contact)."
		).format(escape_html(contact)),
	)
	return contact


def matching_contact(emails: list[str], phones: list[str], exclude: str | None = None) -> str | None:
	"""The one Contact (not ``exclude``) that holds one of these emails or phone numbers; None when
	none or several do (an ambiguous match is no suggestion)."""
	found: set[str] = set()
	real = [e for e in emails if not is_placeholder(e)]
	if real:
		found |= set(
			frappe.get_all(
				"Contact Email", filters={"parenttype": "Contact", "email_id": ("in", real)}, pluck="parent"
			)
		)
		found |= set(frappe.get_all("Contact", filters={"email_id": ("in", real)}, pluck="name"))
	for phone in phones:
		# stored phones are written any way ("0151 1234-5678"): compare the digits' national tail
		tail = phone[-9:]
		found |= {
			row[0]
			for row in frappe.db.sql(
				"""select parent from `tabContact Phone` where parenttype = 'Contact'
				and regexp_replace(phone, '[^0-9]', '') like %s limit 20""",
				(f"%{tail}",),
			)
		}
	found.discard(exclude)
	found.discard(None)
	return found.pop() if len(found) == 1 else None


# --- link and unlink (desk) ---------------------------------------------------------------------
def link(ticket: str, contact: str) -> dict:
	"""Link the ticket's Social Profile to an existing Contact (write on the ticket and the profile,
	read on the Contact). The profile's tickets follow (see ``on_profile_contact_change``)."""
	profile = _profile_of(ticket)
	if not contact or not frappe.db.exists("Contact", contact):
		frappe.throw(_("Contact {0} does not exist.").format(escape_html(contact or "")))
	frappe.get_doc("Contact", contact).check_permission("read")
	if profile.contact == contact:
		return {"profile": profile.name, "contact": contact, "changed": False}
	profile.contact = contact
	profile.save()  # as the user: the profile's write permission applies
	get_adapter().set(ticket, {"suggested_contact": None})
	return {"profile": profile.name, "contact": contact, "changed": True}


def unlink(ticket: str) -> dict:
	"""Give the ticket's Social Profile its own new Contact again (write on the ticket and the profile)."""
	profile = _profile_of(ticket)
	if not profile.contact:
		frappe.throw(_("Profile {0} is not linked to a Contact.").format(profile.name))
	author = Author(user_id=profile.user_id, handle=profile.handle, name=profile.display_name)
	profile.contact = _create_contact(profile.platform, author)
	profile.flags.social_unlinked = True  # the audit says what happened: unlinked, not linked elsewhere
	profile.save()
	return {"profile": profile.name, "contact": profile.contact, "changed": True}


def _profile_of(ticket: str):
	tickets = get_adapter()
	if not tickets.exists(ticket):
		frappe.throw(_("Ticket {0} does not exist.").format(escape_html(ticket or "")))
	tickets.check_permission(ticket, "write")
	name = tickets.get(ticket, "profile")
	if not name:
		frappe.throw(_("{0} has no social profile.").format(escape_html(ticket)))
	profile = frappe.get_doc("Social Profile", name)
	profile.check_permission("write")
	return profile


# --- what follows a change (the profile's on_update) --------------------------------------------
def on_profile_contact_change(profile, old: str | None, new: str | None) -> None:
	"""The profile's tickets follow its new Contact (those the user may write); written everywhere."""
	tickets = get_adapter()
	customer = customer_of(new)
	customer_name = frappe.db.get_value("Customer", customer, "customer_name") if customer else None
	email = frappe.db.get_value("Contact", new, "email_id") if new else None
	settings = frappe.get_cached_doc("Social Support Settings")
	raised_by = (
		email
		if email and not is_placeholder(email)
		else placeholder_email(profile.name, settings.placeholder_email_domain)
	)
	moved, skipped = [], []
	for row in frappe.get_all(
		tickets.doctype,
		filters={tickets.field("profile"): profile.name},
		fields=["name", f"{tickets.field('contact')} as contact"],
		order_by="creation asc",
	):
		if row.contact not in (old, None, ""):
			continue  # a ticket an agent gave another contact by hand keeps it
		if not tickets.has_permission("write", row.name):
			skipped.append(row.name)
			continue
		tickets.set(
			row.name,
			{
				"contact": new,
				"customer": customer,
				"customer_name": customer_name,
				"raised_by": raised_by,
			},
		)
		moved.append(row.name)
	user = frappe.session.user
	if profile.flags.get("social_unlinked") or not new:
		what = _("Profile {0} unlinked from Contact {1} by {2}; it has its own Contact {3} again.").format(
			profile.name, escape_html(old or ""), user, escape_html(new or _("none"))
		)
	else:
		what = _("Profile {0} linked to Contact {1} (was {2}) by {3}.").format(
			profile.name, escape_html(new), escape_html(old or _("none")), user
		)
	if moved:
		what += " " + _("Tickets moved: {0}.").format(", ".join(moved))
	if skipped:
		what += " " + _("Not moved (no write permission): {0}.").format(", ".join(skipped))
	profile.add_comment("Info", what)
	for contact in {old, new} - {None, ""}:
		if frappe.db.exists("Contact", contact):
			frappe.get_doc("Contact", contact).add_comment("Info", what)
	for name in moved:
		tickets.add_comment(name, what)


def contact_dashboard(data=None):
	"""The Contact form lists the customer's Social Profiles on every platform (hook)."""
	data = frappe._dict(data or {})
	data.setdefault("fieldname", "contact")
	data.non_standard_fieldnames = {
		**(data.get("non_standard_fieldnames") or {}),
		"Social Profile": "contact",
	}
	data.transactions = [
		*(data.get("transactions") or []),
		{"label": _("Social"), "items": ["Social Profile"]},
	]
	return data


# --- the customer at a glance (ticket and composer) ---------------------------------------------
# what the panel lists of the Customer's ERPNext record: doctype -> (date field, fields shown, filters)
RECORD = {
	"Sales Order": ("transaction_date", ["status", "grand_total", "currency"], {"docstatus": 1}),
	"Delivery Note": ("posting_date", ["status", "lr_no as tracking"], {"docstatus": 1}),
	"Sales Invoice": (
		"posting_date",
		["status", "grand_total", "outstanding_amount", "currency"],
		{"docstatus": 1},
	),
	"Warranty Claim": (
		"complaint_date",
		["status", "complaint"],
		{"status": ("in", ["Open", "Work In Progress"])},
	),
}
RECORD_LIMIT = 5
NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]*\d[A-Za-z0-9./_-]*")


def panel(ticket: str) -> dict:
	"""The customer at a glance, only what the user may read: their other tickets on every channel
	(email included) with status and satisfaction, their profiles (notes, flagged, first seen), the
	languages they wrote in, and, when the Contact belongs to a Customer, recent orders, deliveries,
	invoices and open warranty claims; documents whose number the customer wrote are marked."""
	tickets = get_adapter()
	tickets.check_permission(ticket, "read")
	row = tickets.get(ticket, "contact", "customer", "profile") or {}
	contact = row.get("contact") if _may_read("Contact", row.get("contact")) else None
	customer = row.get("customer") if _may_read("Customer", row.get("customer")) else None
	profile_names = {row.get("profile")} - {None}
	if row.get("contact"):
		profile_names |= set(
			frappe.get_all("Social Profile", filters={"contact": row["contact"]}, pluck="name")
		)
	profiles = (
		frappe.get_all(
			"Social Profile",
			filters={"name": ("in", list(profile_names) or [""])},
			fields=["name", "platform", "handle", "display_name", "flagged", "notes"],
			order_by="creation asc",
		)
		if frappe.has_permission("Social Profile", "read")
		else []
	)
	for p in profiles:
		p.notes = frappe.utils.strip_html(p.notes or "").strip()  # shown as text, never as markup
	texts = frappe.get_all(
		"Social Message",
		filters={"reference_name": ticket, "direction": "Inbound"},
		pluck="text",
		order_by="posted_on desc",
		limit=20,
	)
	mentioned = {m.group(0).strip("./_-").lower() for t in texts for m in NUMBER.finditer(t or "")}
	return {
		"contact": contact,
		"customer": customer,
		"profiles": profiles,
		"languages": _languages(list(profile_names)),
		"first_seen": _first_seen(list(profile_names)),
		"tickets": _other_tickets(ticket, row.get("contact"), list(profile_names)),
		"records": _records(customer, mentioned) if customer else {},
	}


def _first_seen(profiles: list[str]):
	"""When the customer first wrote to us, on any of their profiles."""
	if not profiles:
		return None
	rows = frappe.db.sql(
		"""select min(posted_on) from `tabSocial Message` where social_profile in %s and direction = 'Inbound'""",
		(profiles,),
	)
	return rows[0][0] if rows else None


def _may_read(doctype: str, name: str | None) -> bool:
	return bool(name) and frappe.has_permission(doctype, "read", name)


def _languages(profiles: list[str]) -> list[str]:
	if not profiles:
		return []
	return [
		r[0]
		for r in frappe.db.sql(
			"""select language from `tabSocial Message` where social_profile in %s and direction = 'Inbound'
			and ifnull(language, '') != '' group by language order by count(*) desc limit 5""",
			(profiles,),
		)
	]


def _other_tickets(ticket: str, contact: str | None, profiles: list[str]) -> list[dict]:
	"""The customer's other tickets on any channel: by their Contact (email tickets too) or profile."""
	tickets = get_adapter()
	fields = [
		"name",
		f"{tickets.field('subject')} as subject",
		f"{tickets.field('status')} as status",
		f"{tickets.field('channel')} as channel",
		f"{tickets.field('satisfaction')} as satisfaction",
		f"{tickets.field('opened_on')} as opened_on",
	]
	found, seen = [], {ticket}
	for field, values in (("contact", [contact] if contact else []), ("profile", profiles)):
		if not values:
			continue
		for t in frappe.get_list(  # permission-aware: only tickets the user may read
			tickets.doctype,
			filters={tickets.field(field): ("in", values), "name": ("!=", ticket)},
			fields=fields,
			order_by=f"{tickets.field('opened_on')} desc",
			limit=10,
		):
			if t.name not in seen:
				seen.add(t.name)
				found.append(t)
	return sorted(found, key=lambda t: t.opened_on, reverse=True)[:10]


def _records(customer: str, mentioned: set[str]) -> dict:
	out = {}
	for doctype, (date_field, fields, filters) in RECORD.items():
		if not frappe.has_permission(doctype, "read"):
			continue  # the panel shows only what the user may read in ERPNext
		rows = frappe.get_list(
			doctype,
			filters={"customer": customer, **filters},
			fields=["name", f"{date_field} as date", *fields],
			order_by=f"{date_field} desc, creation desc",
			limit=RECORD_LIMIT,
		)
		names = {r.name for r in rows}
		# a number the customer wrote: found among this customer's documents even when older
		wanted = [m for m in mentioned if len(m) >= 3]
		if wanted:
			for r in frappe.get_list(
				doctype,
				filters={"customer": customer, **filters},
				or_filters=[["name", "like", f"%{m}"] for m in wanted[:20]],
				fields=["name", f"{date_field} as date", *fields],
				limit=RECORD_LIMIT,
			):
				if r.name not in names:
					rows.append(r)
					names.add(r.name)
		for r in rows:
			r.mentioned = int(
				r.name.lower() in mentioned
				or any(len(m) >= 3 and r.name.lower().endswith(m) for m in mentioned)
			)
		out[doctype] = rows
	return out
