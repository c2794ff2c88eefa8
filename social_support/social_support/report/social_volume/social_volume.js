frappe.query_reports["Social Volume"] = {
	filters: social_support.reports.filters(social_support.reports.agent_filters().concat([
		{ fieldname: "view", label: __("View"), fieldtype: "Select", options: ["Per Day", "Heatmap"], default: "Per Day", reqd: 1 },
	])),
	formatter: social_support.reports.heatmap_formatter,
};
