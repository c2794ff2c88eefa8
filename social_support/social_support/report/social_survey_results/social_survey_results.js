frappe.query_reports["Social Survey Results"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -30), reqd: 1 },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Channel", "Platform", "Agent", "Week"], default: "Channel", reqd: 1 },
		{ fieldname: "channel", label: __("Channel"), fieldtype: "Link", options: "Social Channel" },
		{ fieldname: "platform", label: __("Platform"), fieldtype: "Select", options: ["", "X", "Facebook", "Instagram", "WhatsApp"] },
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
	],
};
