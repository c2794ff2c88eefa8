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
			frm.add_custom_button(__("Hide Comment"), () => {
				frappe.prompt(
					[
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason (kept in the audit trail)"), reqd: 1 },
						{ fieldname: "breaks_rules", fieldtype: "Check", label: __("It breaks the published community rules"), default: ["spam", "troll"].includes(frm.doc.intent) ? 1 : 0 },
					],
					(v) =>
						frappe
							.xcall("social_support.api.agent.hide_comment", { message: frm.doc.name, reason: v.reason, breaks_rules: v.breaks_rules ? 1 : 0 })
							.then(() => frm.reload_doc()),
					__("Hide only spam or abuse, never a complaint")
				);
			});
		}
	},
});
