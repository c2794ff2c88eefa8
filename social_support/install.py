"""Install, migrate and uninstall: roles, custom fields and default settings, all created in code.

Custom fields are (re)created on every migrate with create_custom_fields, which adds what is
missing without overwriting an admin's property setters; fixtures would overwrite them.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from social_support.ingest.triage import install_default_rules
from social_support.surveys.defaults import install_default_template

ROLES = ("Social Agent", "Social Approver", "Social Manager", "Social Trainee")

TICKET_FIELDS = {
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
	"Issue": [
		{
			"fieldname": "social_section",
			"fieldtype": "Section Break",
			"label": "Social",
			"insert_after": "description",
			"collapsible": 0,
			"depends_on": "eval:doc.social_channel",
		},
		{
			"fieldname": "social_channel",
			"fieldtype": "Link",
			"label": "Social Channel",
			"options": "Social Channel",
			"insert_after": "social_section",
			"read_only": 1,
			"in_standard_filter": 1,
			"search_index": 1,
		},
		{
			"fieldname": "social_platform",
			"fieldtype": "Data",
			"label": "Platform",
			"insert_after": "social_channel",
			"read_only": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "social_profile",
			"fieldtype": "Link",
			"label": "Social Profile",
			"options": "Social Profile",
			"insert_after": "social_platform",
			"read_only": 1,
		},
		{
			"fieldname": "social_column_break",
			"fieldtype": "Column Break",
			"insert_after": "social_profile",
		},
		{
			"fieldname": "social_conversation",
			"fieldtype": "Select",
			"label": "Conversation",
			"options": "\nPublic\nPrivate",
			"insert_after": "social_column_break",
			"read_only": 1,
		},
		{
			"fieldname": "social_permalink",
			"fieldtype": "Data",
			"options": "URL",
			"label": "Permalink",
			"insert_after": "social_conversation",
			"read_only": 1,
		},
		{
			"fieldname": "social_thread_key",
			"fieldtype": "Data",
			"label": "Thread",
			"insert_after": "social_permalink",
			"read_only": 1,
			"search_index": 1,
		},
		{
			"fieldname": "social_analysis_column",
			"fieldtype": "Column Break",
			"insert_after": "social_thread_key",
		},
		{
			"fieldname": "social_sentiment",
			"fieldtype": "Select",
			"label": "Sentiment",
			"options": "\npositive\nneutral\nnegative",
			"insert_after": "social_analysis_column",
			"read_only": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "social_intent",
			"fieldtype": "Select",
			"label": "Intent",
			"options": "\ncomplaint\nquestion\npraise\nspam\ntroll\nother",
			"insert_after": "social_sentiment",
			"read_only": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "social_language",
			"fieldtype": "Data",
			"label": "Language",
			"insert_after": "social_intent",
			"read_only": 1,
		},
		{
			"fieldname": "social_urgent",
			"fieldtype": "Check",
			"label": "Urgent",
			"insert_after": "social_language",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "social_triage_rule",
			"fieldtype": "Link",
			"label": "Triage Rule",
			"options": "Social Triage Rule",
			"insert_after": "social_urgent",
			"read_only": 1,
		},
		{
			"fieldname": "social_satisfaction",
			"fieldtype": "Int",
			"label": "Satisfaction (1-5)",
			"insert_after": "social_triage_rule",
			"read_only": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "social_followup_sent_on",
			"fieldtype": "Datetime",
			"label": "Follow-up Sent",
			"insert_after": "social_satisfaction",
			"read_only": 1,
		},
		{
			"fieldname": "social_last_inbound_on",
			"fieldtype": "Datetime",
			"label": "Last Customer Message",
			"insert_after": "social_followup_sent_on",
			"read_only": 1,
		},
	],
}


def after_install():
	after_migrate()


def after_migrate():
	create_roles()
	create_custom_fields(TICKET_FIELDS, ignore_validate=True)
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
	"Issue": {
		"issue_social_period": ["creation", "social_channel"],
		# the resolution column is named by the ERPNext release (see tickets.erpnext_issue)
		"issue_social_resolved": ["<resolved_on>", "social_channel"],
	},
}


def add_report_indexes():
	from social_support.tickets.erpnext_issue import resolved_on_field

	for doctype, indexes in REPORT_INDEXES.items():
		for name, columns in indexes.items():
			columns = [resolved_on_field() if c == "<resolved_on>" else c for c in columns]
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
	for doctype, fields in TICKET_FIELDS.items():
		for df in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
	for role in ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
