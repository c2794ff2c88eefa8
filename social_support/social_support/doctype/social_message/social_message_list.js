frappe.listview_settings["Social Message"] = {
	add_fields: ["direction", "status", "kind", "platform"],
	get_indicator(doc) {
		if (doc.status === "Deleted") return [__("Deleted"), "grey", "status,=,Deleted"];
		if (doc.direction === "Outbound") return [__("Outbound"), "blue", "direction,=,Outbound"];
		return [__(doc.kind || "Inbound"), doc.status === "Edited" ? "orange" : "green", "direction,=,Inbound"];
	},
};
