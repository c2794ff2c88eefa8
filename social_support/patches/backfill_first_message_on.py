"""Response times are measured from the customer's first message in the conversation: existing social
tickets get it from their earliest inbound Social Message (else the ticket's opening date and time)."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from social_support.install import ticket_fields


def execute():
	# patches run before after_migrate creates the fields: make sure the column exists
	create_custom_fields(ticket_fields(), ignore_validate=True)
	frappe.db.sql(
		"""update `tabIssue` i join (
			select m.reference_name, min(m.posted_on) as first_on from `tabSocial Message` m
			where m.direction = 'Inbound' and m.reference_doctype = 'Issue' and m.posted_on is not null
			group by m.reference_name
		) f on f.reference_name = i.name
		set i.social_first_message_on = f.first_on
		where ifnull(i.social_channel, '') != ''
			and (i.social_first_message_on is null or i.social_first_message_on > f.first_on)"""
	)
	frappe.db.sql(
		"""update `tabIssue` set social_first_message_on = coalesce(
			timestamp(opening_date, ifnull(opening_time, '00:00:00')), creation)
		where ifnull(social_channel, '') != '' and social_first_message_on is null"""
	)
