// Social tickets: where the conversation lives, the reply composer and the replies' state.
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
		if (frm.doc.social_moved_to_private_on) {
			frm.dashboard.add_comment(
				__("Moved to private messages: the customer's private messages join this ticket, and nothing automatic is posted in the public thread."),
				"orange",
				true
			);
		}
		frm.add_custom_button(__("Reply on {0}", [frm.doc.social_platform]), () => social_support.open_composer(frm), __("Social"));
		if (frm.doc.social_permalink) {
			frm.add_custom_button(__("Open on {0}", [frm.doc.social_platform]), () => window.open(frm.doc.social_permalink, "_blank", "noopener"), __("Social"));
		}
		if (frm.doc.social_conversation === "Public") {
			frm.add_custom_button(__("Move to DM"), () => {
				frappe.prompt(
					[{ fieldname: "text", fieldtype: "Small Text", label: __("Private message"), description: __("Leave empty to only ask the customer to write privately.") }],
					(v) =>
						frappe.xcall("social_support.api.agent.move_to_dm", { ticket: frm.doc.name, text: v.text }).then(() => {
							frappe.show_alert({ message: v.text ? __("Public note and private message queued") : __("Public note queued"), indicator: "green" });
							frm.reload_doc();
						}),
					__("Move to DM: a short public note, then your private message")
				);
			}, __("Social"));
			frm.add_custom_button(__("Thank Publicly"), () => {
				frappe.prompt(
					[{ fieldname: "text", fieldtype: "Small Text", label: __("Public thank-you"), reqd: 1, default: __("Thanks for your patience, glad we could sort it out!") }],
					(v) => frappe.xcall("social_support.api.agent.thank_publicly", { ticket: frm.doc.name, text: v.text }).then(() => frm.reload_doc()),
					__("Thank the customer in the public thread")
				);
			}, __("Social"));
		}
		frm.add_custom_button(__("Messages"), () => frappe.set_route("List", "Social Message", { reference_name: frm.doc.name }), __("Social"));
		frm.add_custom_button(__("Replies"), () => frappe.set_route("List", "Social Reply", { reference_name: frm.doc.name }), __("Social"));
		if (frm.doc.social_profile) {
			frm.add_custom_button(__("Profile"), () => frappe.set_route("Form", "Social Profile", frm.doc.social_profile), __("Social"));
			social_support.contact_actions(frm);
		}
		frm.add_custom_button(__("Customer at a Glance"), () => {
			frappe.xcall("social_support.api.agent.customer_panel", { ticket: frm.doc.name }).then((panel) =>
				frappe.msgprint({ title: __("Customer at a glance"), message: social_support.render_customer(panel), wide: true })
			);
		}, __("Social"));
		social_support.moderation_actions(frm);
		social_support.show_reply_states(frm);
	},
});

frappe.provide("social_support");

// one customer across channels: link the profile to a Contact an agent confirms; never on its own
social_support.contact_actions = function (frm) {
	const link = (contact) =>
		frappe.xcall("social_support.api.agent.link_contact", { ticket: frm.doc.name, contact }).then(() => {
			frappe.show_alert({ message: __("Profile linked; its tickets follow"), indicator: "green" });
			frm.reload_doc();
		});
	if (frm.doc.social_suggested_contact && frm.doc.social_suggested_contact !== frm.doc.contact) {
		const who = frappe.utils.escape_html(frm.doc.social_suggested_contact);
		frm.dashboard.add_comment(__("Same person as {0}? The customer's private message names an email or phone number of that Contact.", [who]), "yellow", true);
		frm.add_custom_button(__("Same person as {0}", [who]), () => link(frm.doc.social_suggested_contact), __("Social"));
	}
	frm.add_custom_button(__("Link to Existing Contact"), () => {
		frappe.prompt(
			[{ fieldname: "contact", fieldtype: "Link", options: "Contact", label: __("Contact"), reqd: 1 }],
			(v) => link(v.contact),
			__("Link this social profile to a Contact")
		);
	}, __("Social"));
	if (frm.doc.contact) {
		frm.add_custom_button(__("Unlink Contact"), () => {
			frappe.confirm(__("Give this social profile its own new Contact again? Its tickets follow."), () =>
				frappe.xcall("social_support.api.agent.unlink_contact", { ticket: frm.doc.name }).then(() => frm.reload_doc())
			);
		}, __("Social"));
	}
};

social_support.show_reply_states = function (frm) {
	frappe.xcall("social_support.api.agent.composer_context", { ticket: frm.doc.name }).then((ctx) => {
		const s = ctx.statuses;
		const colors = { [s.pending]: "orange", [s.approved]: "blue", [s.sending]: "blue", [s.sent]: "green", [s.failed]: "red", [s.rejected]: "red", [s.refused]: "red" };
		(ctx.replies || [])
			.filter((r) => r.status !== s.sent)
			.slice(0, 3)
			.forEach((r) => {
				let text = __("{0} {1}: {2}", [__(r.purpose || "Reply"), r.name, __(r.status)]);
				if (r.rejection_reason) text += " — " + frappe.utils.escape_html(r.rejection_reason);
				if (r.error) text += " — " + frappe.utils.escape_html(r.error);
				frm.dashboard.add_comment(text, colors[r.status] || "gray", true);
			});
	});
};

social_support.render_thread = function (thread) {
	return (
		'<div class="social-thread" style="max-height:220px;overflow:auto;margin-bottom:8px">' +
		thread
			.map((m) => {
				const who = m.direction === "Outbound" ? __("Us") : frappe.utils.escape_html(m.author_name || m.author_handle || "");
				const align = m.direction === "Outbound" ? "text-right" : "";
				return `<div class="${align}" style="margin:4px 0"><small class="text-muted">${who} · ${frappe.datetime.prettyDate(m.posted_on)}</small><div>${frappe.utils.escape_html(m.text || "")}</div></div>`;
			})
			.join("") +
		"</div>"
	);
};

// the customer at a glance: everything from the server is escaped here; links only to desk routes
social_support.render_customer = function (panel, insertable) {
	const e = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
	const link = (doctype, name) => `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${e(name)}</a>`;
	let html = '<div class="social-customer small">';
	const who = [panel.customer && __("Customer {0}", [link("Customer", panel.customer)]), panel.contact && __("Contact {0}", [link("Contact", panel.contact)])].filter(Boolean);
	if (who.length) html += `<div>${who.join(" · ")}</div>`;
	const facts = [];
	if (panel.first_seen) facts.push(__("first seen {0}", [e(frappe.datetime.str_to_user(panel.first_seen))]));
	if ((panel.languages || []).length) facts.push(__("writes in {0}", [e(panel.languages.join(", "))]));
	if (facts.length) html += `<div class="text-muted">${facts.join(" · ")}</div>`;
	(panel.profiles || []).forEach((p) => {
		html += `<div>${e(p.platform)} ${p.handle ? "@" + e(p.handle) : e(p.display_name)}${p.flagged ? ' <span class="indicator-pill red">' + __("Flagged") + "</span>" : ""}${p.notes ? ' <span class="text-muted">— ' + e(p.notes) + "</span>" : ""}</div>`;
	});
	if ((panel.tickets || []).length) {
		html += `<div class="mt-2"><b>${__("Other tickets")}</b></div>`;
		panel.tickets.forEach((t) => {
			html += `<div>${link("Issue", t.name)} ${e(t.subject)} · ${e(__(t.status))}${t.channel ? " · " + e(t.channel) : " · " + __("email")}${t.satisfaction ? " · CSAT " + e(t.satisfaction) + "/5" : ""}</div>`;
		});
	}
	Object.entries(panel.records || {}).forEach(([doctype, rows]) => {
		if (!rows.length) return;
		html += `<div class="mt-2"><b>${__(doctype)}</b></div>`;
		rows.forEach((r) => {
			const bits = [e(__(r.status || ""))];
			if (r.tracking) bits.push(__("tracking {0}", [e(r.tracking)]));
			if (r.outstanding_amount) bits.push(__("outstanding {0}", [e(format_currency(r.outstanding_amount, r.currency))]));
			const ref = [r.name, r.status, r.tracking && __("tracking {0}", [r.tracking])].filter(Boolean).join(", ");
			html += `<div class="${r.mentioned ? "social-mentioned bg-warning-subtle" : ""}">${link(doctype, r.name)} ${bits.join(" · ")}${r.mentioned ? " · <b>" + __("mentioned by the customer") + "</b>" : ""}${insertable ? ` <a class="social-insert" data-ref="${e(ref)}">${__("insert")}</a>` : ""}</div>`;
		});
	});
	return html + "</div>";
};

social_support.open_composer = function (frm) {
	frappe.xcall("social_support.api.agent.composer_context", { ticket: frm.doc.name }).then((ctx) => {
		if (!ctx.can_post) {
			frappe.msgprint(__("You are not allowed to post from channel {0}.", [frm.doc.social_channel]));
			return;
		}
		const private_thread = ctx.conversation === "Private";
		const d = new frappe.ui.Dialog({
			title: __("Reply on {0}", [ctx.platform]),
			size: "large",
			fields: [
				{ fieldtype: "HTML", fieldname: "customer" },
				{ fieldtype: "HTML", fieldname: "thread" },
				{
					fieldtype: "Check",
					fieldname: "private",
					label: private_thread ? __("Private conversation") : __("Reply privately (DM)"),
					default: private_thread ? 1 : 0,
					read_only: private_thread ? 1 : 0,
				},
				{
					fieldtype: "Link",
					fieldname: "canned",
					label: __("Canned Response"),
					options: "Social Canned Response",
					get_query: () => ({
						filters: { platform: ["in", ["", ctx.platform]], language: ["in", ["", frm.doc.social_language || ""]] },
					}),
				},
				// WhatsApp: free text inside the 24-hour window, an approved template outside it
				{ fieldtype: "HTML", fieldname: "wa_window", hidden: ctx.whatsapp ? 0 : 1 },
				{
					fieldtype: "Select",
					fieldname: "wa_template",
					label: __("WhatsApp Template"),
					hidden: ctx.whatsapp ? 0 : 1,
					options: [""].concat(
						((ctx.whatsapp && ctx.whatsapp.templates) || [])
							.filter((t) => t.status === "APPROVED")
							.map((t) => ({ value: t.name, label: `${t.template_name} (${t.language}, ${t.category})` }))
					),
				},
				{ fieldtype: "HTML", fieldname: "wa_values", hidden: ctx.whatsapp ? 0 : 1 },
				{ fieldtype: "Small Text", fieldname: "text", label: __("Reply"), reqd: ctx.whatsapp ? 0 : 1 },
				{
					fieldtype: "Select",
					fieldname: "image",
					label: __("Image"),
					// file names are escaped: Frappe puts a Select's labels into the page as HTML
					options: [{ value: "", label: __("No image") }].concat(
						(ctx.images || []).map((i) => ({ value: i.value, label: frappe.utils.escape_html(i.label || "") }))
					),
					hidden: !(ctx.images || []).length,
					description: __("One of the ticket's images, sent with the words where the platform allows it."),
				},
				{ fieldtype: "HTML", fieldname: "feedback" },
			],
			primary_action_label: __("Send"),
			primary_action(values) {
				d.get_primary_btn().prop("disabled", true);
				const call = values.wa_template
					? frappe.xcall("social_support.api.agent.reply_with_template", {
							ticket: frm.doc.name,
							template: values.wa_template,
							values: JSON.stringify(social_support.wa_values(d)),
					  })
					: frappe.xcall("social_support.api.agent.reply", {
							ticket: frm.doc.name,
							text: values.text,
							private: values.private ? 1 : 0,
							image: values.image || "",
					  });
				call
					.then((r) => {
						d.hide();
						const pending = r.status === ctx.statuses.pending;
						const msg = pending ? __("Waiting for approval ({0})", [r.approval_reasons.join(", ")]) : __("Queued to send");
						frappe.show_alert({ message: msg, indicator: pending ? "orange" : "green" });
						frm.reload_doc();
					})
					.finally(() => d.get_primary_btn().prop("disabled", false));
			},
		});
		d.fields_dict.thread.$wrapper.html(social_support.render_thread(ctx.thread || []));
		frappe.xcall("social_support.api.agent.customer_panel", { ticket: frm.doc.name }).then((panel) => {
			const $c = d.fields_dict.customer.$wrapper;
			$c.html(social_support.render_customer(panel, true));
			// a reference (number, status, tracking) goes into the reply; the personal-data check still applies
			$c.find(".social-insert").on("click", function () {
				const text = (d.get_value("text") || "").trimEnd();
				d.set_value("text", (text ? text + " " : "") + $(this).attr("data-ref")).then(check);
			});
		});
		const feedback = d.fields_dict.feedback.$wrapper;
		let timer = null;
		const check = () => {
			const text = d.get_value("text") || "";
			frappe
				.xcall("social_support.api.agent.check_draft", { ticket: frm.doc.name, text, private: d.get_value("private") ? 1 : 0 })
				.then((r) => {
					// the count is of the text as it will be sent: the customer's @handle on X and the signature included
					const over = r.limit && r.length > r.limit;
					let html = `<div class="social-count ${over ? "text-danger" : "text-muted"}">${r.length} / ${r.limit || "∞"} · ${__(r.mode)}${ctx.signature ? " · " + __("signed") + " " + frappe.utils.escape_html(ctx.signature) : ""}</div>`;
					if (text.trim()) {
						html += `<div class="social-final text-muted small">${__("As sent")}: ${frappe.utils.escape_html(r.final_text || "")}</div>`;
					}
					html += (r.checks || [])
						.map((c) => `<div class="social-check ${c.level === "error" ? "text-danger" : "text-warning"}">${frappe.utils.escape_html(c.message)}</div>`)
						.join("");
					feedback.html(html);
				})
				.catch(() => {});
		};
		d.fields_dict.text.$input.on("input", () => {
			clearTimeout(timer);
			timer = setTimeout(check, 250);
		});
		// a private conversation shows the box read-only: there is nothing to change then
		if (d.fields_dict.private.$input) d.fields_dict.private.$input.on("change", check);
		d.fields_dict.canned.$input.on("awesomplete-selectcomplete change", () => {
			const name = d.get_value("canned");
			if (!name) return;
			frappe.db.get_value("Social Canned Response", name, "text").then((r) => {
				const full = frappe.session.user_fullname || "";
				const initials = full
					.split(" ")
					.filter(Boolean)
					.map((p) => p[0].toUpperCase())
					.join("");
				const last = (ctx.thread || []).filter((m) => m.direction === "Inbound").pop() || {};
				const first = (last.author_name || last.author_handle || "").split(" ")[0];
				const text = (r.message.text || "")
					.replaceAll("{first_name}", first)
					.replaceAll("{agent_first_name}", full.split(" ")[0] || "")
					.replaceAll("{agent_initials}", initials)
					.replaceAll("{ticket}", frm.doc.name);
				d.set_value("text", text).then(check);
			});
		});
		if (ctx.whatsapp) social_support.setup_whatsapp(frm, d, ctx.whatsapp);
		d.show();
		check();
	});
};

// "Ignore" for trolls; the hide dialog is social_support.hide_dialog (social_desk.js, on every desk page)
social_support.ignore_dialog = function (args, done) {
	frappe.prompt(
		[{ fieldname: "note", fieldtype: "Small Text", label: __("Why (optional, kept on the ticket)") }],
		(v) => frappe.xcall("social_support.api.agent.ignore", { ...args, note: v.note }).then(() => done && done()),
		__("Ignore: close without hiding and without posting anything"),
		__("Ignore")
	);
};

social_support.moderation_actions = function (frm) {
	if (!["Resolved", "Closed"].includes(frm.doc.status)) {
		frm.add_custom_button(__("Ignore"), () => social_support.ignore_dialog({ ticket: frm.doc.name }, () => frm.reload_doc()), __("Social"));
	}
	if (frm.doc.social_platform === "X" || frm.doc.social_conversation !== "Public") return;
	frm.add_custom_button(__("Hide a Comment"), () => {
		frappe.prompt(
			[
				{
					fieldname: "message",
					fieldtype: "Link",
					options: "Social Message",
					label: __("Comment"),
					reqd: 1,
					get_query: () => ({ filters: { reference_name: frm.doc.name, direction: "Inbound", kind: "Comment", hidden: 0 } }),
				},
			],
			(v) => social_support.hide_dialog(v.message, () => frm.reload_doc()),
			__("Which comment breaks the rules?")
		);
	}, __("Social"));
};

social_support.wa_values = function (d) {
	const values = {};
	d.fields_dict.wa_values.$wrapper.find("input[data-var]").each(function () {
		values[$(this).attr("data-var")] = $(this).val();
	});
	return values;
};

social_support.setup_whatsapp = function (frm, d, wa) {
	const w = wa.window || {};
	const label = w.open
		? __("WhatsApp's 24-hour window: {0}", [w.label])
		: __("WhatsApp's 24-hour window is closed: only an approved template can be sent until the customer writes again.");
	d.fields_dict.wa_window.$wrapper.html(`<div class="social-wa-window ${w.open ? "text-muted" : "text-danger"}">${frappe.utils.escape_html(label)}</div>`);
	const $values = d.fields_dict.wa_values.$wrapper;
	const preview = () => {
		const template = d.get_value("wa_template");
		if (!template) return;
		frappe
			.xcall("social_support.api.agent.preview_template", { ticket: frm.doc.name, template, values: JSON.stringify(social_support.wa_values(d)) })
			.then((r) => {
				$values.find(".social-wa-preview").html(
					`<div class="text-muted small">${__("As the customer will read it")}:</div><pre class="small">${frappe.utils.escape_html(r.text || "")}</pre>` +
						(r.problem ? `<div class="text-warning small">${frappe.utils.escape_html(r.problem)}</div>` : "")
				);
			});
	};
	d.fields_dict.wa_template.$input.on("change", () => {
		const template = d.get_value("wa_template");
		d.set_df_property("text", "hidden", template ? 1 : 0);
		// the live count and signature are for free text: a template is sent as WhatsApp approved it
		d.fields_dict.feedback.$wrapper.toggle(!template);
		if (!template) return $values.html("");
		frappe.xcall("social_support.api.agent.preview_template", { ticket: frm.doc.name, template, values: "{}" }).then((r) => {
			const inputs = (r.variables || [])
				.map(
					(v) =>
						`<div class="form-group"><label class="control-label small">${frappe.utils.escape_html(v)}</label><input class="form-control input-sm" data-var="${frappe.utils.escape_html(v)}"></div>`
				)
				.join("");
			$values.html(inputs + '<div class="social-wa-preview"></div>');
			$values.find("input[data-var]").on("input", frappe.utils.debounce(preview, 250));
			preview();
		});
	});
	if (!w.open) d.set_df_property("text", "hidden", 1);
};
