"""A local fake of WeChat's Official Account API, for tests. No test reaches the internet.

It answers `POST /cgi-bin/stable_token` (counts fetches; the same token until it is expired or
force-refreshed), `POST /cgi-bin/message/custom/send` and `POST /cgi-bin/message/template/send`, records
every call, and can be told to expire the current token (the next call answers 40001), to answer 43004
for chosen OpenIDs, or to fail the next calls with an errcode.
Standard library only, so both Python environments (backend 3.11, bot 3.10) can use it.
"""

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APP_ID = "wx0000000000000000"
APP_SECRET = "fake-app-secret-for-tests"


@dataclass
class FakeWeChat:
    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    token_fetches: int = 0
    forced_refreshes: int = 0
    # Every call: (path, JSON body); and what was accepted.
    calls: list[tuple[str, dict]] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    templates: list[dict] = field(default_factory=list)
    not_following: set[str] = field(default_factory=set)
    failures: list[int] = field(default_factory=list)  # errcodes for the next message calls
    retired: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def expire_token(self) -> None:
        """The current token stops working (WeChat answers 40001) and the next fetch gets a new one."""
        with self.lock:
            self.retired.add(self.token)
            self.token = secrets.token_hex(16)

    def fail_next(self, errcode: int, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([errcode] * times)

    def _token(self, body: dict) -> dict:
        if body.get("appid") != self.app_id or body.get("secret") != self.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.token_fetches += 1
        if body.get("force_refresh"):
            self.forced_refreshes += 1
            self.retired.add(self.token)
            self.token = secrets.token_hex(16)
        return {"access_token": self.token, "expires_in": 7200}

    def _message(self, path: str, token: str | None, body: dict) -> dict:
        if token in self.retired:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if token != self.token:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if self.failures:
            code = self.failures.pop(0)
            return {"errcode": code, "errmsg": "fake failure"}
        if body.get("touser") in self.not_following:
            return {"errcode": 43004, "errmsg": "require subscribe"}
        if path.endswith("/custom/send"):
            self.texts.append(body)
            return {"errcode": 0, "errmsg": "ok"}
        self.templates.append(body)
        return {"errcode": 0, "errmsg": "ok", "msgid": 200000 + len(self.templates)}

    def start(self) -> "FakeWeChat":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

            def do_POST(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length).decode("utf-8") or "{}")
                except ValueError:
                    body = {}
                token = parse_qs(parts.query).get("access_token", [None])[0]
                with fake.lock:
                    fake.calls.append((parts.path, body))
                    if parts.path == "/cgi-bin/stable_token":
                        answer = fake._token(body)
                    elif parts.path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send"):
                        answer = fake._message(parts.path, token, body)
                    else:
                        answer = {"errcode": 404, "errmsg": "not found"}
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


if __name__ == "__main__":  # a standalone fake: prints its URL, serves until killed
    import time

    fake = FakeWeChat().start()
    print(fake.url, flush=True)
    while True:
        time.sleep(3600)
