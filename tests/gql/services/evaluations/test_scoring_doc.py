"""The worked examples of docs/scoring.md (section 10) run, on SQLite and PostgreSQL.

Reopening, retraction, a reassignment mid-month, a company-level quarter and year: the
document's examples are executed as doctests against the service layer of a small company
(``world``) built in the test's rolled-back session, so the document cannot drift.
"""

from __future__ import annotations

import doctest
import io
from pathlib import Path

from sqlalchemy.orm import Session

from tests.gql.services.evaluations.world import at, build_world

DOC = Path(__file__).resolve().parents[4] / "docs" / "scoring.md"


def test_the_worked_examples_of_the_scoring_document_hold(db_session: Session) -> None:
    """Every example of the document gives the output it shows."""
    world = build_world(db_session)
    text = DOC.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(
        text, {"world": world, "at": at}, "docs/scoring.md", str(DOC), 0
    )
    report = io.StringIO()
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
    assert runner.tries >= 60  # the examples are there, not skipped
