"""A served process freezes its start-up heap, so full collections stop walking it (issue 19).

Run in a fresh interpreter: the test process's heap (pytest, every other test's objects) would
hide what the app itself froze.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from gql.heap import freeze_start_up_heap

_SERVE_THEN_COUNT = textwrap.dedent(
    """
    import gc, json, sys, time
    from pathlib import Path

    from starlette.testclient import TestClient

    from gql.app import create_app
    from gql.settings import Settings
    from gql.store.db import create_engine_for, sqlite_url
    from gql.store.migrate import upgrade

    data_dir = Path(sys.argv[1])
    engine = create_engine_for(sqlite_url(data_dir))
    upgrade(engine)
    engine.dispose()
    before = gc.get_freeze_count()
    with TestClient(create_app(Settings(data_dir=data_dir, warm_kernels=True))) as client:
        deadline = time.monotonic() + 300
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "kernels never warmed"
            time.sleep(0.2)
        frozen = gc.get_freeze_count()
        scanned = len(gc.get_objects())  # what a full collection still walks
    print(json.dumps({"before": before, "frozen": frozen, "scanned": scanned}))
    """
)


def test_a_warm_server_leaves_its_start_up_objects_out_of_full_collections(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SERVE_THEN_COUNT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["before"] == 0
    # the schema, mappers, carriers' models and kernels: most of the heap, and out of reach
    assert counts["frozen"] > 100_000
    assert counts["frozen"] > 3 * counts["scanned"]


def test_freezing_keeps_later_garbage_collectable() -> None:
    import gc
    import weakref

    class Node:
        pass

    freeze_start_up_heap()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]  # a cycle made after the freeze
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
