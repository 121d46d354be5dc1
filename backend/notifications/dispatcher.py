"""The outbox dispatcher: sends pending notices through the SMS provider (or WeChat), exactly once.

1. Claim a batch: pending notices that are due become `sending` (attempt counted), committed.
2. Send them (a few in parallel; the provider call is the slow part).
3. Record each result, committed: `sent` with the provider's id, or back to `pending` with an
   exponential backoff, or `failed` (permanent error, or too many attempts) for staff to see.

A crash between 2 and 3 leaves notices in `sending`. After a lease expires, a dispatcher takes them
back, but first asks the provider whether that exact text already went to that number since the claim;
only if not is it sent again. So a notice whose send result is unknown is never resent blindly.

A dispatcher that was only slow (its lease expired while it waited on the provider) records nothing
once another has taken the notice back: results are written only where the notice is still `sending`
under this dispatcher's own claim time, so a late "retry" cannot undo the newer claim's `sent`.

WeChat. A notice with a template message (backend/wechat/notices.py) to a phone whose WeChat is bound and
follows the account goes as a WeChat template message instead; `channel` records which way it went.
WeChat has no "was this sent?" query, so the rule is: never send a notice twice by WeChat, and send it by
SMS whenever the WeChat result is not a clear success.
- The first claim marks the notice `channel = wechat` in the claim's own commit, before any request.
  A notice found still `sending` with `channel = wechat` after its lease (a crash, or a dispatcher stuck
  past its lease) may or may not have reached WeChat: it is not sent by WeChat again but by SMS, through
  the SMS path above (which asks Twilio first, so a crash during that SMS does not send it twice either).
- WeChat answers "does not follow / refused" (43004, 43101), a permanent error, or a result that is
  unknown (a timeout after the request went out): the same notice goes by SMS in the same attempt.
  43004 also marks the binding as not following, so later notices go by SMS at once.
- WeChat answers an error that means nothing was sent (busy, rate limit, no access token, connection
  refused): the notice waits with the usual backoff and is tried by WeChat again, at most
  WECHAT_ATTEMPTS times in all, then by SMS.
- The binding is gone or WeChat is no longer configured when the notice is retried: SMS.
So a person may, rarely, get a notice by WeChat and by SMS (an unknown WeChat result that had in fact
arrived); never twice on the same channel, and never not at all for lack of WeChat.
"""

import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.db import get_sessionmaker
from backend.core.settings import get_settings
from backend.notifications.sealed import opened
from backend.notifications.models import Notice
from backend.notifications.providers import ProviderError, SendResult, SmsProvider, get_provider
from backend.wechat.client import WeChatApi, WeChatError, get_wechat_api
from backend.wechat.repository import mark_unfollowed, notice_openids

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 3600
LEASE = timedelta(minutes=5)
# Tries by WeChat that clearly sent nothing (busy, rate limit) before the notice goes by SMS.
WECHAT_ATTEMPTS = 3


def backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s, … capped at an hour."""
    return timedelta(seconds=min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)))


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    recovered: int = 0
    retried: int = 0
    failed: int = 0
    # Results not recorded because the lease had expired and another dispatcher re-claimed the notice.
    lost_lease: int = 0
    # Sent as WeChat template messages; sent by SMS after WeChat refused or its result was unknown.
    wechat: int = 0
    fell_back: int = 0


@dataclass
class _Outcome:
    notice_id: int
    result: SendResult | None = None
    error: ProviderError | None = None
    recovered: bool = False
    channel: str = "sms"
    # Why WeChat was left for SMS, and whether WeChat said the user does not follow the account.
    fallback: str | None = None
    unfollowed_cipher: str | None = None


@dataclass(frozen=True)
class _Job:
    notice_id: int
    phone: str
    text: str
    was_sending: bool
    claimed_at: datetime | None
    attempts: int = 1
    channel: str = "sms"
    openid_cipher: str | None = None
    wechat_message: str | None = None


def _utc(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)


class Dispatcher:
    def __init__(self, provider: SmsProvider, *, status_callback: str | None = None, workers: int = 8,
                 batch: int = 200, lease: timedelta = LEASE, wechat: WeChatApi | None = None):
        self.provider = provider
        self.wechat = wechat
        self.status_callback = status_callback
        self.workers = workers
        self.batch = batch
        self.lease = lease
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sms")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def run_once(self, session: Session, now: datetime | None = None) -> DispatchStats:
        now = now or clock.now_utc()
        stats = DispatchStats()
        claimed = self._claim(session, now)
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        outcomes = list(self._pool.map(self._deliver, claimed))
        self._record(session, outcomes, now, stats)
        return stats

    def run_until_empty(self, session: Session, now: datetime | None = None) -> DispatchStats:
        total = DispatchStats()
        while True:
            stats = self.run_once(session, now)
            if not stats.claimed:
                return total
            for k in vars(total):
                setattr(total, k, getattr(total, k) + getattr(stats, k))

    def _claim(self, session: Session, now: datetime) -> list[tuple]:
        due = or_(
            (Notice.status == "pending") & (Notice.next_attempt_at <= now),
            (Notice.status == "sending") & (Notice.claimed_at < now - self.lease),
        )
        query = select(Notice.id).where(due).order_by(Notice.id).limit(self.batch)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if not ids:
            session.commit()
            return []
        rows = session.execute(
            select(Notice.id, Notice.phone_cipher, Notice.phone_hash, Notice.text, Notice.status, Notice.claimed_at,
                   Notice.attempts, Notice.channel, Notice.wechat_message).where(Notice.id.in_(ids))
        ).all()
        session.execute(
            update(Notice).where(Notice.id.in_(ids)).values(status="sending", claimed_at=now, attempts=Notice.attempts + 1)
        )
        openids = self._wechat_route(session, rows)
        session.commit()
        vault = get_vault()
        return [_Job(r.id, vault.decrypt(r.phone_cipher), opened(r.text), r.status == "sending", _utc(r.claimed_at), r.attempts + 1,
                     "wechat" if r.id in openids else r.channel, openids.get(r.id), r.wechat_message) for r in rows]

    def _wechat_route(self, session: Session, rows: list) -> dict[int, str]:
        """The notices of this claim that go by WeChat now, with their encrypted OpenIDs: first claims of
        notices with a template message (marked `channel = wechat` in the claim's commit) and retries after
        WeChat clearly sent nothing. See the module's docstring."""
        wanted = [r for r in rows if self.wechat is not None and r.wechat_message and r.status == "pending"
                  and ((r.channel == "sms" and r.attempts == 0) or (r.channel == "wechat" and r.attempts < WECHAT_ATTEMPTS))]
        found = notice_openids(session, {r.phone_hash for r in wanted}) if wanted else {}
        route = {r.id: found[r.phone_hash] for r in wanted if r.phone_hash in found}
        if route:
            session.execute(update(Notice).where(Notice.id.in_(list(route))).values(channel="wechat"))
        return route

    def _deliver(self, job: _Job) -> _Outcome:
        fallback, unfollowed = None, None
        if job.openid_cipher is not None and self.wechat is not None:
            message = json.loads(job.wechat_message or "{}")
            try:
                msgid = self.wechat.send_template(get_vault().decrypt(job.openid_cipher), message["template_id"],
                                                  message["data"], message.get("url"))
                return _Outcome(job.notice_id, result=SendResult(f"wx:{msgid}", "sent"), channel="wechat")
            except WeChatError as exc:
                if not (exc.refused or exc.permanent or exc.unknown) and job.attempts < WECHAT_ATTEMPTS:
                    return _Outcome(job.notice_id, error=ProviderError(str(exc), permanent=False), channel="wechat")
                fallback = str(exc)
                unfollowed = job.openid_cipher if exc.errcode == 43004 else None
        elif job.channel == "wechat":
            fallback = "wechat result unknown" if job.was_sending else "wechat not available"
        outcome = self._deliver_sms(job)
        outcome.fallback, outcome.unfollowed_cipher = fallback, unfollowed
        return outcome

    def _deliver_sms(self, job: _Job) -> _Outcome:
        to = job.phone if job.phone.startswith("+") else f"+86{job.phone}"
        try:
            if job.was_sending and job.claimed_at is not None:
                # The last attempt's result is unknown: ask before sending again.
                found = self.provider.find_sent(to, job.text, job.claimed_at)
                if found is not None:
                    return _Outcome(job.notice_id, result=found, recovered=True)
            return _Outcome(job.notice_id, result=self.provider.send(to, job.text, status_callback=self.status_callback))
        except ProviderError as exc:
            return _Outcome(job.notice_id, error=exc)

    def _record(self, session: Session, outcomes: list[_Outcome], claimed_at: datetime, stats: DispatchStats) -> None:
        """Write each result only while this dispatcher still holds the notice: `claimed_at` is the claim
        time it set, and a re-claim by another dispatcher replaces it."""
        attempts = dict(session.execute(select(Notice.id, Notice.attempts)
                                        .where(Notice.id.in_([o.notice_id for o in outcomes]))).all())
        for o in outcomes:
            tries = attempts.get(o.notice_id, 0)
            if o.unfollowed_cipher:
                mark_unfollowed(session, o.unfollowed_cipher)
            note = f"{o.fallback[:200]} → sms" if o.fallback else None
            if o.result is not None:
                values = {"status": "sent", "provider_sid": o.result.sid, "sent_at": claimed_at, "last_error": note}
            elif o.error.permanent or tries >= MAX_ATTEMPTS:
                values = {"status": "failed", "last_error": str(o.error)[:255]}
            else:
                values = {"status": "pending", "last_error": str(o.error)[:255],
                          "next_attempt_at": claimed_at + backoff(tries)}
            values["channel"] = o.channel
            held = session.execute(
                update(Notice)
                .where(Notice.id == o.notice_id, Notice.status == "sending", Notice.claimed_at == claimed_at)
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not held:
                stats.lost_lease += 1
                log.warning("notice %s: lease lost to another dispatcher, result not recorded", o.notice_id)
            elif o.result is not None:
                stats.sent += 1
                stats.recovered += o.recovered
                stats.wechat += o.channel == "wechat"
                stats.fell_back += o.fallback is not None
            elif values["status"] == "failed":
                stats.failed += 1
                log.warning("notice %s failed for good: %s", o.notice_id, o.error)
            else:
                stats.retried += 1
        session.commit()


@dataclass
class Periodic:
    """A job the worker process runs besides sending, at most once every `every` on the loop's clock:
    `job(session, now=...)`, committed on its own; a failure is logged and waits for the next turn."""

    name: str
    job: Callable[..., object]
    every: timedelta
    next_at: datetime | None = None  # None: due at the first pass

    def run_if_due(self, session: Session, now: datetime) -> bool:
        if self.next_at is not None and now < self.next_at:
            return False
        self.next_at = now + self.every
        try:
            result = self.job(session, now=now)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("periodic job %s failed", self.name)
        else:
            log.info("periodic job %s done: %s", self.name, result)
        return True


def run_loop(dispatcher: Dispatcher, sessions: Callable[[], AbstractContextManager[Session]], *,
             jobs: Sequence[Periodic] = (), poll_seconds: float = 1.0,
             now: Callable[[], datetime] = clock.now_utc, sleep: Callable[[float], None] = time.sleep) -> None:
    """The worker process's loop: each pass runs the periodic jobs that are due, then one dispatch; it
    sleeps `poll_seconds` when the outbox had nothing to send."""
    while True:
        with sessions() as session:
            for job in jobs:
                job.run_if_due(session, now())
            stats = dispatcher.run_once(session)
        if not stats.claimed:
            sleep(poll_seconds)


def run_forever(poll_seconds: float = 1.0, jobs: Sequence[Periodic] = ()) -> None:  # pragma: no cover - the process
    settings = get_settings()
    dispatcher = Dispatcher(get_provider(), wechat=get_wechat_api(), status_callback=f"{settings.public_base_url}/api/v1/sms/status"
                            if settings.sms_provider == "twilio" else None)
    log.info("SMS dispatcher running (%s), with %s", settings.sms_provider, ", ".join(j.name for j in jobs) or "no jobs")
    try:
        run_loop(dispatcher, get_sessionmaker(), jobs=jobs, poll_seconds=poll_seconds)
    finally:
        dispatcher.close()
