"""The optima literals in ``known.py`` agree with the shipped tables and files."""

from __future__ import annotations

import re

from tests.tsp.known import DATA, TSPLIB_OPTIMA, TSPLIB_WITH_TOUR, TSPTW_OPTIMA


def test_tsplib_literals_match_the_readme_table() -> None:
    """Every row of ``data/tsplib/README.md``'s table is in TSPLIB_OPTIMA, and nothing else."""
    table = {}
    for line in (DATA / "tsplib" / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (\w+) \| (\d+) \| [^|]+\| (\d+) \| (yes|no)", line)
        if m:
            table[m[1]] = (int(m[2]), int(m[3]))
    assert table == TSPLIB_OPTIMA
    assert all((DATA / "tsplib" / f"{name}.tsp").is_file() for name in table)


def test_tsplib_tour_list_matches_the_files() -> None:
    """TSPLIB_WITH_TOUR names exactly the shipped ``.opt.tour`` files."""
    shipped = sorted(p.name.removesuffix(".opt.tour") for p in (DATA / "tsplib").glob("*.opt.tour"))
    assert tuple(shipped) == TSPLIB_WITH_TOUR


def test_tsptw_literals_match_the_readme_table() -> None:
    """Every Dumas row of ``data/tsptw/README.md`` is in TSPTW_OPTIMA, with its file."""
    table = {}
    for line in (DATA / "tsptw" / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (n\d+w\d+\.\d+) \| (\d+) \| (\d+) \| (\d+) \|", line)
        if m:
            table[m[1]] = int(m[4])
    assert table == TSPTW_OPTIMA
    assert all((DATA / "tsptw" / f"{name}.txt").is_file() for name in table)
