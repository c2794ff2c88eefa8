"""What each channel spent on the platforms per month (reads and writes by kind, estimated at the
X Prices of Social Support Settings), next to its monthly budget."""

from __future__ import annotations

import re

import frappe
from frappe import _

MONTH = re.compile(r"^\d{4}-\d{2}$")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	where, values = ["1=1"], {}
	for key, op in (("from_month", ">="), ("to_month", "<=")):
		value = (filters.get(key) or "").strip()
		if value:
			if not MONTH.match(value):
				frappe.throw(_("Write months like 2026-12."))
			where.append(f"u.month {op} %({key})s")
			values[key] = value
	if filters.get("channel"):
		where.append("u.channel = %(channel)s")
		values["channel"] = filters.channel
	by_kind = frappe.utils.cint(filters.get("by_kind", 1))
	kind = "u.kind" if by_kind else "''"
	rows = frappe.db.sql(
		f"""select u.month, u.channel, c.platform, {kind} as kind, sum(u.resources) as resources,
			sum(u.cost) as cost, c.monthly_budget as budget
		from `tabSocial API Usage` u left join `tabSocial Channel` c on c.name = u.channel
		where {" and ".join(where)}
		group by u.month, u.channel, c.platform, {kind}, c.monthly_budget
		order by u.month desc, u.channel, kind""",
		values,
		as_dict=True,
	)
	columns = [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "channel",
			"label": _("Channel"),
			"fieldtype": "Link",
			"options": "Social Channel",
			"width": 180,
		},
		{"fieldname": "platform", "label": _("Platform"), "fieldtype": "Data", "width": 90},
	]
	if by_kind:
		columns.append({"fieldname": "kind", "label": _("Kind"), "fieldtype": "Data", "width": 160})
	columns += [
		{"fieldname": "resources", "label": _("Resources or Requests"), "fieldtype": "Int", "width": 150},
		{
			"fieldname": "cost",
			"label": _("Estimated Cost (USD)"),
			"fieldtype": "Float",
			"precision": 4,
			"width": 150,
		},
	]
	if not by_kind:
		columns.append(
			{"fieldname": "budget", "label": _("Monthly Budget (USD)"), "fieldtype": "Float", "width": 150}
		)
	return columns, rows
