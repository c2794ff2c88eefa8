// The approvals queue: Social Reply filtered on "Pending Approval".
frappe.listview_settings["Social Reply"] = {
	add_fields: ["status", "mode", "reference_name"],
	get_indicator(doc) {
		const colors = { Draft: "gray", "Pending Approval": "orange", Approved: "blue", Sending: "blue", Sent: "green", Failed: "red", Rejected: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		if (frappe.user.has_role(["Social Approver", "Social Manager", "System Manager"])) {
			listview.page.add_action_item(__("Approve"), () => {
				const names = listview.get_checked_items(true);
				frappe.xcall("social_support.api.agent.approve_replies", { names }).then((r) => {
					const errors = Object.keys(r.errors || {});
					frappe.show_alert({ message: __("{0} approved, {1} not", [(r.approved || []).length, errors.length]), indicator: errors.length ? "orange" : "green" });
					listview.refresh();
				});
			});
		}
		listview.page.add_inner_button(__("Approvals Queue"), () => {
			listview.filter_area.clear(false).then(() => listview.filter_area.add([["Social Reply", "status", "=", "Pending Approval"]]));
		});
	},
};
