"""The pure rooms must never import frappe: the pure suite has to run on any machine."""

import pathlib
import subprocess
import sys

import pytest

PKG = pathlib.Path(__file__).resolve().parent.parent / "social_support"
PURE = ("platforms", "analysis", "sandbox")


@pytest.mark.parametrize("room", PURE)
def test_no_frappe_import_in_source(room):
	offenders = [
		str(p.relative_to(PKG))
		for p in (PKG / room).rglob("*.py")
		if any(
			line.strip().startswith(("import frappe", "from frappe")) for line in p.read_text().splitlines()
		)
	]
	assert offenders == []


def test_importing_pure_rooms_loads_no_frappe():
	modules = [
		"social_support.platforms.base",
		"social_support.platforms.x",
		"social_support.platforms.meta",
		"social_support.sandbox.server",
	]
	if (PKG / "analysis" / "__init__.py").exists():
		modules.append("social_support.analysis")
	# the analysis tools among the development tools run without Frappe too
	modules += [
		"social_support.devtools.analysis_eval",
		"social_support.devtools.analysis_speed",
		"social_support.devtools.tone_eval",
	]
	code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('frappe' in sys.modules)"
	out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
	assert out.stdout.strip() == "False"
