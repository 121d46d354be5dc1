"""Uploaded photos at rest (issue 21, point 4): photos of signed 授权委托书 and of home visits are kept sealed
(encrypted with a key derived for documents), re-encoded upright without EXIF/GPS or anything appended;
a refused upload writes no file; a helper's waiting paper forms and the bytes one person keeps a day are
capped; staff see the photos decrypted, with nosniff, audited, and only in their district."""

import io
import json
import re
from collections import Counter
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from starlette import formparsers

from backend.audit.models import AuditEntry
from backend.core.crypto import get_vault
from backend.delegations.models import Delegation
from backend.documents import legacy, storage
from backend.documents.limits import MAX_PENDING_PAPER_FORMS
from backend.documents.models import StoredDocument
from backend.people.models import Person
from tests.backend.form_images import PAGE, encoded, form_page
from tests.backend.staff_pages import sign_in
from tests.backend.test_limits import _in_parallel, real  # noqa: F401  (fixture)
from tests.backend.test_workbench_case import _file, _post
from tests.backend.world import HELPER_PHONE, citizen_headers, member

HELPER = {"name": "李红", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}
PRINCIPALS = ["张秀英", "王桂兰", "李淑珍", "赵玉梅", "刘凤英", "陈秀兰"]
GPS_IFD = 0x8825


def camera_photo(color: tuple[int, int, int] = (30, 160, 90)) -> bytes:
    """What a phone sends: a JPEG of a signed form (its seal in `color`) lying on its side (EXIF orientation 6),
    with the phone's make and model, where it was taken (GPS), and bytes appended after the picture."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x0110] = "SecretPhone 12"
    exif[GPS_IFD] = {1: "N", 2: (29.0, 33.0, 30.0), 3: "E", 4: (106.0, 34.0, 12.0)}
    out = io.BytesIO()
    form_page(mark=color).transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", exif=exif, quality=95)
    data = out.getvalue() + b"TRAILING-PAYLOAD"
    assert b"Exif" in data and b"SecretPhone" in data
    return data


@pytest.fixture(autouse=True)
def documents(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(storage, "root", lambda: tmp_path)
    return tmp_path


def files(folder) -> list[str]:  # noqa: ANN001
    return sorted(p.name for p in folder.iterdir())


def paper(world, name: str = "张秀英", *, photo: bytes | None = None, headers=None, area="500103001"):  # noqa: ANN001, ANN201
    seq = PRINCIPALS.index(name) + 1 if name in PRINCIPALS else 1
    body = {"principal": {"name": name, "id_number": member(name, seq=seq)["id_number"]}, "helper": HELPER,
            "scope": ["apply", "query"], "consent": {"method": "paper", "form_reference": f"七星岗-{seq}", "area_code": area}}
    return world.client.post("/api/v1/delegations/paper", data={"delegation": json.dumps(body)},
                             files={"form_photo": ("form.jpg", photo or camera_photo(), "image/jpeg")},
                             headers=headers or world.helper)


def assert_clean(content: bytes) -> None:
    """A kept photo: the picture alone, upright, no EXIF, nothing appended."""
    assert b"Exif" not in content and b"SecretPhone" not in content and b"TRAILING-PAYLOAD" not in content
    with Image.open(io.BytesIO(content)) as img:
        assert img.format == "JPEG" and img.size == PAGE  # turned upright, then re-encoded
        assert len(img.getexif()) == 0 and not img.getexif().get_ifd(GPS_IFD)


def test_a_form_photo_is_kept_sealed_upright_and_without_exif(world, documents) -> None:
    original = camera_photo()
    assert paper(world, photo=original).status_code == 201
    [name] = files(documents)
    raw = (documents / name).read_bytes()
    # On disk: neither the EXIF (GPS, phone) nor the picture's bytes, not even a JPEG.
    assert b"Exif" not in raw and b"SecretPhone" not in raw and b"TRAILING-PAYLOAD" not in raw
    assert original not in raw and original[-400:-100] not in raw and not raw.startswith(b"\xff\xd8")
    # Decrypted: the picture, upright, with nothing else.
    content, kind = storage.read_photo(name)
    assert kind == "image/jpeg"
    assert_clean(content)
    # Sealed for its own name: the file copied under another photo's name does not open.
    other = "f" * 64 + ".jpg"
    (documents / other).write_bytes(raw)
    assert storage.read_photo(other) is None


def test_staff_see_it_decrypted_with_nosniff_audited_and_only_in_their_district(world, documents) -> None:
    d = paper(world).json()
    url = f"/api/v1/delegations/{d['id']}/form-photo"
    reads = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "delegation.view_form")
    before = world.session.scalar(reads)
    seen = world.client.get(url, headers=world.caseworker)
    assert seen.status_code == 200 and seen.headers["content-type"] == "image/jpeg"
    assert seen.headers["x-content-type-options"] == "nosniff" and seen.headers["cache-control"] == "no-store"
    assert_clean(seen.content)
    assert world.session.scalar(reads) == before + 1
    assert world.client.get(url, headers=world.other_caseworker).status_code == 404
    # The desk page's link: the same photo, the same rules.
    sign_in(world.client, "cw_qijiang")
    assert world.client.get(f"/staff/desk/delegations/{d['id']}/photo").status_code == 404
    sign_in(world.client, "cw_yuzhong")
    desk = world.client.get(f"/staff/desk/delegations/{d['id']}/photo")
    assert desk.status_code == 200 and desk.headers["x-content-type-options"] == "nosniff"
    assert_clean(desk.content)
    assert world.session.scalar(reads) == before + 2


def test_a_home_visit_photo_is_sealed_and_shown_only_to_its_district(world, documents) -> None:
    number = _file(world, 31)
    world.act(number, "accept", world.caseworker)
    world.act(number, "start_investigation", world.caseworker)
    csrf = sign_in(world.client, "cw_yuzhong")
    visit = _post(world, number, "record_home_visit", csrf, investigator_1="王芳", investigator_2="李强",
                  files=[("photos", ("IMG_0001.jpg", camera_photo(), "image/jpeg"))])
    assert visit.status_code == 303, visit.text
    [name] = files(documents)
    raw = (documents / name).read_bytes()
    assert b"Exif" not in raw and not raw.startswith(b"\xff\xd8")
    assert re.search(rf"/photos/{name}\"", world.client.get(f"/staff/applications/{number}").text)
    shown = world.client.get(f"/staff/applications/{number}/photos/{name}")
    assert shown.status_code == 200 and shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-type"] == "image/jpeg"
    assert_clean(shown.content)
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.read_photo")).all()
    sign_in(world.client, "cw_qijiang")
    assert world.client.get(f"/staff/applications/{number}/photos/{name}").status_code == 404


def test_a_refused_upload_leaves_no_file(world, documents) -> None:
    # A valid photo, with a request refused for another reason: nobody knows her street, not the helper, staff.
    assert paper(world, area=None).json()["error"]["code"] == "area_required"
    assert paper(world, headers=world.stranger).json()["error"]["code"] == "helper_phone_mismatch"
    assert paper(world, headers=world.caseworker).status_code == 403
    assert files(documents) == []
    # Not a picture, a format Pillow does not take (HEIC), a picture claiming 49 million pixels (a bomb).
    bomb = io.BytesIO()
    Image.new("1", (7000, 7000)).save(bomb, "PNG")
    for photo, said in ((b"not a photo", "不是照片"), (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "兼容性最佳"),
                        (bomb.getvalue(), "像素太多")):
        refused = paper(world, photo=photo)
        assert refused.status_code == 422 and said in refused.json()["error"]["message"], refused.text
    # The chat's sealed link: a forged token; then a second tap after the form arrived.
    assert world.client.post("/api/v1/delegations/paper-link/not-a-real-token",
                             files={"image": ("form.jpg", camera_photo(), "image/jpeg")}).status_code == 410
    assert files(documents) == []
    body = {"principal": {"name": "王桂兰", "id_number": member("王桂兰", seq=2)["id_number"]}, "helper": HELPER,
            "scope": ["apply"], "consent": {"method": "paper", "form_reference": "对话中上传", "area_code": "500103001"}}
    link = world.client.post("/api/v1/delegations/paper-link", json=body, headers=world.helper).json()["upload_url"]
    assert world.client.post(link, files={"image": ("a.jpg", camera_photo((1, 2, 3)), "image/jpeg")}).status_code == 201
    assert len(files(documents)) == 1
    again = world.client.post(link, files={"image": ("b.jpg", camera_photo((9, 9, 9)), "image/jpeg")})
    assert again.status_code == 409 and len(files(documents)) == 1
    # A home visit the engine refuses (one investigator): its photo is not kept either.
    number = _file(world, 32)
    world.act(number, "accept", world.caseworker)
    world.act(number, "start_investigation", world.caseworker)
    csrf = sign_in(world.client, "cw_yuzhong")
    one = _post(world, number, "record_home_visit", csrf, investigator_1="王芳", investigator_2="",
                files=[("photos", ("IMG_0002.jpg", camera_photo((200, 10, 10)), "image/jpeg"))])
    assert one.status_code == 409 and "至少2名" in one.text
    assert len(files(documents)) == 1


def test_a_helper_has_at_most_five_forms_waiting(world, documents) -> None:
    ids = []
    for i, name in enumerate(PRINCIPALS[:5]):
        resp = paper(world, name, photo=camera_photo((i * 40, 100, 100)))
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    sixth = paper(world, PRINCIPALS[5], photo=camera_photo((250, 250, 0)))
    assert sixth.status_code == 409 and sixth.json()["error"]["code"] == "too_many_pending_forms"
    assert "5份" in sixth.json()["error"]["message"] and "窗口" in sixth.json()["error"]["message"]
    assert len(files(documents)) == 5
    # The chat says so before he photographs a form that would be refused.
    body = {"principal": {"name": PRINCIPALS[5], "id_number": member(PRINCIPALS[5], seq=6)["id_number"]}, "helper": HELPER,
            "scope": ["apply"], "consent": {"method": "paper", "form_reference": "对话中上传", "area_code": "500103001"}}
    assert world.client.post("/api/v1/delegations/paper-link", json=body, headers=world.helper).status_code == 409
    # Once a caseworker has looked at one, there is room again.
    assert world.client.post(f"/api/v1/delegations/{ids[0]}/verify", json={"note": "入户核对原件"},
                             headers=world.caseworker).status_code == 200
    assert paper(world, PRINCIPALS[5], photo=camera_photo((250, 250, 0))).status_code == 201


def test_the_bytes_one_person_keeps_a_day_are_capped(world, documents, monkeypatch, set_today) -> None:
    first, second = camera_photo((10, 20, 30)), camera_photo((200, 100, 50))
    allowance = len(storage.prepare_photo(first).content) + 100  # the first fits, not a second
    monkeypatch.setattr(storage, "CITIZEN_DAILY_BYTES", allowance)
    set_today(date(2026, 9, 28))
    assert paper(world, PRINCIPALS[0], photo=first).status_code == 201
    over = paper(world, PRINCIPALS[1], photo=second)
    assert over.status_code == 429 and over.json()["error"]["code"] == "daily_uploads_used"
    assert "明天" in over.json()["error"]["message"] and int(over.headers["retry-after"]) > 0
    assert len(files(documents)) == 1
    assert world.client.get("/api/v1/delegations/pending", headers=world.caseworker).json()[1:] == []  # no form either
    set_today(date(2026, 9, 29))
    assert paper(world, PRINCIPALS[1], photo=second).status_code == 201


def test_an_upload_is_never_spooled_to_disk_in_clear(world, documents, monkeypatch) -> None:
    """Starlette writes an uploaded file over 1 MiB to a temporary file; the ID card photo (kept nowhere) and
    the signed form would lie on disk in clear, EXIF and all, while the request runs."""
    rolled = []

    class Recording(formparsers.SpooledTemporaryFile):
        def rollover(self) -> None:
            rolled.append(True)
            super().rollover()

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Recording)
    big = encoded(form_page((1600, 1600), grain=40), quality=95)  # a grainy shot of a form
    assert 1024 * 1024 < len(big) < 8 * 1024 * 1024
    assert paper(world, photo=big).status_code == 201
    assert rolled == []


def test_a_photo_from_before_sealing_is_still_read_and_can_be_sealed_in_place(documents) -> None:
    original = camera_photo()
    name = "a" * 64 + ".jpg"
    (documents / name).write_bytes(original)
    assert storage.read_photo(name) == (original, "image/jpeg")
    assert legacy.seal_folder(documents)["cleaned"] == 1
    raw = (documents / name).read_bytes()
    assert raw.startswith(storage.MAGIC) and b"Exif" not in raw
    content, _ = storage.read_photo(name)
    assert_clean(content)
    assert legacy.seal_folder(documents)["already_sealed"] == 1


def test_parallel_forms_cannot_pass_the_pending_cap(real, documents) -> None:  # noqa: ANN001
    """Forms sent at the same moment by one helper (each request commits on its own connection): exactly as
    many are kept as the cap leaves room for, and no refused one leaves a file."""
    phone = real.phone()
    helper, headers = {**HELPER, "phone": phone}, citizen_headers(phone)
    names = [f"周{c}芳" for c in "一二三四五六七八九"]

    def send(i: int):  # noqa: ANN202
        body = {"principal": {"name": names[i], "id_number": member(names[i], seq=700 + i)["id_number"]}, "helper": helper,
                "scope": ["apply"], "consent": {"method": "paper", "form_reference": f"并发-{i}", "area_code": "500103001"}}
        return real.client.post("/api/v1/delegations/paper", data={"delegation": json.dumps(body)}, headers=headers,
                                files={"form_photo": ("form.jpg", camera_photo((i * 25, 50, 200)), "image/jpeg")})

    try:
        assert send(0).status_code == 201  # the helper is on record before the race
        counter = iter(range(1, 9))
        answers = _in_parallel(8, lambda: send(next(counter)))
        assert Counter(r.status_code for r in answers) == {201: MAX_PENDING_PAPER_FORMS - 1, 409: 9 - MAX_PENDING_PAPER_FORMS}
        assert len(files(documents)) == MAX_PENDING_PAPER_FORMS
    finally:
        with Session(real.engine) as s, s.begin():
            owner = f"phone:{get_vault().lookup_hash(phone)}"
            rows = s.scalars(select(Delegation).join(Delegation.helper).where(Person.phone_hash == owner[6:])).all()
            persons = {d.principal_person_id for d in rows} | {d.helper_person_id for d in rows}
            s.execute(delete(StoredDocument).where(StoredDocument.owner == owner))
            s.execute(delete(Delegation).where(Delegation.id.in_([d.id for d in rows])))
            s.execute(delete(Person).where(Person.id.in_(persons)))
