frappe.ui.form.on("Social Message", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.direction !== "Inbound") return;
		if (!frm.doc.liked) {
			frm.add_custom_button(__("Like"), () => frappe.xcall("social_support.api.agent.like", { message: frm.doc.name }).then(() => frm.reload_doc()));
		}
		if (frm.doc.platform === "X") {
			frm.add_custom_button(__("Repost"), () =>
				frappe.confirm(__("Repost this message from the brand account?"), () =>
					frappe.xcall("social_support.api.agent.repost", { message: frm.doc.name }).then(() => frm.reload_doc())
				)
			);
		}
		if (frm.doc.platform !== "X" && frm.doc.kind === "Comment" && !frm.doc.hidden) {
			frm.add_custom_button(__("Hide Comment"), () => social_message_hide(frm.doc.name, () => frm.reload_doc()));
		}
		if (frm.doc.inbox_status !== "Ignored") {
			frm.add_custom_button(__("Ignore"), () =>
				frappe.prompt(
					[{ fieldname: "note", fieldtype: "Small Text", label: __("Why (optional, kept in the audit trail)") }],
					(v) => frappe.xcall("social_support.api.agent.ignore", { message: frm.doc.name, note: v.note }).then(() => frm.reload_doc()),
					__("Ignore: close without hiding and without posting anything"),
					__("Ignore")
				)
			);
		}
	},
});

// hide only spam or a named breach of the published rules; the agent confirms every time (never pre-ticked)
function social_message_hide(message, done) {
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
}
