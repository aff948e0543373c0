"""teams/ is a pure layer, like scoring/ and research/: it never imports storage, services,
web or cli (those call it)."""

from __future__ import annotations

import ast
from pathlib import Path

TEAMS = Path(__file__).parent.parent.parent / "src" / "socialmaturity" / "teams"


def test_teams_imports_no_upper_layer():
    for path in TEAMS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                name = ("." * node.level) + (node.module or "")
            elif isinstance(node, ast.Import):
                name = ",".join(a.name for a in node.names)
            else:
                continue
            for layer in ("storage", "services", "web", "cli", "reports"):
                assert f"..{layer}" not in name and f"socialmaturity.{layer}" not in name, \
                    f"{path.name}:{node.lineno} imports {name}"
