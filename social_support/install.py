"""Install, migrate and uninstall: roles, custom fields and default settings, all created in code.

Custom fields are (re)created on every migrate with create_custom_fields, which adds what is
missing without overwriting an admin's property setters; fixtures would overwrite them.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from social_support.ingest.triage import install_default_rules
from social_support.surveys.defaults import install_default_template
from social_support.tickets import available_adapters

ROLES = ("Social Agent", "Social Approver", "Social Manager", "Social Trainee")

# custom fields on the Contact; the ticket's own fields are the ticket adapter's (ticket_fields())
CONTACT_FIELDS = {
	"Contact": [
		{
			"fieldname": "social_language",
			"fieldtype": "Link",
			"options": "Language",
			"label": "Preferred Language",
			"description": "Surveys and follow-ups use it before the language detected in the customer's messages.",
			"insert_after": "designation",
		},
	],
}


def ticket_fields() -> dict[str, list[dict]]:
	"""Every custom field the app creates: the Contact's and every installed ticket system's."""
	fields = dict(CONTACT_FIELDS)
	for adapter in available_adapters():
		fields.update(adapter.custom_fields())
	return fields


def after_install():
	after_migrate()


def after_app_install(app_name: str):
	"""Another app installed after this one: a ticket system (Frappe Helpdesk) gets the app's fields."""
	if app_name != "social_support":
		create_custom_fields(ticket_fields(), ignore_validate=True)
		add_report_indexes()


def after_migrate():
	create_roles()
	create_custom_fields(ticket_fields(), ignore_validate=True)
	set_default_settings()
	install_default_rules()
	install_default_template()
	add_report_indexes()


# Covering indexes for the managers' reports (measured on 100,000 messages / 20,000 tickets, see docs/operations.md)
REPORT_INDEXES = {
	"Social Message": {
		"social_message_period_volume": ["posted_on", "direction", "channel"],
		"social_message_period_mood": ["direction", "posted_on", "sentiment", "intent", "urgent"],
	},
	# the drains' claim: a channel's oldest queued events (see docs/operations.md, bursts)
	"Social Inbound Event": {"social_inbound_event_queue": ["channel", "status", "creation"]},
}


def add_report_indexes():
	tables = dict(REPORT_INDEXES)
	for adapter in available_adapters():
		tables[adapter.doctype] = adapter.report_indexes()
	for doctype, indexes in tables.items():
		for name, columns in indexes.items():
			frappe.db.add_index(doctype, columns, index_name=name)


def create_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def set_default_settings():
	"""Give every setting that was never saved its default (new settings arrive with upgrades)."""
	stored = frappe.db.get_singles_dict("Social Support Settings")
	settings = frappe.get_single("Social Support Settings")
	missing = [df for df in settings.meta.fields if df.default is not None and df.fieldname not in stored]
	if missing:
		for df in missing:
			settings.set(df.fieldname, df.default)
		settings.flags.ignore_permissions = True
		settings.save()


def before_uninstall():
	for doctype, fields in ticket_fields().items():
		for df in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
	for role in ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
