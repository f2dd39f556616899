"""No test sleeps and then asserts on what the wall clock was supposed to bring about.

A ``sleep`` in a test is allowed only where it cannot stand in for a condition: inside a loop
that polls one (bounded), as a bare yield to the event loop (``sleep(0)``), or as a stub that
plays a hung peer (an hour, a minute). Anything else — "sleep 0.4 s, they are now waiting" — is
flaky on a loaded machine and must wait for the condition instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HANG_S = 60


def _is_sleep(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "sleep"


def _loose_sleeps(source: str) -> list[int]:
    """Lines of ``sleep`` calls outside any loop whose argument is neither 0 nor a hang."""
    found: list[int] = []

    def visit(node: ast.AST, in_loop: bool) -> None:
        if isinstance(node, ast.Call) and _is_sleep(node) and not in_loop:
            arg = node.args[0] if node.args else None
            value = arg.value if isinstance(arg, ast.Constant) else None
            if not (isinstance(value, int | float) and (value == 0 or value >= HANG_S)):
                found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, in_loop or isinstance(node, ast.For | ast.While | ast.AsyncFor))

    visit(ast.parse(source), in_loop=False)
    return found


def test_no_test_sleeps_then_asserts() -> None:
    offenders = {
        str(path.relative_to(TESTS)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := _loose_sleeps(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_finder_sees_a_sleep_then_assert() -> None:
    """It flags the old pattern and lets a polling loop, a yield and a hang stub pass."""
    source = (
        "import time, asyncio\n"
        "time.sleep(0.4)\n"
        "while not done():\n    time.sleep(0.01)\n"
        "async def f():\n    await asyncio.sleep(0)\n    await asyncio.sleep(3600)\n"
    )
    assert _loose_sleeps(source) == [2]
