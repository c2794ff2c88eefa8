// Filters shared by the Social Support reports (loaded on every desk page via app_include_js).
frappe.provide("social_support.reports");

social_support.reports.filters = function (extra) {
	const today = frappe.datetime.get_today();
	const base = [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(today, -29) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: today },
		{ fieldname: "channel", label: __("Channel"), fieldtype: "Link", options: "Social Channel" },
		{ fieldname: "platform", label: __("Platform"), fieldtype: "Select", options: ["", "X", "Facebook", "Instagram", "WhatsApp"] },
	];
	return base.concat(extra || []);
};

social_support.reports.agent_filters = function () {
	return [
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
		{ fieldname: "team", label: __("Team (Assignment Rule)"), fieldtype: "Link", options: "Assignment Rule" },
	];
};

// cells outside business hours (the row lists them in `outside`) are shaded, with a text cue too
social_support.reports.heatmap_formatter = function (value, row, column, data, default_formatter) {
	value = default_formatter(value, row, column, data);
	if (data && column.fieldname && column.fieldname.startsWith("h") && data.outside) {
		const hour = parseInt(column.fieldname.slice(1), 10);
		if (data.outside.split(",").includes(String(hour))) {
			return `<span title="${__("outside business hours")}" style="display:block;background:#fde2e1;color:#7a1010;font-weight:600">${value}</span>`;
		}
	}
	return value;
};
