"""Seal the photos stored before documents were sealed (plain image files, EXIF and all), in place.

    python -m backend.documents.legacy

Each plain file is re-encoded like a new upload (upright, no EXIF/GPS, nothing appended) and sealed under
its own name, which the database already refers to. A file Pillow cannot re-encode (HEIC, accepted before)
is sealed as it is. Sealed files are left alone, so the command can run again at any time; until it has
run, storage.read_photo still serves plain files (told apart by storage.MAGIC).
"""

import sys
from pathlib import Path

from backend.documents import storage


def seal_folder(folder: Path) -> dict[str, int]:
    """Counts: re-encoded and sealed, sealed as they were, already sealed, not a stored photo (left alone)."""
    counts = {"cleaned": 0, "sealed_as_is": 0, "already_sealed": 0, "skipped": 0}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not storage.NAME_RE.match(path.name) or not path.is_file():
            counts["skipped"] += 1
            continue
        raw = path.read_bytes()
        if raw.startswith(storage.MAGIC):
            counts["already_sealed"] += 1
            continue
        ext = path.name.rsplit(".", 1)[1]
        if storage.magic_kind(raw) != ext:
            counts["skipped"] += 1
            continue
        try:
            content, kept_as = storage.reencode(raw, "照片")
        except storage.BadPhoto:
            content, kept_as = raw, ext
        if kept_as != ext:  # the name (and so its type) is what the database refers to
            content = raw
        storage.write_sealed(path, content)
        counts["cleaned" if content is not raw else "sealed_as_is"] += 1
    return counts


def main() -> int:
    counts = seal_folder(storage.root())
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
