frappe.ui.form.on("Social Profile", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Messages"), () => frappe.set_route("List", "Social Message", { social_profile: frm.doc.name }));
		frm.add_custom_button(__("Tickets"), () => frappe.set_route("List", "Issue", { social_profile: frm.doc.name }));
		if (frm.doc.profile_url) {
			frm.add_custom_button(__("Open Profile"), () => window.open(frm.doc.profile_url, "_blank", "noopener"));
		}
	},
});
