"""The personas talk to the same running stack as tests/e2e (one stack per pytest session, whichever folder's
tests start it): its fixture is shared, not copied."""

from tests.e2e.conftest import stack  # noqa: F401  (the session's stack fixture)


def pytest_configure(config) -> None:  # noqa: ANN001
    config.addinivalue_line("markers", "persona: a scripted person talks to the running stack (`make test-personas`: all)")
    config.addinivalue_line("markers", "persona_fast: the personas `make test` runs too")
