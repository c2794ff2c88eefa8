from social_support.tickets import HELPDESK_TICKET_CLASS, TICKET_DOCTYPE, TICKET_DOCTYPES

app_name = "social_support"
app_title = "Social Support"
app_publisher = "social_support contributors"
app_description = (
	"X, Facebook, Instagram and WhatsApp conversations as ERPNext Issues, answered from the ticket"
)
app_email = "maintainers@social-support.invalid"
app_license = "mit"
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True
require_type_annotated_api_methods = True

after_install = "social_support.install.after_install"
after_migrate = "social_support.install.after_migrate"
# a ticket system installed later (Frappe Helpdesk) gets the app's custom fields at once
after_app_install = "social_support.install.after_app_install"
before_uninstall = "social_support.install.before_uninstall"

app_include_js = ["/assets/social_support/js/social_reports.js", "/assets/social_support/js/social_desk.js"]
# the active ticket system's doctype for the desk's scripts
boot_session = "social_support.tickets.boot_session"

# the survey page and its submit carry a token: no caching anywhere
after_request = ["social_support.www.social_survey.after_request"]

doctype_js = {TICKET_DOCTYPE: "public/js/issue.js"}
doctype_list_js = {"Social Inbound Event": "public/js/social_inbound_event_list.js"}
# a Contact holds the customer's Social Profiles on every platform
# Frappe Helpdesk (where installed): an agent's reply to a social customer goes through the gate
override_doctype_class = HELPDESK_TICKET_CLASS
override_doctype_dashboards = {"Contact": "social_support.ingest.customers.contact_dashboard"}

doc_events = {
	"Email Queue": {
		"before_insert": "social_support.outbound.email_guard.drop_placeholder_recipients",
	},
	# the ticket doctypes are the ticket adapters' (social_support/tickets): every system's, each handler
	# asks the active adapter
	**{
		doctype: {
			"on_update": [
				"social_support.surveys.sending.on_ticket_update",
				"social_support.insights.wallboard.nudge",
			],
			"after_insert": "social_support.insights.wallboard.nudge",
		}
		for doctype in TICKET_DOCTYPES
	},
	"Social Message": {
		"after_insert": "social_support.insights.wallboard.nudge",
	},
	"Communication": {
		"after_insert": "social_support.outbound.email_guard.route_composer_reply",
	},
	# the ingest path keeps the enabled rules for a few seconds; a change in this process is seen at once
	"Social Triage Rule": {
		"on_update": "social_support.ingest.triage.clear_rules_cache",
		"on_trash": "social_support.ingest.triage.clear_rules_cache",
	},
}

# one entry per job: Frappe runs each on its own, so a failing job never stops another
scheduler_events = {
	"cron": {
		"* * * * *": [
			"social_support.tasks.start_due_polls",
			"social_support.tasks.requeue_stale_events",
			"social_support.tasks.retry_failed_events",
			"social_support.tasks.check_spikes",
			"social_support.tasks.retry_replies",
			"social_support.tasks.send_due_surveys",
			"social_support.tasks.send_due_follow_ups",
			"social_support.tasks.look_up_names",
		],
	},
	"daily": [
		"social_support.tasks.clear_old_events",
		"social_support.tasks.sync_digest",
		"social_support.tasks.refresh_instagram_tokens",
		"social_support.tasks.sync_whatsapp_templates",
	],
}

# what a room does when an outbound item of one of its purposes has been sent (same commit)
social_support_after_send = {
	"Survey": ["social_support.surveys.sending.invitation_sent"],
}
