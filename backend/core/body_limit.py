"""A cap on request bodies, before the application reads them: 413 in the one error model.

Plain ASGI (no BaseHTTPMiddleware), so a body is refused while it streams in, not after it was
buffered. The declared Content-Length is checked up front, without calling the application; a body
without one (chunked) or longer than it claimed is counted as it arrives and refused at the first
byte over the limit.

The limits:

- JSON and form bodies: 512 KiB. The largest valid request is an application at its schema limits
  (20 members with 20 income and 20 deduction lines each, 50 assets, 20 obligors, every text at its
  longest): 170 KiB as UTF-8, 290 KiB with every Chinese character escaped to six ASCII bytes
  (what Python's json.dumps, and so the action server's httpx, sends), 325 KiB pretty-printed.
  tests/backend/test_input_bounds.py builds it and checks that it fits. Typical requests are
  under 2 KiB.
- multipart bodies (face frames, reference photos): 12 MiB. A face check sends up to 20 JPEG frames
  from the phone's camera at quality 0.9 (100-500 KB each for 640×480 to 1280×720), a reference
  photo of an ID card is a few MB; 12 MiB holds either with room, and still bounds what one request
  can make the server hold and decode. Uploads are held in memory, never spooled to disk in clear.
"""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.errors import error_response

JSON_LIMIT = 512 * 1024
MULTIPART_LIMIT = 12 * 1024 * 1024


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the streamed body passes the limit. An HTTPException, so FastAPI's
    body parsing passes it on instead of turning it into a 400."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


def _human(size: int) -> str:
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{size // 1024}KB"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, json_limit: int = JSON_LIMIT,
                 multipart_limit: int = MULTIPART_LIMIT) -> None:
        self.app = app
        self.json_limit = json_limit
        self.multipart_limit = multipart_limit
        # Starlette writes an uploaded file over 1 MiB to a temporary file, in clear: the photo of an ID card
        # or a signed form, EXIF and all, on disk before anything checked it. Bounded here, a body is held
        # in memory instead (at most multipart_limit a request); only documents.storage writes a photo, sealed.
        MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, multipart_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.multipart_limit if multipart else self.json_limit
        declared = headers.get("content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # a server would have refused it; counting below still applies
            if too_large:
                await self._refuse(scope, receive, send, limit)
                return

        received = 0
        overflowed = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflowed = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if overflowed and not response_started:
                return  # whatever the application made of the broken read; ours follows
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if response_started:
                raise
        if overflowed and not response_started:
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(
            413, "body_too_large",
            f"提交的内容太大了（最多{_human(limit)}）。照片请少拍几张或拍小一点，文字请精简后再试。",
            {"limit_bytes": limit},
        )
        await response(scope, receive, send)
