frappe.listview_settings["Social Inbound Event"] = {
	add_fields: ["status", "source", "channel"],
	get_indicator(doc) {
		const colors = { Queued: "blue", Processing: "orange", Processed: "green", Failed: "red", Ignored: "grey" };
		return [__(doc.status), colors[doc.status] || "grey", "status,=," + doc.status];
	},
	onload(listview) {
		listview.page.add_action_item(__("Retry"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe
				.xcall("social_support.api.channel.retry_events", { names })
				.then((r) => {
					frappe.show_alert({ message: __("{0} events queued again", [r.queued]), indicator: "green" });
					listview.refresh();
				});
		});
	},
};
