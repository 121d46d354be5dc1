"""A real HTTP forwarder that can be made slow on demand: put it between two services of the stack to
see what users see when one of them takes its time (a busy action server, a slow backend).

    proxy = SlowProxy("http://127.0.0.1:5055")      # forwards everything, at once
    proxy.slow_down(6.0, when=lambda body: b"action_submit" in body)   # the next matching request waits 6 s
"""

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-authenticate", "host", "content-length"}


class SlowProxy:
    def __init__(self, target: str):
        self.target = target.rstrip("/")
        self._rule: tuple[float, Callable[[bytes], bool]] | None = None
        self._lock = threading.Lock()
        self.delayed = 0  # how many requests were held back
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                wait = proxy._take_delay(body)
                if wait:
                    time.sleep(wait)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                request = urllib.request.Request(proxy.target + self.path, data=body or None, headers=headers,
                                                 method=self.command)
                try:
                    with urllib.request.urlopen(request, timeout=120) as resp:
                        status, data, out_headers = resp.status, resp.read(), resp.headers.items()
                except urllib.error.HTTPError as exc:
                    status, data, out_headers = exc.code, exc.read(), exc.headers.items()
                self.send_response(status)
                for k, v in out_headers:
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def slow_down(self, seconds: float, when: Callable[[bytes], bool] = lambda _: True) -> None:
        """The next request whose body `when` accepts waits `seconds` before it is forwarded."""
        with self._lock:
            self._rule = (seconds, when)

    def _take_delay(self, body: bytes) -> float:
        with self._lock:
            if self._rule is None or not self._rule[1](body):
                return 0.0
            seconds, self._rule = self._rule[0], None
            self.delayed += 1
            return seconds

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
