"""Old sign-in sessions are deleted: staff_web_sessions rows that ended (signed out, or past their end)
more than web_sessions.PURGE_AFTER_DAYS ago, by the running worker process, at most once an hour."""

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backend.auth import web_sessions
from backend.auth.models import StaffWebSession
from backend.notifications import worker
from backend.notifications.dispatcher import Dispatcher, run_loop
from backend.notifications.providers import ConsoleProvider
from backend.staff.models import StaffUser

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _staff(session) -> StaffUser:  # noqa: ANN001
    return session.scalars(select(StaffUser).where(StaffUser.username == "cw_yuzhong")).one()


def _row(session, name: str, *, signed_in: datetime, revoked: datetime | None = None) -> None:  # noqa: ANN001
    session.add(StaffWebSession(token_hash=name.ljust(64, "0"), staff_id=_staff(session).id, created_at=signed_in,
                                last_seen_at=signed_in,
                                expires_at=signed_in + timedelta(hours=web_sessions.ABSOLUTE_HOURS),
                                revoked_at=revoked))
    session.flush()


def _left(session) -> set[str]:  # noqa: ANN001
    session.expire_all()
    return {h.rstrip("0") for h in session.scalars(select(StaffWebSession.token_hash))}


def _old_and_recent(session, now: datetime) -> None:  # noqa: ANN001
    n = web_sessions.PURGE_AFTER_DAYS
    _row(session, "signedoutlongago", signed_in=now - (n + 2) * DAY, revoked=now - (n + 1) * DAY)
    _row(session, "signedoutrecently", signed_in=now - (n - 1) * DAY, revoked=now - (n - 1) * DAY + timedelta(hours=1))
    _row(session, "expiredlongago", signed_in=now - (n + 1) * DAY)
    _row(session, "expiredrecently", signed_in=now - (n - 1) * DAY)
    # Expired long ago, marked revoked only today (revoke_all when the account was disabled): it ended long ago.
    _row(session, "expiredthenrevoked", signed_in=now - (n + 5) * DAY, revoked=now - timedelta(hours=1))
    _row(session, "active", signed_in=now - timedelta(minutes=5))


def test_sessions_ended_more_than_n_days_ago_are_deleted(world) -> None:  # noqa: ANN001
    assert web_sessions.PURGE_AFTER_DAYS == 30
    _old_and_recent(world.session, NOW)
    deleted = web_sessions.purge_ended(world.session, now=NOW)
    assert deleted == 3
    assert _left(world.session) == {"signedoutrecently", "expiredrecently", "active"}
    assert web_sessions.purge_ended(world.session, now=NOW) == 0


class _Stop(Exception):
    pass


def test_the_worker_loop_purges_at_most_once_an_hour(world) -> None:  # noqa: ANN001
    """The worker's own jobs (worker.housekeeping) on the worker's loop, with a clock that moves 20 minutes
    every time the loop sleeps (an empty outbox): a purge at the start, the next only an hour later."""
    clock = {"now": NOW}
    purged_at: list[datetime] = []
    real_purge = web_sessions.purge_ended

    def watched(session, *, now):  # noqa: ANN001, ANN202
        purged_at.append(now)
        return real_purge(session, now=now)

    sleeps = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 7:
            raise _Stop
        clock["now"] += timedelta(minutes=20)
        if len(sleeps) == 2:  # between two purges, sessions end: they wait for the next purge
            _row(world.session, "signedoutjustnow",
                 signed_in=clock["now"] - (web_sessions.PURGE_AFTER_DAYS + 1) * DAY,
                 revoked=clock["now"] - (web_sessions.PURGE_AFTER_DAYS + 1) * DAY + timedelta(hours=1))

    _old_and_recent(world.session, NOW)
    jobs = worker.housekeeping()
    for job in jobs:
        if job.job is web_sessions.purge_ended:
            job.job = watched
    dispatcher = Dispatcher(ConsoleProvider(), workers=1)
    try:
        run_loop(dispatcher, lambda: nullcontext(world.session), jobs=jobs, poll_seconds=1.0,
                 now=lambda: clock["now"], sleep=sleep)
    except _Stop:
        pass
    finally:
        dispatcher.close()
    # Seven passes, 20 minutes apart: 0, 20, 40, 60, 80, 100, 120 minutes after the start.
    assert purged_at == [NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=2)]
    assert _left(world.session) == {"signedoutrecently", "expiredrecently", "active"}
