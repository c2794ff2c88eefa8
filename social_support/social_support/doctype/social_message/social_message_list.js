// Social Message list = the Social Inbox when filtered on "Needs Decision".
frappe.listview_settings["Social Message"] = {
	add_fields: ["direction", "status", "kind", "platform", "sentiment", "intent", "urgent", "inbox_status"],
	get_indicator(doc) {
		if (doc.inbox_status === "Needs Decision") return [__("Needs Decision"), "orange", "inbox_status,=,Needs Decision"];
		if (doc.status === "Deleted") return [__("Deleted"), "grey", "status,=,Deleted"];
		if (doc.direction === "Outbound") return [__("Outbound"), "blue", "direction,=,Outbound"];
		if (doc.urgent) return [__("Urgent"), "red", "urgent,=,1"];
		const colors = { negative: "red", positive: "green", neutral: "gray" };
		return [__(doc.sentiment || doc.kind || "Inbound"), colors[doc.sentiment] || "green", "sentiment,=," + (doc.sentiment || "")];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Social Inbox"), () => {
			listview.filter_area.clear(false).then(() => listview.filter_area.add([["Social Message", "inbox_status", "=", "Needs Decision"]]));
		});
		const run = (method, args, done) =>
			frappe.call({ method, args, freeze: true }).then((r) => {
				done(r.message || {});
				listview.refresh();
			});
		listview.page.add_action_item(__("Create Tickets"), () => {
			const names = listview.get_checked_items(true);
			run("social_support.api.inbox.create_tickets", { names }, (m) =>
				frappe.show_alert({ message: __("{0} tickets", [(m.tickets || []).length]), indicator: "green" })
			);
		});
		listview.page.add_action_item(__("Attach to Ticket"), () => {
			const names = listview.get_checked_items(true);
			frappe.prompt(
				[{ fieldname: "ticket", fieldtype: "Link", options: frappe.boot.social_support_ticket_doctype || "Issue", label: __("Ticket"), reqd: 1 }],
				(v) =>
					run("social_support.api.inbox.attach", { names, ticket: v.ticket }, (m) =>
						frappe.show_alert({ message: __("{0} messages attached to {1}", [(m.attached || []).length, m.ticket]), indicator: "green" })
					),
				__("Attach to an existing ticket")
			);
		});
		listview.page.add_action_item(__("Link to Incident"), () => {
			const names = listview.get_checked_items(true);
			frappe.prompt(
				[
					{ fieldname: "incident", fieldtype: "Link", options: "Social Incident", label: __("Incident"), get_query: () => ({ filters: { status: "Open" } }) },
					{ fieldname: "title", fieldtype: "Data", label: __("Or a new incident"), depends_on: "eval:!doc.incident" },
				],
				(v) =>
					run("social_support.api.inbox.link_to_incident", { names, incident: v.incident, title: v.title }, (m) => {
						frappe.show_alert({ message: __("{0} conversations linked to {1}", [(m.linked || []).length, m.incident]), indicator: "green" });
						frappe.set_route("Form", "Social Incident", m.incident);
					}),
				__("Link the selected conversations to an incident")
			);
		});
		listview.page.add_action_item(__("Ignore"), () => {
			const names = listview.get_checked_items(true);
			frappe.confirm(__("Ignore {0} messages? Their tickets are closed; nothing is hidden and nothing is posted.", [names.length]), () =>
				run("social_support.api.inbox.ignore", { names }, (m) =>
					frappe.show_alert({ message: __("{0} messages ignored", [(m.ignored || []).length]), indicator: "green" })
				)
			);
		});
		listview.page.add_action_item(__("No Action Needed"), () => {
			const names = listview.get_checked_items(true);
			run("social_support.api.inbox.dismiss", { names }, (m) =>
				frappe.show_alert({ message: __("{0} messages marked", [(m.dismissed || []).length]), indicator: "green" })
			);
		});
	},
};
