"""Each WeChat message is taken once. WeChat retries a message it got no answer to within 5 seconds (three
times), so the channel marks every message it takes — by `MsgId`, an event by its sender and `CreateTime`
— and answers a retry with `success` without passing it to the bot again. It marks every signed query too,
by exactly the values its signature covers (bot/channels/wechat.py), so a query seen once cannot carry a
second message.

The marks are shared by every Rasa worker that can receive the retry: in the state file of the machine's
workers (SMS_MENU_DB, bot/local_state.py) as `make run` runs them, in Redis when the lock store is Redis
(LOCK_STORE_TYPE=redis, the compose shape with several replicas), else in this process. Marks are kept ten
minutes (WeChat's retries come within about 15 seconds). The key is hashed: an event's key holds
the OpenID, which is personal data.
"""

import hashlib
import os
import threading
import time
from typing import Dict, Optional, Protocol

import redis

from bot.local_state import SQLiteSeen

# Longer than a signed query stays fresh (5 minutes either way, bot/channels/wechat.py), so a query cannot
# be used again after its mark is gone.
SEEN_TTL_SECONDS = 10 * 60
MAX_IN_PROCESS = 50_000


class SeenStore(Protocol):
    def claim(self, key: str, now: float) -> bool: ...


class InProcessSeen:
    def __init__(self, max_age: float) -> None:
        self.max_age = max_age
        self._seen: Dict[str, float] = {}
        self._lock = threading.Lock()

    def claim(self, key: str, now: float) -> bool:
        with self._lock:
            for old in [k for k, at in self._seen.items() if at < now - self.max_age]:
                del self._seen[old]
            if key in self._seen:
                return False
            self._seen[key] = now
            while len(self._seen) > MAX_IN_PROCESS:
                self._seen.pop(next(iter(self._seen)))
            return True


class RedisSeen:
    """SET NX with an expiry: one round trip, atomic across replicas."""

    def __init__(self, client, max_age: float) -> None:  # noqa: ANN001
        self.client = client
        self.max_age = max_age

    def claim(self, key: str, now: float) -> bool:
        return bool(self.client.set(f"jiuzhu:wechat:seen:{key}", int(now), nx=True, ex=int(self.max_age)))


class MessageOnce:
    def __init__(self, store: Optional[SeenStore] = None, clock=time.time) -> None:  # noqa: ANN001
        self.store: SeenStore = store or InProcessSeen(SEEN_TTL_SECONDS)
        self.clock = clock

    @classmethod
    def from_env(cls) -> "MessageOnce":
        if os.environ.get("LOCK_STORE_TYPE") == "redis":
            client = redis.Redis(host=os.environ.get("LOCK_STORE_URL") or os.environ.get("REDIS_HOST") or "localhost",
                                 port=int(os.environ.get("REDIS_PORT") or 6379), db=int(os.environ.get("REDIS_LOCK_DB") or 1),
                                 password=os.environ.get("REDIS_PASSWORD") or None, socket_timeout=2)
            return cls(RedisSeen(client, SEEN_TTL_SECONDS))
        path = os.environ.get("SMS_MENU_DB")
        return cls(SQLiteSeen(path, SEEN_TTL_SECONDS) if path else None)

    def first_time(self, key: str) -> bool:
        """True when this message was not taken before (and marks it taken)."""
        return self.store.claim(hashlib.sha256(key.encode()).hexdigest(), self.clock())
