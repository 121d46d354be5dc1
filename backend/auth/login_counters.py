"""Failed staff sign-ins, counted so that nobody can lock somebody else out.

- Per account and address: MAX_FAILED_LOGINS failed attempts from one address pause that address, for that
  account, LOCK_MINUTES. The owner at another address still signs in.
- Per account, for every address without a recent sign-in together (the ACCOUNT_WIDE row): guessing from
  many addresses is held at ACCOUNT_MAX_FAILURES attempts, then those addresses are paused LOCK_MINUTES. An
  address the account signed in from within TRUSTED_DAYS is never held by this count: the owner at her usual
  computer is not locked out by strangers.
- A count starts afresh after LOCK_MINUTES without an attempt; a success clears the address's count.

Parallel guesses: an attempt is claimed by one conditional UPDATE *before* the password (or code) is checked.
Parallel requests wait on the row and then find the count reached, so between two pauses at most
MAX_FAILED_LOGINS checks are made per address and ACCOUNT_MAX_FAILURES per account from unknown addresses.
The claim stays although the request fails (the errors keep their changes).

Names that exist and names that do not are counted alike (the keys are keyed hashes of the typed name and
of the address), so neither the answers nor the work tell an attacker which accounts exist.

The owner is told: every failure and every pause is added to the account row's `unseen_*`, which her next
successful sign-in reads and clears (backend/auth/staff_login.py says it and audits it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backend.auth.models import StaffLoginCounter as Counter
from backend.auth.throttle import Client
from backend.core import clock
from backend.core.crypto import get_vault

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
ACCOUNT_MAX_FAILURES = 20
TRUSTED_DAYS = 30
KEEP_DAYS = 14  # a row untouched this long (and trusting no address) is deleted by `purge_stale`
PURGE_EVERY = timedelta(hours=6)
ACCOUNT_WIDE = "*"


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: `allowed` False when a pause refused it before anything was checked."""

    account_key: str
    client_key: str
    allowed: bool
    trusted: bool = False  # the account signed in from this address within TRUSTED_DAYS


@dataclass(frozen=True)
class Unseen:
    """What the owner has not been told yet: failures and pauses since her last sign-in, and from when."""

    failures: int
    lockouts: int
    since: datetime | None


def account_key(username: str) -> str:
    return get_vault().lookup_hash(f"staff-login-account:{username.strip().lower()[:64]}")[:32]


def _client_key(client: Client | None) -> str:
    # Staff sign in from their browsers (never through the action server): the address is the origin.
    ip = (client or Client()).ip or "-"
    return get_vault().lookup_hash(f"staff-login-address:{ip}")[:32]


def _ensure_rows(session: Session, keys: list[tuple[str, str]]) -> None:
    """Insert the rows if missing; a parallel request inserting the same row is not an error."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for account, client in keys:
        session.execute(insert(Counter).values(account_key=account, client_key=client, failures=0,
                                               unseen_failures=0, unseen_lockouts=0)
                        .on_conflict_do_nothing(index_elements=["account_key", "client_key"]))


def _row(account: str, client: str):  # noqa: ANN202
    return and_(Counter.account_key == account, Counter.client_key == client)


def _claim_row(session: Session, account: str, client: str, limit: int, now: datetime):  # noqa: ANN202
    """Count one attempt on this row unless it is paused: (failures, last_success_at), or None when paused.
    An expired pause, or a count left quiet LOCK_MINUTES, starts afresh."""
    quiet = now - timedelta(minutes=LOCK_MINUTES)
    fresh = or_(Counter.locked_until <= now,
                and_(Counter.locked_until.is_(None), or_(Counter.last_attempt_at.is_(None),
                                                         Counter.last_attempt_at <= quiet)))
    free = and_(Counter.locked_until.is_(None), Counter.failures < limit)
    return session.execute(
        update(Counter).where(_row(account, client), or_(free, fresh))
        .values(failures=case((fresh, 1), else_=Counter.failures + 1),
                locked_until=case((fresh, None), else_=Counter.locked_until), last_attempt_at=now)
        .returning(Counter.failures, Counter.last_success_at)
        .execution_options(synchronize_session=False)
    ).first()


def claim(session: Session, username: str, client: Client | None) -> Attempt:
    """Count an attempt on `username` from `client` before anything is checked."""
    now = clock.now_utc()
    account, address = account_key(username), _client_key(client)
    _ensure_rows(session, [(account, address), (account, ACCOUNT_WIDE)])
    row = _claim_row(session, account, address, MAX_FAILED_LOGINS, now)
    if row is None:
        return Attempt(account, address, allowed=False)
    trusted = row.last_success_at is not None and row.last_success_at > now - timedelta(days=TRUSTED_DAYS)
    if not trusted and _claim_row(session, account, ACCOUNT_WIDE, ACCOUNT_MAX_FAILURES, now) is None:
        return Attempt(account, address, allowed=False)
    return Attempt(account, address, allowed=True, trusted=trusted)


def _scopes(attempt: Attempt) -> list[tuple[str, int, str]]:
    scopes = [(attempt.client_key, MAX_FAILED_LOGINS, "address")]
    return scopes if attempt.trusted else scopes + [(ACCOUNT_WIDE, ACCOUNT_MAX_FAILURES, "account")]


def failed(session: Session, attempt: Attempt) -> list[str]:
    """The attempt failed (a wrong password or code, or refused by a pause). Pause where its count is full;
    keep it for the owner. Returns the scopes newly paused ("address", "account")."""
    now = clock.now_utc()
    paused = []
    if attempt.allowed:
        for client, limit, scope in _scopes(attempt):
            hit = session.execute(
                update(Counter).where(_row(attempt.account_key, client), Counter.failures >= limit,
                                      Counter.locked_until.is_(None))
                .values(locked_until=now + timedelta(minutes=LOCK_MINUTES))
                .execution_options(synchronize_session=False))
            if hit.rowcount:
                paused.append(scope)
    session.execute(
        update(Counter).where(_row(attempt.account_key, ACCOUNT_WIDE))
        .values(unseen_failures=Counter.unseen_failures + 1, unseen_lockouts=Counter.unseen_lockouts + len(paused),
                unseen_since=func.coalesce(Counter.unseen_since, now))
        .execution_options(synchronize_session=False))
    return paused


def release(session: Session, attempt: Attempt) -> None:
    """The password (or code) was right: give the attempt back, so that only failures fill the counts (a
    second step takes its own)."""
    if not attempt.allowed:
        return
    for client, _, _ in _scopes(attempt):
        session.execute(update(Counter)
                        .where(_row(attempt.account_key, client), Counter.failures > 0, Counter.locked_until.is_(None))
                        .values(failures=Counter.failures - 1).execution_options(synchronize_session=False))


def succeeded(session: Session, username: str, client: Client | None) -> Unseen:
    """The account signed in from `client`: clear this address's count, trust the address, and hand over
    (and clear) what the owner has not been told."""
    now = clock.now_utc()
    account, address = account_key(username), _client_key(client)
    _ensure_rows(session, [(account, address), (account, ACCOUNT_WIDE)])
    session.execute(update(Counter).where(_row(account, address))
                    .values(failures=0, locked_until=None, last_success_at=now)
                    .execution_options(synchronize_session=False))
    row = session.execute(select(Counter.unseen_failures, Counter.unseen_lockouts, Counter.unseen_since)
                          .where(_row(account, ACCOUNT_WIDE)).with_for_update()).first()
    session.execute(update(Counter).where(_row(account, ACCOUNT_WIDE))
                    .values(unseen_failures=0, unseen_lockouts=0, unseen_since=None)
                    .execution_options(synchronize_session=False))
    return Unseen(0, 0, None) if row is None else Unseen(*row)


def forget(session: Session, username: str) -> None:
    """An administrator lifts every pause on this account (all addresses); what the owner is told stays."""
    session.execute(update(Counter).where(Counter.account_key == account_key(username))
                    .values(failures=0, locked_until=None).execution_options(synchronize_session=False))


def purge_stale(session: Session, *, now: datetime) -> int:
    """Delete the rows nobody has touched for KEEP_DAYS and that trust no address; how many. (A pause nobody
    signed in to hear about is in the audit trail.)"""
    cutoff = now - timedelta(days=KEEP_DAYS)
    result = session.execute(delete(Counter).where(
        or_(Counter.last_attempt_at.is_(None), Counter.last_attempt_at < cutoff),
        or_(Counter.unseen_since.is_(None), Counter.unseen_since < cutoff),
        or_(Counter.last_success_at.is_(None), Counter.last_success_at < now - timedelta(days=TRUSTED_DAYS)),
    ).execution_options(synchronize_session=False))
    return result.rowcount or 0
