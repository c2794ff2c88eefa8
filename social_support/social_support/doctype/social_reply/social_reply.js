frappe.ui.form.on("Social Reply", {
	refresh(frm) {
		const approver = frappe.user.has_role(["Social Approver", "Social Manager", "System Manager"]);
		if (frm.doc.status !== "Pending Approval" || !approver) return;
		frm.add_custom_button(__("Approve"), () =>
			frappe.xcall("social_support.api.agent.approve_reply", { reply: frm.doc.name }).then(() => frm.reload_doc())
		);
		frm.add_custom_button(__("Edit and Approve"), () => {
			frappe.prompt(
				[{ fieldname: "text", fieldtype: "Small Text", label: __("Reply"), default: frm.doc.text, reqd: 1 }],
				(v) => frappe.xcall("social_support.api.agent.approve_reply", { reply: frm.doc.name, text: v.text }).then(() => frm.reload_doc()),
				__("Edit, then approve")
			);
		});
		frm.add_custom_button(__("Reject"), () => {
			frappe.prompt(
				[{ fieldname: "reason", fieldtype: "Small Text", label: __("Why (the agent sees this)"), reqd: 1 }],
				(v) => frappe.xcall("social_support.api.agent.reject_reply", { reply: frm.doc.name, reason: v.reason }).then(() => frm.reload_doc()),
				__("Reject reply")
			);
		});
	},
});
