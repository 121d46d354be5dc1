"""Every path that carries a link token (the whole credential for what it opens) is cut in the logs: the
test walks every route of the app — the OpenAPI's and the pages outside it — so a new `{token}` route whose
prefix nobody added to backend.core.logging fails here, not in a log an attacker reads."""

import re

from backend.core.logging import mask_path
from backend.main import create_app

TOKEN = "Zq8vK2mW9xLp4RtY7nB3cD6fH1jS5uE0"  # what a secrets.token_urlsafe link looks like


def _paths(routes) -> set[str]:  # noqa: ANN001
    """Every route's path, through included routers (FastAPI wraps them; their effective routes carry the
    full path)."""
    found = set()
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        found |= {c.path for c in contexts()} if contexts else {getattr(route, "path", "")}
    return found


def _token_routes() -> list[str]:
    app = create_app()
    paths = set(app.openapi()["paths"]) | _paths(app.routes)
    return sorted(p for p in paths if re.search(r"\{[a-z_]*token[a-z_]*\}", p))


def test_every_token_path_is_cut_in_the_logs() -> None:
    routes = _token_routes()
    assert routes, "no token routes found: the walk itself is broken"
    assert "/face/{token}" in routes and "/api/v1/liveness/id-photo/{token}" in routes  # pages and API both walked
    leaking = [p for p in routes if TOKEN in mask_path(re.sub(r"\{[a-z_]*token[a-z_]*\}", TOKEN, p))]
    assert leaking == [], f"these paths would log a whole token: {leaking}"
