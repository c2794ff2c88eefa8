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
			frm.add_custom_button(__("Hide Comment"), () => social_support.hide_dialog(frm.doc.name, () => frm.reload_doc()));
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
