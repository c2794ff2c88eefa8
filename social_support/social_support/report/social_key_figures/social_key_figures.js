frappe.query_reports["Social Key Figures"] = {
	filters: social_support.reports.filters(),
};
