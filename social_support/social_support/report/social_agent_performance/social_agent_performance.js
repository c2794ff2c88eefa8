frappe.query_reports["Social Agent Performance"] = {
	filters: social_support.reports.filters(social_support.reports.agent_filters()),
};
