frappe.query_reports["Social API Costs"] = {
	filters: [
		{ fieldname: "from_month", label: __("From Month (YYYY-MM)"), fieldtype: "Data" },
		{ fieldname: "to_month", label: __("To Month (YYYY-MM)"), fieldtype: "Data" },
		{ fieldname: "channel", label: __("Channel"), fieldtype: "Link", options: "Social Channel" },
		{ fieldname: "by_kind", label: __("By Kind"), fieldtype: "Check", default: 1 },
	],
};
