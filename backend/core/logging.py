"""Structured logs that never carry an ID number or a mobile number in clear.

The redaction sits in a filter on every handler, so messages from uvicorn, SQLAlchemy and our own
code are all masked, including values passed as `%s` arguments.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime

# 18-character resident ID (17 digits + digit or X), not part of a longer digit run.
_ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 / 86.
_PHONE_RE = re.compile(r"(?<![0-9])((?:\+?86)?1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


# A link's token is the whole credential for what it opens (a face check, an ID-card photo, a paper form's
# upload): only its first three characters may reach a log.
_TOKEN_PATH_RE = re.compile(r"^(/face/|/photo/id/|/photo/paper/|/api/v1/liveness/sessions/|/api/v1/liveness/id-photo/"
                            r"|/api/v1/delegations/paper-link/)([^/]{3})[^/]+")


def mask_path(path: str) -> str:
    """A request path as it may be logged: link tokens cut to three characters, numbers redacted."""
    return redact(_TOKEN_PATH_RE.sub(r"\1\2…", path))


def redact(text: str) -> str:
    """Mask ID numbers (keep region code and last four) and phone numbers (keep first three, last four)."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in ("request_id", "method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                value = getattr(record, key)
                if key == "path" and isinstance(value, str):
                    value = mask_path(value)
                payload[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn installs its own handlers; route everything through ours so nothing escapes redaction.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
    # Uvicorn's access line carries the raw path and query string (tokens, numbers); our middleware
    # logs every request without them. Off here too, whatever the launcher's flags.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs each request's full URL at INFO; WeChat's access token travels in its query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
