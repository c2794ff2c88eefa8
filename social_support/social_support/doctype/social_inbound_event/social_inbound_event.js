frappe.ui.form.on("Social Inbound Event", {
	refresh(frm) {
		if (["Failed", "Ignored", "Processing"].includes(frm.doc.status) && frm.doc.channel) {
			frm.add_custom_button(__("Retry"), () =>
				frm.call("retry").then(() => {
					frappe.show_alert({ message: __("Queued again"), indicator: "green" });
					frm.reload_doc();
				})
			);
		}
	},
});
