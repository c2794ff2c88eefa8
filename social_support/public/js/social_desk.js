// Desk dialogs shared by the ticket form and the Social Message form (loaded on every desk page via
// app_include_js).
frappe.provide("social_support");

// hide only spam or a named breach of the published rules, confirmed every time (never pre-ticked)
social_support.hide_dialog = function (message, done) {
	frappe.xcall("social_support.api.agent.community_rules").then((rules) => {
		const d = new frappe.ui.Dialog({
			title: __("Hide only spam or a breach of the community rules, never a complaint"),
			fields: [
				{ fieldname: "reason", fieldtype: "Select", label: __("Reason"), reqd: 1, options: ["", "Spam", "Community Rule"] },
				{ fieldname: "rule", fieldtype: "Select", label: __("Rule it breaks"), options: [""].concat(rules || []), depends_on: "eval:doc.reason=='Community Rule'", mandatory_depends_on: "eval:doc.reason=='Community Rule'" },
				{ fieldname: "details", fieldtype: "Small Text", label: __("Details (kept in the audit trail)") },
				{ fieldname: "confirmed", fieldtype: "Check", label: __("I read the comment and confirm it is spam or breaks this rule"), default: 0 },
			],
			primary_action_label: __("Hide"),
			primary_action(v) {
				if (!v.confirmed) {
					frappe.msgprint(__("Confirm first: nothing is hidden unconfirmed."));
					return;
				}
				frappe
					.xcall("social_support.api.agent.hide_comment", { message, reason: v.reason, rule: v.rule, details: v.details, confirmed: 1 })
					.then(() => {
						d.hide();
						done && done();
					});
			},
		});
		d.show();
	});
};
