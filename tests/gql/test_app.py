"""The ASGI app: health, readiness and GraphQL over HTTP."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from gql.app import create_app
from gql.settings import Settings
from gql.store.db import create_engine_for, sqlite_url
from gql.store.migrate import upgrade


def test_health_is_up_and_readiness_waits_for_migrations(tmp_path: Path) -> None:
    """An unmigrated database: healthy but not ready, and the reason says what to run."""
    settings = Settings(data_dir=tmp_path, warm_kernels=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "visitgis db upgrade" in response.json()["reason"]


def test_a_migrated_database_is_ready_and_answers_graphql(tmp_path: Path) -> None:
    """After migration: ready, GraphiQL served in development, anonymous queries refused."""
    engine = create_engine_for(sqlite_url(tmp_path))
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=tmp_path, warm_kernels=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").json() == {"status": "ready"}
        page = client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        answer = client.post("/graphql", json={"query": "{ departments { name } }"})
        assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_production_mode_serves_no_graphiql_and_no_introspection(tmp_path: Path) -> None:
    """Production hides the IDE and the schema from strangers."""
    engine = create_engine_for(sqlite_url(tmp_path))
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        data_dir=tmp_path, warm_kernels=False, mode="production", jwt_secret="p" * 40
    )
    with TestClient(create_app(settings)) as client:
        page = client.get("/graphql", headers={"accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        answer = client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert answer.json()["data"] is None
        assert "introspection" in answer.json()["errors"][0]["message"].lower()


def test_graphql_waits_until_kernels_are_warm(tmp_path: Path) -> None:
    """With warm-up on, the app answers 503 until the kernels are compiled, then serves."""
    import time

    engine = create_engine_for(sqlite_url(tmp_path))
    upgrade(engine)
    engine.dispose()
    settings = Settings(data_dir=tmp_path, warm_kernels=True)
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 300
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "kernels never warmed"
            time.sleep(0.2)
        answer = client.post("/graphql", json={"query": "{ departments { name } }"})
        assert answer.status_code == 200
