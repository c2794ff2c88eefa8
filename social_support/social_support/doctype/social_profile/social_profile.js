frappe.ui.form.on("Social Profile", {
	refresh(frm) {
		// flagged and follower count drive the approval policy: managers only (the server refuses others too)
		const manager = frappe.user.has_role(["Social Manager", "System Manager"]);
		frm.set_df_property("flagged", "read_only", manager ? 0 : 1);
		if (frm.is_new()) return;
		frm.add_custom_button(__("Messages"), () => frappe.set_route("List", "Social Message", { social_profile: frm.doc.name }));
		frm.add_custom_button(__("Tickets"), () => frappe.set_route("List", frappe.boot.social_support_ticket_doctype || "Issue", { social_profile: frm.doc.name }));
		if (frm.doc.profile_url) {
			frm.add_custom_button(__("Open Profile"), () => window.open(frm.doc.profile_url, "_blank", "noopener"));
		}
	},
});
