"""The ticket boundary: only ``social_support/tickets/`` knows which doctype holds the tickets.

Every other module reads and writes tickets through ``tickets.get_adapter()`` (doctype, table, field
names, statuses), so a second ticket system is one more module under ``tickets/``. This walks the
string constants of every module (f-string parts included) with ast and fails on the ERPNext doctype
named as a literal ("Issue") or its table (`tabIssue`). Tests, development tools and patches (which
migrate data of the ERPNext adapter) are outside the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "social_support"
OUTSIDE_THE_RULE = ("tickets", "tests", "devtools", "patches")


def ticket_literals(path: Path) -> list[tuple[int, str]]:
	"""(line, text) of each string constant that names a ticket doctype (Issue, HD Ticket) or its table."""
	found = []
	for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
		if isinstance(node, ast.Constant) and isinstance(node.value, str):
			text = node.value
			if text.strip() in ("Issue", "HD Ticket") or "tabIssue" in text or "tabHD Ticket" in text:
				found.append((node.lineno, text if len(text) < 80 else text[:77] + "..."))
	return found


def governed_modules() -> list[Path]:
	return [p for p in sorted(PKG.rglob("*.py")) if p.relative_to(PKG).parts[0] not in OUTSIDE_THE_RULE]


def test_no_module_outside_tickets_names_the_issue_doctype():
	offenders = {str(p.relative_to(PKG)): hits for p in governed_modules() if (hits := ticket_literals(p))}
	assert offenders == {}, f"use tickets.get_adapter() (doctype, table, field) instead: {offenders}"


def test_the_walk_sees_the_literals_it_forbids():
	# the ERPNext adapter does name its doctype; a walk that cannot see it would prove nothing
	assert ticket_literals(PKG / "tickets" / "erpnext_issue.py")
	assert ticket_literals(PKG / "tickets" / "helpdesk.py")
	assert not any(p.relative_to(PKG).parts[0] == "tickets" for p in governed_modules())
	assert any(p.name == "gate.py" for p in governed_modules())


def test_literals_in_sql_and_f_strings_are_found(tmp_path):
	sample = tmp_path / "sample.py"
	sample.write_text(
		"import frappe\n"
		"def a(t):\n"
		'    return frappe.db.sql(f"select name from `tabIssue` where x = {t}")\n'
		"def b():\n"
		'    return frappe.get_all("Issue")\n'
		"def c():\n"
		'    """Tickets are ERPNext Issues by default."""\n',
		encoding="utf-8",
	)
	assert sorted(line for line, _text in ticket_literals(sample)) == [3, 5]
