frappe.query_reports["Social Staffing Estimate"] = {
	filters: social_support.reports.filters(social_support.reports.agent_filters().concat([
		{ fieldname: "occupancy", label: __("Occupancy Target %"), fieldtype: "Percent", description: __("From Social Support Settings unless changed here") },
		{ fieldname: "handle_minutes", label: __("Handling Minutes per Message (0 = measured)"), fieldtype: "Float", description: __("0: measured from the team's replies") },
	])),
	onload(report) {
		frappe.db.get_single_value("Social Support Settings", "occupancy_target").then((value) => {
			if (value && !report.get_filter_value("occupancy")) report.set_filter_value("occupancy", value);
		});
	},
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "agents" && data && data.in_business_hours === 0 && data.agents > 0) {
			return `<span title="${__("outside business hours")}" style="color:#7a1010;font-weight:600">${value} ☾</span>`;
		}
		return value;
	},
};
