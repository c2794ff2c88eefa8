// Social tickets: show where the conversation lives.
frappe.ui.form.on("Issue", {
	refresh(frm) {
		if (!frm.doc.social_channel) return;
		const where = frm.doc.social_conversation === "Private" ? __("private messages") : __("public thread");
		frm.dashboard.add_comment(
			__("Social ticket from {0} ({1}) on channel {2}.", [
				frappe.utils.escape_html(frm.doc.social_platform || ""),
				where,
				frappe.utils.escape_html(frm.doc.social_channel),
			]),
			"blue",
			true
		);
		if (frm.doc.social_permalink) {
			frm.add_custom_button(__("Open on {0}", [frm.doc.social_platform]), () => window.open(frm.doc.social_permalink, "_blank", "noopener"), __("Social"));
		}
		frm.add_custom_button(__("Messages"), () => frappe.set_route("List", "Social Message", { reference_name: frm.doc.name }), __("Social"));
		if (frm.doc.social_profile) {
			frm.add_custom_button(__("Profile"), () => frappe.set_route("Form", "Social Profile", frm.doc.social_profile), __("Social"));
		}
	},
});
