"""A fresh clone has no folder beside it: nothing in the project may reach outside its tree."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_OUTSIDE = re.compile(r"\.\./shared|parents\[\d\]\.parent\s*/|ROOT\.parent|/work/shared")
_SCANNED = (
    "tests",
    "contrib",
    "gql",
    "geo",
    "tsp",
    "adapters",
    "Makefile",
    ".ci",
    "pyproject.toml",
)


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *_SCANNED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def test_no_file_refers_to_a_folder_beside_the_repository() -> None:
    """No test, contrib script, package or build file refers to ../shared or climbs out of ROOT."""
    offenders = []
    for path in _tracked_files():
        if path == Path(__file__).resolve() or path.suffix in {".tsp", ".tour", ".txt", ".xml"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}:{n}"
            for n, line in enumerate(text.splitlines(), 1)
            if _OUTSIDE.search(line)
        ]
    assert offenders == []
