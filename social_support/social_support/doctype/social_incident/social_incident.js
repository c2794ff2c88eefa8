frappe.ui.form.on("Social Incident", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Open") return;
		const act = (action, args, done) =>
			frappe.call({ method: "social_support.api.agent.incident_action", args: { incident: frm.doc.name, action, ...args }, freeze: true }).then((r) => {
				done && done(r.message || {});
				frm.reload_doc();
			});
		frm.add_custom_button(__("Link Tickets"), () => {
			new frappe.ui.form.MultiSelectDialog({
				doctype: frappe.boot.social_support_ticket_doctype || "Issue",
				target: frm,
				setters: { social_channel: null },
				add_filters_group: 1,
				get_query: () => ({ filters: { social_channel: ["is", "set"], status: ["not in", ["Resolved", "Closed"]] } }),
				action(selections) {
					act("link", { tickets: selections }, (m) => frappe.show_alert({ message: __("{0} tickets linked", [(m.linked || []).length]), indicator: "green" }));
					this.dialog.hide();
				},
			});
		});
		frm.add_custom_button(__("Link by Keyword"), () => {
			frappe.prompt(
				[
					{ fieldname: "keyword", fieldtype: "Data", label: __("Word in the customers' messages"), reqd: 1 },
					{ fieldname: "hours", fieldtype: "Int", label: __("Over the last hours"), default: 24 },
					{ fieldname: "channel", fieldtype: "Link", options: "Social Channel", label: __("Channel (blank: all)") },
				],
				(v) =>
					act("link_search", v, (m) =>
						frappe.show_alert({ message: __("{0} of {1} messages' conversations linked", [(m.linked || []).length, (m.messages || []).length]), indicator: "green" })
					),
				__("Link the conversations that mention it")
			);
		});
		frm.add_custom_button(__("Post Status Update"), () =>
			frappe.confirm(__("Post the status update on every listed channel now?"), () => act("post_update", {}, () => frappe.show_alert(__("Posted"))))
		);
		frm.add_custom_button(__("Answer All"), () =>
			act("answer_all", {}, (m) => frappe.show_alert({ message: __("{0} replies created (approval policy applies)", [(m.replies || []).length]), indicator: "green" }))
		);
		frm.add_custom_button(__("Resolve All"), () => frappe.confirm(__("Resolve the incident and every linked ticket?"), () => act("resolve")));
	},
});
