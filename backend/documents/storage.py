"""The one owner of uploaded photos (home-visit photos, signed 授权委托书): checking, keeping, reading.

Photos are files under DOCUMENTS_DIR (default var/documents), never database blobs; what a case or a
delegation keeps is a small reference ({"file", "type", "size"}) or the file's name.

- **Checked in memory before anything is written** (`prepare_photo`): Pillow must open it as JPEG, PNG
  or WebP (what the file is, not what its name says); its pixel count is bounded before decoding; it is
  turned upright by its EXIF orientation and re-encoded, so what is kept has no EXIF (GPS, device),
  no other metadata and nothing appended after the picture. A photo of a paper form must also be readable
  (`documents.quality`: not a thumbnail, not a blank page, a lens cap or a black frame; a blur is told as a
  blur). Refused: a 422 in Chinese, saying what to do; nothing is written, so the person tries again where she was.
- **Written last** (`keep`), once the request that brought it has passed every other check, under the
  uploader's lock and daily allowance (limits.*_DAILY_BYTES, 429), each upload counted in
  stored_documents.
- **Sealed at rest**: MAGIC, then AES-GCM under a key derived from DATA_ENCRYPTION_KEY for documents,
  bound to the file's name (core.crypto). The name is a keyed hash of the content (the same photo twice
  is one file; the name says nothing about the picture) and cannot point outside the folder.
- **Deleted when no longer wanted** (`discard`): a form photo a caseworker rejected goes once the rejection
  commits, unless the same picture (one file) is still someone else's upload.
- **Read only decrypted** (`read_photo`, `photo_response`), by handlers that have checked the district
  and audited the read. Files from before sealing (plain image bytes, told apart by MAGIC) are still
  read; `python -m backend.documents.legacy` seals them in place.
"""

import io
import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, SessionTransaction
from starlette.responses import Response

from backend.auth.actor import Actor
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.core.settings import get_settings
from backend.documents import quality
from backend.documents.limits import CITIZEN_DAILY_BYTES, MAX_BYTES, MAX_PIXELS, MAX_SIDE, MIB, STAFF_DAILY_BYTES
from backend.documents.models import StoredDocument

log = logging.getLogger(__name__)

MAGIC = b"JZDOC1\n"  # a sealed file starts with this; a file from before sealing starts with its image's magic
NAME_RE = re.compile(r"^[0-9a-f]{64}\.(jpg|png|webp|heic)$")
TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}
# What Pillow may decode (nothing else is tried), what each is kept as.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {"compress_level": 6}, "WEBP": {"quality": 90}}
# Namespace of this module's PostgreSQL advisory locks (the first key of pg_advisory_xact_lock(int, int)).
_ADVISORY_NAMESPACE = 0x444F43  # "DOC"
_DISCARDED = "documents.discarded"  # Session.info: names of files to delete when the transaction commits


class BadPhoto(AppError):
    status_code = 422
    code = "bad_photo"


class DailyUploadsUsed(AppError):
    status_code = 429
    code = "daily_uploads_used"

    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"今天上传的照片已经很多了（每人每天最多{limit // MIB}MB），请明天再传。"
                         "着急的话，可以到街道（乡镇）社会救助窗口当面办理。",
                         details={"limit_bytes": limit, "retry_after_seconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Photo:
    """A checked photo, re-encoded in memory and not yet written: its future name, type and bytes."""

    name: str
    type: str
    content: bytes

    @property
    def reference(self) -> dict:
        return {"file": self.name, "type": self.type, "size": len(self.content)}


def root() -> Path:
    return Path(get_settings().documents_dir)


def _not_a_photo(label: str) -> BadPhoto:
    return BadPhoto(f"{label}打不开，或者不是照片（只收JPG、PNG、WebP）。请重新拍一张；"
                    "苹果手机可以在“设置—相机—格式”里选“兼容性最佳”。")


def _decode(data: bytes, label: str) -> tuple[Image.Image, str]:
    """The picture alone, upright, decoded (its pixel count bounded first) and no larger than MAX_SIDE:
    (image, Pillow's format)."""
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as img:
            fmt = img.format
            if img.width * img.height > MAX_PIXELS:
                raise BadPhoto(f"{label}的像素太多了（最多{MAX_PIXELS // 10_000}万像素），请用手机相机的普通模式拍。",
                               code="photo_too_many_pixels")
            if fmt == "JPEG":
                img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a huge JPEG is decoded at a reduced scale directly
            upright = ImageOps.exif_transpose(img)
            alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            mode = "L" if upright.mode in ("1", "L") else ("RGBA" if alpha and fmt != "JPEG" else "RGB")
            picture = upright.convert(mode)  # a new image: decoded now, with no link to the file's metadata
    except BadPhoto:
        raise
    except Exception as exc:  # Pillow raises many kinds for what is not a whole image; all mean the same
        raise _not_a_photo(label) from exc
    if max(picture.size) > MAX_SIDE:
        picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    picture.info = {}  # nothing of the original (EXIF, ICC, text chunks, XMP) reaches the encoder
    return picture, fmt


def _encode(picture: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **SAVE_OPTIONS[fmt])
    return out.getvalue()


def reencode(data: bytes, label: str) -> tuple[bytes, str]:
    """The picture alone, upright, re-encoded in its own format: (bytes, extension)."""
    picture, fmt = _decode(data, label)
    return _encode(picture, fmt), FORMATS[fmt]


def readable_form(picture: Image.Image, label: str) -> None:
    """A photo of a paper form a caseworker can read (documents.quality), or BadPhoto saying what to do."""
    measures = quality.measure(picture)
    problem = measures.problem
    if problem is None:
        return
    log.info("a form photo is refused as %s: %s", problem, measures)  # numbers only: for tuning the thresholds
    if problem == quality.TOO_SMALL:
        raise BadPhoto(f"{label}太小了，看不清上面的字。请用手机相机把整张纸拍进来（不要发截图或缩小的图），再拍一次。",
                       code="photo_too_small")
    if problem == quality.BLURRY:
        raise BadPhoto(f"{label}有点模糊，看不清上面的字。请拿稳手机，等画面里的字清楚了再拍一张。", code="photo_blurry")
    raise BadPhoto(f"{label}看不清，像是一张白纸或一片黑。请把整张纸拍进来，光线亮一点再拍一次。", code="photo_blank")


def prepare_photo(data: bytes, *, label: str = "照片", paper_form: bool = False) -> Photo:
    """Check one photo and re-encode it in memory; nothing is written. Raises BadPhoto (422, in Chinese).
    A photo of a paper form (`paper_form`) must also be readable (readable_form)."""
    if not data:
        raise BadPhoto(f"{label}是空的，请重新拍一张。")
    too_large = BadPhoto(f"{label}太大了（最大{MAX_BYTES // MIB}MB），请换一张或调低相机清晰度。", code="photo_too_large")
    if len(data) > MAX_BYTES:
        raise too_large
    picture, fmt = _decode(data, label)
    if paper_form:
        readable_form(picture, label)
    content, ext = _encode(picture, fmt), FORMATS[fmt]
    if len(content) > MAX_BYTES:
        raise too_large
    return Photo(name=f"{get_vault().document_name(content)}.{ext}", type=TYPES[ext], content=content)


def owner_of(actor: Actor) -> str:
    """Whose allowance an upload uses: the verified phone of a citizen, the account of a staff member."""
    if actor.kind == "staff" and actor.staff_id is not None:
        return f"staff:{actor.staff_id}"
    if actor.kind == "citizen" and actor.phone_hash:
        return f"phone:{actor.phone_hash}"
    raise AppError("请先验证身份再上传照片。", code="uploader_unknown")


def serialise_owner(session: Session, owner: str) -> None:
    """Hold this uploader's lock until the transaction ends, so counts read after it (bytes today, forms
    waiting) see every parallel upload by the same person. PostgreSQL: a transaction-scoped advisory lock;
    SQLite: every write transaction already holds the database's write lock (core/db.py)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int(get_vault().lookup_hash(f"uploader:{owner}")[:8], 16) - 2**31
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": _ADVISORY_NAMESPACE, "key": key})


def _day_start(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(clock.CHINA).date(), time(), tzinfo=clock.CHINA)


def uploaded_today(session: Session, owner: str) -> int:
    since = _day_start(clock.now())
    return session.scalar(select(func.coalesce(func.sum(StoredDocument.size), 0))
                          .where(StoredDocument.owner == owner, StoredDocument.created_at >= since)) or 0


def keep(session: Session, photos: list[Photo], *, owner: str, purpose: str) -> None:
    """Write checked photos, sealed, within the uploader's daily allowance (429 beyond it). Call it last,
    after every other check of the request: a refused request leaves no file."""
    if not photos:
        return
    serialise_owner(session, owner)
    limit = STAFF_DAILY_BYTES if owner.startswith("staff:") else CITIZEN_DAILY_BYTES
    if uploaded_today(session, owner) + sum(len(p.content) for p in photos) > limit:
        now = clock.now()
        wait = _day_start(now) + timedelta(days=1) - now
        raise DailyUploadsUsed(limit, max(1, math.ceil(wait.total_seconds())))
    now_utc = clock.now_utc()
    session.add_all([StoredDocument(file=p.name, owner=owner, purpose=purpose, size=len(p.content), created_at=now_utc)
                     for p in photos])
    session.flush()
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    for photo in photos:
        write_sealed(folder / photo.name, photo.content)


def write_sealed(path: Path, content: bytes) -> None:
    """Seal `content` for the file's name and replace the file at once (never half a file under its name)."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(MAGIC + get_vault().seal_document(content, path.name))
    tmp.replace(path)


def discard(session: Session, name: str, *, purpose: str) -> None:
    """Delete a stored photo's file once this transaction commits (if it, or the savepoint this is called in,
    rolls back, the file stays). Not if the same picture (one file: the name is a hash of the content) was
    also uploaded for another purpose; the caller has checked its own kind (another form with the same
    photo). The upload's stored_documents row stays: it counts that day's bytes."""
    if not NAME_RE.match(name) or session.scalar(select(StoredDocument.id).where(
            StoredDocument.file == name, StoredDocument.purpose != purpose).limit(1)) is not None:
        return
    where = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_DISCARDED, []).append((name, where))
    if not event.contains(session, "after_commit", _delete_discarded):
        event.listen(session, "after_commit", _delete_discarded)
        event.listen(session, "after_soft_rollback", _keep_discarded)


def _delete_discarded(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released (a notice queued, say): the transaction may still roll back
    for name in sorted({name for name, _ in session.info.pop(_DISCARDED, [])}):
        try:
            (root() / name).unlink(missing_ok=True)
        except OSError:  # committed already: a file left behind is logged, the request still succeeds
            log.warning("a discarded document could not be deleted")


def _keep_discarded(session: Session, rolled_back: SessionTransaction) -> None:
    """A rollback, of the transaction or of a savepoint: what was discarded inside it stays."""
    def inside(tx: SessionTransaction | None) -> bool:
        while tx is not None and tx is not rolled_back:
            tx = tx.parent
        return tx is not None

    session.info[_DISCARDED] = [(name, tx) for name, tx in session.info.get(_DISCARDED, []) if not inside(tx)]


def magic_kind(data: bytes) -> str | None:
    """What a file from before sealing is, by its first bytes."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "heic"
    return None


def read_photo(name: str) -> tuple[bytes, str] | None:
    """The picture (decrypted) and its content type; None for an unknown, malformed or unreadable name."""
    if not NAME_RE.match(name):
        return None
    path = root() / name
    if not path.is_file():
        return None
    raw = path.read_bytes()
    ext = name.rsplit(".", 1)[1]
    if raw.startswith(MAGIC):
        try:
            return get_vault().open_document(raw[len(MAGIC):], name), TYPES[ext]
        except ValueError:
            log.warning("a stored document does not open (key, damage or a renamed file)")
            return None
    if magic_kind(raw) == ext:  # from before sealing: served as it is until legacy.seal_folder seals it
        return raw, TYPES[ext]
    return None


def photo_response(content: bytes, content_type: str) -> Response:
    """A photo for a browser: its own type, never sniffed as anything else, never cached. (nosniff and a
    Content-Security-Policy are also set on every response by core.security_headers; a photo of someone's
    ID never goes out without nosniff, whatever the middleware.)"""
    return Response(content, media_type=content_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline"})
