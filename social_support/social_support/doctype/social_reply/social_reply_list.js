// The approvals queue: Social Reply filtered on "Pending Approval".
frappe.listview_settings["Social Reply"] = {
	add_fields: ["status", "mode", "reference_name"],
	get_indicator(doc) {
		const colors = { Draft: "gray", "Pending Approval": "orange", Approved: "blue", Sending: "blue", Sent: "green", Failed: "red", Rejected: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Approvals Queue"), () => {
			listview.filter_area.clear(false).then(() => listview.filter_area.add([["Social Reply", "status", "=", "Pending Approval"]]));
		});
	},
};
