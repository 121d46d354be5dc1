"""A local fake of Twilio's Messages API, for tests and benchmarks. No test reaches the internet.

It answers like `POST/GET /2010-04-01/Accounts/{Sid}/Messages.json` (HTTP basic auth with the account
SID and auth token), records every message it accepts, and can be told to fail the next requests
(a 500, a 429, or a permanent error such as 21211 "invalid 'To' number").
Standard library only, so both Python environments (backend 3.11, bot 3.10) can use it.
"""

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-auth-token-for-tests"
FROM_NUMBER = "+15005550006"


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    messages: list[dict] = field(default_factory=list)
    requests: int = 0
    failures: list[tuple[int, int | None]] = field(default_factory=list)  # (http status, twilio code)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, status: int, code: int | None = None, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([(status, code)] * times)

    def sent_to(self, phone: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == phone]

    def start(self) -> "FakeTwilio":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                return self.headers.get("Authorization") == f"Basic {expected}"

            def _path_ok(self, path: str) -> bool:
                return path == f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if not self._authorized():
                    return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if not self._path_ok(urlsplit(self.path).path):
                    return self._reply(404, {"code": 20404, "message": "Not found", "status": 404})
                with fake.lock:
                    fake.requests += 1
                    failure = fake.failures.pop(0) if fake.failures else None
                    if failure:
                        status, code = failure
                        return self._reply(status, {"code": code or 20500, "message": "fake failure", "status": status})
                    now = datetime.now(timezone.utc)
                    message = {
                        "sid": "SM" + secrets.token_hex(16), "account_sid": fake.account_sid, "to": form.get("To"),
                        "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                        "status_callback": form.get("StatusCallback"), "num_segments": "1", "direction": "outbound-api",
                        "date_created": format_datetime(now), "date_updated": format_datetime(now),
                        "date_sent": format_datetime(now), "error_code": None, "error_message": None,
                        "price": None, "api_version": "2010-04-01", "uri": "",
                    }
                    fake.messages.append(message)
                self._reply(201, message)

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                if not self._authorized():
                    return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if not self._path_ok(parts.path):
                    return self._reply(404, {"code": 20404, "message": "Not found", "status": 404})
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                with fake.lock:
                    found = [
                        m for m in fake.messages
                        if (not query.get("To") or m["to"] == query["To"]) and (not query.get("From") or m["from"] == query["From"])
                    ]
                self._reply(200, {
                    "messages": list(reversed(found)), "page": 0, "page_size": len(found) or 50,
                    "first_page_uri": parts.path, "next_page_uri": None, "previous_page_uri": None, "uri": parts.path,
                })

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


if __name__ == "__main__":  # a standalone fake, e.g. for benchmarks: prints its URL, serves until killed
    import time

    fake = FakeTwilio().start()
    print(fake.url, flush=True)
    while True:
        time.sleep(3600)
