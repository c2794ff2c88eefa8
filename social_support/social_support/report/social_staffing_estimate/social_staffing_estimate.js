frappe.query_reports["Social Staffing Estimate"] = {
	filters: social_support.reports.filters([
		{ fieldname: "occupancy", label: __("Occupancy Target %"), fieldtype: "Percent", description: __("Blank: from Social Support Settings") },
		{ fieldname: "handle_minutes", label: __("Handling Minutes per Message"), fieldtype: "Float", description: __("Blank: measured from the team's replies") },
	]),
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "agents" && data && data.in_business_hours === 0 && data.agents > 0) {
			return `<span title="${__("outside business hours")}" style="color:#7a1010;font-weight:600">${value} ☾</span>`;
		}
		return value;
	},
};
