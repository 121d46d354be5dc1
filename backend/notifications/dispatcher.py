"""The outbox dispatcher: sends pending notices through the provider, exactly once.

1. Claim a batch: pending notices that are due become `sending` (attempt counted), committed.
2. Send them (a few in parallel; the provider call is the slow part).
3. Record each result, committed: `sent` with the provider's id, or back to `pending` with an
   exponential backoff, or `failed` (permanent error, or too many attempts) for staff to see.

A crash between 2 and 3 leaves notices in `sending`. After a lease expires, a dispatcher takes them
back, but first asks the provider whether that exact text already went to that number since the claim;
only if not is it sent again. So a notice whose send result is unknown is never resent blindly.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.core.crypto import get_vault
from backend.notifications.models import Notice
from backend.notifications.providers import ProviderError, SendResult, SmsProvider

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 3600
LEASE = timedelta(minutes=5)


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


@dataclass
class _Outcome:
    notice_id: int
    result: SendResult | None = None
    error: ProviderError | None = None
    recovered: bool = False


def _utc(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)


class Dispatcher:
    def __init__(self, provider: SmsProvider, *, status_callback: str | None = None, workers: int = 8,
                 batch: int = 200, lease: timedelta = LEASE):
        self.provider = provider
        self.status_callback = status_callback
        self.workers = workers
        self.batch = batch
        self.lease = lease
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sms")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def run_once(self, session: Session, now: datetime | None = None) -> DispatchStats:
        now = now or datetime.now(UTC)
        stats = DispatchStats()
        claimed = self._claim(session, now)
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        vault = get_vault()
        jobs = [(n_id, vault.decrypt(cipher), text, was_sending, _utc(claimed_at))
                for n_id, cipher, text, was_sending, claimed_at in claimed]
        outcomes = list(self._pool.map(lambda job: self._deliver(*job), jobs))
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
            select(Notice.id, Notice.phone_cipher, Notice.text, Notice.status, Notice.claimed_at).where(Notice.id.in_(ids))
        ).all()
        session.execute(
            update(Notice).where(Notice.id.in_(ids)).values(status="sending", claimed_at=now, attempts=Notice.attempts + 1)
        )
        session.commit()
        return [(r.id, r.phone_cipher, r.text, r.status == "sending", r.claimed_at) for r in rows]

    def _deliver(self, notice_id: int, phone: str, text: str, was_sending: bool, claimed_at: datetime | None) -> _Outcome:
        to = phone if phone.startswith("+") else f"+86{phone}"
        try:
            if was_sending and claimed_at is not None:
                # The last attempt's result is unknown: ask before sending again.
                found = self.provider.find_sent(to, text, claimed_at)
                if found is not None:
                    return _Outcome(notice_id, result=found, recovered=True)
            return _Outcome(notice_id, result=self.provider.send(to, text, status_callback=self.status_callback))
        except ProviderError as exc:
            return _Outcome(notice_id, error=exc)

    def _record(self, session: Session, outcomes: list[_Outcome], now: datetime, stats: DispatchStats) -> None:
        notices = {n.id: n for n in session.scalars(select(Notice).where(Notice.id.in_([o.notice_id for o in outcomes])))}
        for o in outcomes:
            notice = notices[o.notice_id]
            if o.result is not None:
                notice.status, notice.provider_sid, notice.sent_at, notice.last_error = "sent", o.result.sid, now, None
                stats.sent += 1
                stats.recovered += o.recovered
            elif o.error.permanent or notice.attempts >= MAX_ATTEMPTS:
                notice.status, notice.last_error = "failed", str(o.error)[:255]
                stats.failed += 1
                log.warning("notice %s failed for good: %s", notice.id, o.error)
            else:
                notice.status, notice.last_error = "pending", str(o.error)[:255]
                notice.next_attempt_at = now + backoff(notice.attempts)
                stats.retried += 1
        session.commit()


def run_forever(poll_seconds: float = 1.0) -> None:  # pragma: no cover - the worker process loop
    from backend.core.db import get_sessionmaker
    from backend.core.settings import get_settings
    from backend.notifications.providers import get_provider

    settings = get_settings()
    dispatcher = Dispatcher(get_provider(), status_callback=f"{settings.public_base_url}/api/v1/sms/status"
                            if settings.sms_provider == "twilio" else None)
    log.info("SMS dispatcher running (%s)", settings.sms_provider)
    try:
        while True:
            with get_sessionmaker()() as session:
                stats = dispatcher.run_once(session)
            if not stats.claimed:
                time.sleep(poll_seconds)
    finally:
        dispatcher.close()
