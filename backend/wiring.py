"""Who reacts to which event: the one place the backend's packages are connected to each other's events.

Each package that reacts to another's events has a `wiring.register()` that subscribes its handlers
(backend.core.events); register_all() calls them all. The app factory (backend.main.create_app) and
every command-line entry point call it once at start-up. Why explicit and not in each package's
__init__: importing a module then never changes what happens elsewhere — a test or a script that
imports only facecheck gets no hidden subscribers, and the whole wiring is readable here.
Order matters only within one event type; none has two subscribers that depend on each other.
"""

from backend.applications import wiring as applications
from backend.authorizations import wiring as authorizations
from backend.certification import wiring as certification
from backend.drafts import wiring as drafts
from backend.economic_check import wiring as economic_check
from backend.notifications import wiring as notifications


def register_all() -> None:
    applications.register()
    authorizations.register()
    certification.register()
    drafts.register()
    economic_check.register()
    notifications.register()
