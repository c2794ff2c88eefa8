frappe.query_reports["Social Sentiment and Topics"] = {
	filters: social_support.reports.filters(social_support.reports.agent_filters().concat([
		{ fieldname: "group_by", label: __("Per"), fieldtype: "Select", options: ["Day", "Week"], default: "Day", reqd: 1 },
	])),
};
