"""Report columns in one shape."""

from __future__ import annotations


def column(fieldname: str, label: str, fieldtype: str = "Data", width: int = 100, **extra) -> dict:
	"""A report column; hours columns are Float with two decimals."""
	col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}
	if fieldtype == "Float":
		col.setdefault("precision", 2)
	return col
