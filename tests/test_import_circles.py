"""How the modules of social_support import each other: no circles, and the running app never
imports the development tools.

Every ``import`` and ``from ... import`` is read from the source with ast, at module level and inside
functions alike (an import moved into a function still closes the circle when it runs), and each
circle is named with the imports that close it. Nothing is imported, so no Frappe is needed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "social_support"

# Circles that are known and accepted: none.
KNOWN_CIRCLES: dict[frozenset, str] = {}


def modules(root: Path, package: str) -> dict[str, Path]:
	"""Dotted module name -> file, for every module of the package except its test folders."""
	found = {}
	for path in sorted((root / package).rglob("*.py")):
		parts = list(path.relative_to(root).with_suffix("").parts)
		if "tests" in parts:
			continue
		if parts[-1] == "__init__":
			parts.pop()
		found[".".join(parts)] = path
	return found


def _nearest_module(name: str, known: dict[str, Path]) -> str | None:
	while name and name not in known:
		name = name.rpartition(".")[0]
	return name or None


def imported_modules(module: str, path: Path, known: dict[str, Path]) -> set[str]:
	"""The package's modules that ``module`` imports anywhere in its file."""
	is_package = path.name == "__init__.py"
	found = set()
	for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
		if isinstance(node, ast.Import):
			targets = [alias.name for alias in node.names]
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				anchor = module if is_package else module.rpartition(".")[0]
				for _ in range(node.level - 1):
					anchor = anchor.rpartition(".")[0]
				base = f"{anchor}.{base}" if base else anchor
			# ``from pkg import name``: the submodule pkg.name when there is one, else pkg itself
			targets = [f"{base}.{alias.name}" for alias in node.names]
		else:
			continue
		for target in targets:
			resolved = _nearest_module(target, known)
			if resolved and resolved != module:
				found.add(resolved)
	return found


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
	known = modules(root, package)
	return {name: imported_modules(name, path, known) for name, path in known.items()}


def circles(graph: dict[str, set[str]], known: dict[frozenset, str] | None = None) -> list[list[str]]:
	"""Groups of modules that import each other (strongly connected components of two or more)."""
	known = known or {}
	graph = {
		a: {b for b in targets if frozenset({a, b}) not in known and b in graph}
		for a, targets in graph.items()
	}
	index, low, stack, on_stack, found = {}, {}, [], set(), []

	def visit(start):
		# iterative Tarjan, so a long chain of imports cannot hit the recursion limit
		work = [(start, iter(sorted(graph[start])))]
		index[start] = low[start] = len(index)
		stack.append(start)
		on_stack.add(start)
		while work:
			node, targets = work[-1]
			for target in targets:
				if target not in index:
					index[target] = low[target] = len(index)
					stack.append(target)
					on_stack.add(target)
					work.append((target, iter(sorted(graph[target]))))
					break
				if target in on_stack:
					low[node] = min(low[node], index[target])
			else:
				work.pop()
				if work:
					low[work[-1][0]] = min(low[work[-1][0]], low[node])
				if low[node] == index[node]:
					group = []
					while True:
						member = stack.pop()
						on_stack.discard(member)
						group.append(member)
						if member == node:
							break
					if len(group) > 1:
						found.append(sorted(group))

	for node in sorted(graph):
		if node not in index:
			visit(node)
	return sorted(found)


def describe(group: list[str], graph: dict[str, set[str]]) -> str:
	ties = [f"    {a} -> {b}" for a in group for b in sorted(graph[a]) if b in group]
	return "circle of " + ", ".join(group) + ":\n" + "\n".join(ties)


def test_no_import_circles_between_modules():
	graph = import_graph()
	found = circles(graph, KNOWN_CIRCLES)
	assert found == [], "\n".join(describe(group, graph) for group in found)


def test_the_running_app_does_not_import_the_development_tools():
	tools = "social_support.devtools"
	# the bench commands are how a developer reaches the tools
	reaching = {
		module: sorted(t for t in targets if t == tools or t.startswith(tools + "."))
		for module, targets in import_graph().items()
		if not module.startswith(tools) and module != "social_support.commands"
	}
	assert {module: found for module, found in reaching.items() if found} == {}


def test_the_walk_sees_the_packages_own_imports():
	graph = import_graph()
	assert "social_support.platforms.base" in graph["social_support.platforms.x.parse"]
	assert "social_support.sandbox.wire" in graph["social_support.sandbox.server"]
	# a relative import from a package's __init__ and one inside a function body
	assert "social_support.analysis.classify" in graph["social_support.analysis"]
	assert "social_support.core.keys" in graph["social_support.outbound.send"]
	assert "social_support.core.channels" in graph["social_support.api.channel"]  # inside a function


def _write(root: Path, files: dict[str, str]) -> None:
	for name, text in files.items():
		path = root / name
		path.parent.mkdir(parents=True, exist_ok=True)
		path.write_text(text, encoding="utf-8")


def test_a_circle_closed_inside_a_function_is_found(tmp_path):
	_write(
		tmp_path,
		{
			"pkg/__init__.py": "",
			"pkg/a.py": "from pkg.b import thing\n",
			"pkg/b.py": "def thing():\n\tfrom . import c\n",
			"pkg/c.py": "import pkg.a as a\n",
			"pkg/d.py": "from pkg import a\n",
			"pkg/sub/__init__.py": "from .. import d\n",
			"pkg/tests/test_a.py": "from pkg import sub\nimport pkg.sub\n",
		},
	)
	graph = import_graph(tmp_path, "pkg")
	assert "pkg.tests.test_a" not in graph
	assert graph["pkg.sub"] == {"pkg.d"} and graph["pkg.d"] == {"pkg.a"}
	assert circles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
	assert circles(graph, {frozenset({"pkg.b", "pkg.c"}): "known"}) == []
	assert "pkg.b -> pkg.c" in describe(["pkg.a", "pkg.b", "pkg.c"], graph)
