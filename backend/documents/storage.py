"""Photos attached to a case, stored as files under DOCUMENTS_DIR (default var/documents), never as
database blobs. A file is named by the SHA-256 of its content, so the same photo sent twice is stored
once and a name cannot point outside the folder. What the case keeps is a small reference
({"file", "type", "size"}) in the step's data, written to the timeline by the workflow engine.

Limits: JPEG, PNG, WebP or HEIC (recognised by their first bytes, not by the name the phone gives),
at most MAX_BYTES each and MAX_FILES per step.
"""

import hashlib
import re
from pathlib import Path

from backend.core.errors import AppError
from backend.core.settings import get_settings

MAX_BYTES = 8 * 1024 * 1024
MAX_FILES = 12
NAME_RE = re.compile(r"^[0-9a-f]{64}\.(jpg|png|webp|heic)$")
TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}


class BadPhoto(AppError):
    status_code = 422
    code = "bad_photo"


def _kind(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "heic"
    return None


def root() -> Path:
    return Path(get_settings().documents_dir)


def store_photo(data: bytes, *, label: str = "照片") -> dict:
    """Check and keep one photo; returns its reference. Raises BadPhoto with a Chinese message."""
    if not data:
        raise BadPhoto(f"{label}是空的，请重新拍一张。")
    if len(data) > MAX_BYTES:
        raise BadPhoto(f"{label}太大了（最大{MAX_BYTES // (1024 * 1024)}MB），请换一张或调低相机清晰度。")
    kind = _kind(data)
    if kind is None:
        raise BadPhoto(f"{label}不是照片（只收JPG、PNG、WebP、HEIC），请重新选择。")
    name = f"{hashlib.sha256(data).hexdigest()}.{kind}"
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return {"file": name, "type": TYPES[kind], "size": len(data)}


def photo_path(name: str) -> Path | None:
    """The stored file for a reference's name, or None (an unknown or malformed name)."""
    if not NAME_RE.match(name):
        return None
    path = root() / name
    return path if path.is_file() else None
