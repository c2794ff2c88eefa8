frappe.ui.form.on("Social Channel", {
	refresh(frm) {
		if (frm.is_new()) return;
		const indicator = {
			Active: "green",
			"Needs Reauthorization": "red",
			Error: "orange",
			"Rate Limited": "orange",
			Disabled: "grey",
		}[frm.doc.status];
		if (indicator) frm.page.set_indicator(__(frm.doc.status), indicator);
		if (frm.doc.needs_reauthorization) {
			frm.dashboard.set_headline_alert(
				__("The platform rejected this channel's token. Enter new credentials and save to resume."),
				"red"
			);
		}
		frm.add_custom_button(__("Poll Now"), () => {
			frappe.call({
				method: "social_support.api.channel.poll_now",
				args: { channel: frm.doc.name },
				freeze: true,
				freeze_message: __("Polling {0}…", [frm.doc.name]),
				callback(r) {
					const res = r.message || {};
					if (res.error) {
						frappe.msgprint({ title: __("Poll failed"), indicator: "red", message: frappe.utils.escape_html(res.error) });
					} else {
						const rows = Object.entries(res.streams || {}).map(
							([s, v]) => `<tr><td>${frappe.utils.escape_html(s)}</td><td>${v.pages}</td><td>${v.items}</td></tr>`
						);
						frappe.msgprint({
							title: __("Poll finished"),
							indicator: "green",
							message: `<table class="table table-bordered"><tr><th>${__("Stream")}</th><th>${__("Pages")}</th><th>${__("Items")}</th></tr>${rows.join("")}</table>`,
						});
					}
					frm.reload_doc();
				},
			});
		});
		frm.add_custom_button(__("Test Connection"), () => {
			frappe.call({
				method: "social_support.api.channel.test_connection",
				args: { channel: frm.doc.name },
				freeze: true,
				callback(r) {
					const res = r.message || {};
					frappe.msgprint({
						title: res.ok ? __("Connected") : __("Connection failed"),
						indicator: res.ok ? "green" : "red",
						message: res.ok ? __("The platform accepted the credentials.") : frappe.utils.escape_html(res.error),
					});
					if (res.ok && frm.doc.platform === "WhatsApp") frm.reload_doc(); // display number, quality rating
				},
			});
		});
		if (frm.doc.platform === "Instagram" && frm.doc.instagram_login === "Instagram Login") {
			frm.add_custom_button(__("Exchange Instagram Token"), () => {
				frappe.call({
					method: "social_support.api.channel.exchange_instagram_token",
					args: { channel: frm.doc.name },
					freeze: true,
					callback(r) {
						const res = r.message || {};
						frappe.msgprint({
							title: res.ok ? __("Long-lived token saved") : __("Exchange failed"),
							indicator: res.ok ? "green" : "red",
							message: res.ok
								? __("The token now expires on {0}; it is refreshed daily before then.", [frappe.datetime.str_to_user(res.token_expires_on)])
								: frappe.utils.escape_html(res.error || ""),
						});
						frm.reload_doc();
					},
				});
			});
		}
		if (frm.doc.platform === "WhatsApp") {
			frm.add_custom_button(__("Sync WhatsApp Templates"), () => {
				frappe.call({
					method: "social_support.api.channel.sync_whatsapp_templates",
					args: { channel: frm.doc.name },
					freeze: true,
					callback(r) {
						const res = r.message || {};
						frappe.msgprint({
							title: res.ok ? __("Templates synced") : __("Sync failed"),
							indicator: res.ok ? "green" : "red",
							message: res.ok
								? __("{0} added, {1} updated, {2} removed.", [res.added, res.updated, res.removed])
								: frappe.utils.escape_html(res.error || ""),
						});
						frm.reload_doc();
					},
				});
			});
			frm.add_custom_button(__("WhatsApp Templates"), () => frappe.set_route("List", "Social WhatsApp Template", { channel: frm.doc.name }));
		}
		frm.add_custom_button(__("Inbound Events"), () => frappe.set_route("List", "Social Inbound Event", { channel: frm.doc.name }));
		frm.add_custom_button(__("Messages"), () => frappe.set_route("List", "Social Message", { channel: frm.doc.name }));
	},
});
