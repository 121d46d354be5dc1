"""`python -m backend.notifications.worker`: the SMS dispatcher as its own process, and the periodic jobs
that process runs besides (`housekeeping`)."""

import backend.models  # noqa: F401  (every table known, so the ORM can resolve the outbox's references)
from backend.auth import login_counters, web_sessions
from backend.core.logging import configure_logging
from backend.core.settings import get_settings
from backend.notifications.dispatcher import Periodic, run_forever
from backend.wiring import register_all


def housekeeping() -> list[Periodic]:
    """The jobs the worker runs on its loop."""
    return [Periodic("purge ended staff sessions", web_sessions.purge_ended, web_sessions.PURGE_EVERY),
            Periodic("purge stale staff sign-in counts", login_counters.purge_stale, login_counters.PURGE_EVERY)]


if __name__ == "__main__":
    register_all()
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    try:
        run_forever(jobs=housekeeping())
    except KeyboardInterrupt:
        pass
