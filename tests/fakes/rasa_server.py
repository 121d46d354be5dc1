"""A local fake of Rasa's REST channel over real HTTP: it records what it receives and answers with
the messages a test gives, so the backend's chat relay is tested without a model."""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = Callable[[dict], list[dict]]


class Received(list):
    """The (path + body) of every request, in order; `.connections` the client ports they came from
    (HTTP/1.1 keep-alive: a client that reuses its connection shows one port)."""

    def __init__(self) -> None:
        super().__init__()
        self.connections: set[int] = set()


@contextmanager
def fake_rasa(reply: Reply) -> Iterator[tuple[str, Received]]:
    """Yields the server's URL and the list of (path + body) it received. A reply that raises is answered
    with HTTP 500 (Rasa failing)."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            received.connections.add(self.client_address[1])
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            received.append({"path": self.path, **body})
            try:
                data, status = json.dumps(reply(body), ensure_ascii=False).encode(), 200
            except Exception:  # noqa: BLE001 - any failure of the reply is Rasa failing
                data, status = b"{}", 500
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
