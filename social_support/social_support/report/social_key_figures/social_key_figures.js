frappe.query_reports["Social Key Figures"] = {
	filters: social_support.reports.filters(social_support.reports.agent_filters()),
};
