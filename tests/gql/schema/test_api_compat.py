"""`.ci/api-compat` fails on an undeclared breaking schema change and passes a declared one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "api-compat"

OLD = "type Query { stop: Stop }\ntype Stop { planStopId: Int! seq: Int! }\n"
BREAKING = "type Query { stop: Stop }\ntype Stop { planStopId: ID! seq: Int! }\n"
ADDITIVE = "type Query { stop: Stop }\ntype Stop { planStopId: Int! seq: Int! eta: String }\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _repo_with(tmp_path: Path, new_sdl: str, message: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "ci@example.invalid")
    _git(repo, "config", "user.name", "ci")
    for sdl, text in ((OLD, "first"), (new_sdl, message)):
        (repo / "schema.graphql").write_text(sdl)
        _git(repo, "add", "schema.graphql")
        _git(repo, "commit", "-q", "--allow-empty", "-m", text)
    return repo


def _run(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=repo, capture_output=True, text=True, check=False
    )


def test_undeclared_breaking_change_fails_naming_it(tmp_path: Path) -> None:
    done = _run(_repo_with(tmp_path, BREAKING, "Stop ids are global"))
    assert done.returncode == 1
    assert "Stop.planStopId changed type from Int! to ID!" in done.stdout


def test_declared_breaking_change_passes(tmp_path: Path) -> None:
    message = "Stop ids are global\n\nBREAKING-API: Stop.planStopId is an ID now\n"
    done = _run(_repo_with(tmp_path, BREAKING, message))
    assert done.returncode == 0, done.stdout


def test_declaring_another_field_does_not_cover_it(tmp_path: Path) -> None:
    message = "Stop ids are global\n\nBREAKING-API: Stop.seq\n"
    done = _run(_repo_with(tmp_path, BREAKING, message))
    assert done.returncode == 1


def test_additive_change_needs_no_declaration(tmp_path: Path) -> None:
    done = _run(_repo_with(tmp_path, ADDITIVE, "an ETA on stops"))
    assert done.returncode == 0, done.stdout
