"""The development GraphiQL page, served with its vendored assets so it works offline.

strawberry's page loads React and GraphiQL from a public CDN, which is blank on a company's
private network; ours loads them from ``gql/static/graphiql`` (versions and licences in its
README) and opens on an operation that shows the demo city.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from string import Template

from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_URL", "EXAMPLE_OPERATION", "STATIC_URL", "graphiql_html", "static_files"]

STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/static"
ASSETS_URL = f"{STATIC_URL}/graphiql"

EXAMPLE_OPERATION = """\
# visitgis GraphiQL (development). Everything on this page is served by this service.
#
# 1. Paste a demo token (`make run` prints them) into the Headers tab below:
#      {"Authorization": "Bearer <token>"}
#    Queries send it as a header; subscriptions send it in connection_init.
# 2. Run MyDay as an account manager: your start point and the shops on your round.
# 3. Run LiveVisits as a department head, then check a manager in and out
#    (contrib.demo.walk_day): STARTED and ENDED events arrive here.

query MyDay {
  viewer {
    role
    staff { name staffNo }
    department { name }
    manager {
      startLabel
      startPoint { lat lon }
      retailers(first: 10) {
        totalCount
        nodes { id name address grade keyCustomer position { lat lon } }
      }
    }
  }
}

subscription LiveVisits {
  visitEvents { kind visitId managerId retailerId verdict occurredAt }
}
"""
"""The operation the page opens with; a test validates it against the schema."""

_DEFAULT_HEADERS = '{\n  "Authorization": "Bearer <paste a token from make run>"\n}'


def _script_json(value: str) -> str:
    """A JSON string literal safe inside ``<script>`` (no ``</script>`` can close it)."""
    return json.dumps(value).replace("<", "\\u003c")


@cache
def graphiql_html(endpoint: str = "/graphql") -> str:
    """The page, naming no host: assets and the endpoint are paths on this service."""
    template = Template((Path(__file__).parent / "graphiql.html").read_text(encoding="utf-8"))
    return template.substitute(
        assets=ASSETS_URL,
        endpoint=endpoint,
        example_json=_script_json(EXAMPLE_OPERATION),
        headers_json=_script_json(_DEFAULT_HEADERS),
    )


def static_files() -> StaticFiles:
    """The vendored assets (mounted at :data:`STATIC_URL` in development only)."""
    return StaticFiles(directory=STATIC_DIR)
