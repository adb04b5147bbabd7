"""The architecture keeps its shape: the import contracts, no import circle, no hidden imports, small modules.

See docs/architecture.md. The contracts live in pyproject.toml (``[tool.importlinter]``) and run through
``lint-imports``; the other three rules are checked here over the import graph (grimp, import-linter's library) and
the source (an AST walk).
"""
import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("server", "nlp", "triage", "admin")  # no circle, no import hidden in a function without a reason
SIZED = (*PACKAGES, "mobile")  # no module over MAX_LINES
MAX_LINES = 400


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: every strongly connected group of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return found


def hidden_imports(path: Path, roots: tuple[str, ...] = PACKAGES) -> list[str]:
    """Imports of project modules inside functions with no comment saying why (on their line, or above the group of
    imports they open)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                project = node.level > 0 or (node.module or "").split(".")[0] in roots
            elif isinstance(node, ast.Import):
                project = any(alias.name.split(".")[0] in roots for alias in node.names)
            else:
                continue
            if project and not _explained(lines, node.lineno - 1):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def _explained(lines: list[str], at: int) -> bool:
    """A comment on the import's line, or on the line above it or above the imports just before it."""
    if "#" in lines[at]:
        return True
    above = at - 1
    while above >= 0 and lines[above].strip().startswith(("import ", "from ")) and "#" not in lines[above]:
        above -= 1
    return above >= 0 and (lines[above].strip().startswith("#") or (
        lines[above].strip().startswith(("import ", "from ")) and "#" in lines[above]))


def _modules(packages) -> list[Path]:
    return sorted(p for package in packages for p in (REPO / package).rglob("*.py")
                  if "migrations" not in p.parts and "__pycache__" not in p.parts)


def test_the_import_contracts_hold():
    """pyproject.toml's contracts: pure libraries, models at the bottom, a domain-free task layer, APIs on top."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_import_circle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    circles = strongly_connected(imports)
    assert circles == [], "\n".join(" -> ".join(c) for c in circles)


def test_no_project_import_hidden_in_a_function():
    hidden = [line for path in _modules(PACKAGES) for line in hidden_imports(path)]
    assert hidden == [], "import at the top, or say why not (e.g. '# lazy: torch is heavy'):\n" + "\n".join(hidden)


def test_no_module_over_400_lines():
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules(SIZED)}
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


# The checkers themselves find what they look for.

def test_a_circle_is_found_and_a_chain_is_not():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_an_import_in_a_function_needs_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from server.models import Case\n    return Case\n\n\n"
                      "def g():\n    # lazy: torch is heavy\n    from nlp import transcribe\n    import nlp.pii\n"
                      "    from json import dumps\n    return transcribe, nlp, dumps\n")
    assert hidden_imports(module) == ["m.py:2: from server.models import Case"]


@pytest.mark.parametrize("contract", ["pure-libraries", "models-at-the-bottom", "events-and-tasks",
                                      "services-below-interfaces"])
def test_every_contract_is_configured(contract):
    assert f'id = "{contract}"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
