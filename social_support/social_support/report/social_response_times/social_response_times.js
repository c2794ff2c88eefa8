frappe.query_reports["Social Response Times"] = {
	filters: social_support.reports.filters(
		social_support.reports.agent_filters().concat([
			{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Channel", "Agent", "Platform"], default: "Channel", reqd: 1 },
		])
	),
};
