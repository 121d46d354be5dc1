"""`python -m backend.notifications.worker`: the SMS dispatcher as its own process."""

import backend.models  # noqa: F401  (every table known, so the ORM can resolve the outbox's references)
from backend.core.logging import configure_logging
from backend.core.settings import get_settings
from backend.notifications.dispatcher import run_forever
from backend.wiring import register_all

if __name__ == "__main__":
    register_all()
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    try:
        run_forever()
    except KeyboardInterrupt:
        pass
