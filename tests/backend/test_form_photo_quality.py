"""A photo of a paper 授权委托书 must be readable before it is kept. A grid worker filing for a man with no phone
sent a white page, a 40×40 thumbnail, an almost black picture, and each waited days for a caseworker to reject
it. Now each is refused at once, in Chinese, saying what to do; nothing is written and the same link takes the
next photo. And a form a caseworker rejects does not keep its photo: the sealed file is deleted."""

import json

import pytest
from PIL import Image
from sqlalchemy import select

from backend.core import clock
from backend.delegations.models import Delegation
from backend.documents import quality, storage
from backend.documents.limits import MIN_FORM_EDGE_SHARE, MIN_FORM_GRAY_STDDEV, MIN_FORM_SHORT_SIDE
from backend.documents.models import StoredDocument
from tests.backend.form_images import encoded, flat, form_page
from tests.backend.staff_pages import sign_in
from tests.backend.test_paper_delegation_queue import HELPER, documents  # noqa: F401  (fixture)
from tests.backend.world import member

NAMES = ["张秀英", "王桂兰", "李淑珍"]


def _delegation(name: str = "张秀英", form: str = "七星岗-2026-0101") -> dict:
    seq = NAMES.index(name) + 1
    return {"principal": {"name": name, "id_number": member(name, seq=seq)["id_number"]}, "helper": HELPER,
            "scope": ["apply", "query"], "consent": {"method": "paper", "form_reference": form, "area_code": "500103001"}}


def hand_in(world, photo: bytes, name: str = "张秀英"):  # noqa: ANN001, ANN201
    return world.client.post("/api/v1/delegations/paper", data={"delegation": json.dumps(_delegation(name))},
                             files={"form_photo": ("form.jpg", photo, "image/jpeg")}, headers=world.helper)


def files(folder) -> list[str]:  # noqa: ANN001
    return sorted(p.name for p in folder.iterdir())


# What the grid worker sent, and what a phone sends of a signed form.
BLANK_PAGE = encoded(flat(255, (1000, 1000)))  # a white 1000×1000 JPEG
BLACK_FRAME = encoded(flat(0))
LENS_CAP = encoded(flat(22, grain=10))  # almost uniform and dark, with the camera's noise
GREY_WALL = encoded(flat((128, 126, 120), grain=12))  # out of focus, nothing written: noise only
THUMBNAIL = encoded(form_page((40, 40)))
FORM = encoded(form_page())  # lines of text on a white page, 1200×1600


@pytest.mark.parametrize(("picture", "problem"), [
    (flat(255, (1000, 1000)), quality.BLANK), (flat(0), quality.BLANK), (flat(22, grain=10), quality.BLANK),
    (flat((128, 126, 120), grain=12), quality.BLANK), (form_page((40, 40)), quality.TOO_SMALL),
    (form_page().resize((479, 639), Image.LANCZOS), quality.TOO_SMALL),
    (form_page(), None), (form_page().resize((MIN_FORM_SHORT_SIDE, 640), Image.LANCZOS), None), (form_page(grain=30), None),
    (form_page((3000, 4000)), None),
], ids=["white", "black", "lens-cap", "grey-noise", "40x40", "479-short", "form", "480-short", "grainy-form", "12MP-form"])
def test_the_rule_is_size_and_something_on_the_page(picture: Image.Image, problem: str | None) -> None:
    measures = quality.measure(picture)
    assert measures.problem == problem, measures
    if problem is None:  # a form passes by a wide margin, not by luck
        assert measures.gray_stddev > 5 * MIN_FORM_GRAY_STDDEV and measures.edge_share > 10 * MIN_FORM_EDGE_SHARE


def test_transparent_parts_are_white_paper() -> None:
    """A PNG with a transparent background (a scan saved by an app): its text is read on white, not on black."""
    page = form_page().convert("RGBA")
    page.putalpha(page.convert("L").point(lambda v: 255 if v < 200 else 0))  # only the ink is opaque
    assert quality.measure(page).problem is None
    assert quality.measure(Image.new("RGBA", (1200, 1600), (0, 0, 0, 0))).problem == quality.BLANK


@pytest.mark.parametrize(("photo", "code", "said"), [
    (BLANK_PAGE, "photo_blank", "光线亮一点"), (BLACK_FRAME, "photo_blank", "光线亮一点"),
    (LENS_CAP, "photo_blank", "整张纸拍进来"), (GREY_WALL, "photo_blank", "看不清"),
    (THUMBNAIL, "photo_too_small", "太小"),
], ids=["white-1000", "black", "lens-cap", "grey-wall", "40x40"])
def test_an_unreadable_form_photo_is_refused_at_once_and_nothing_is_kept(world, documents, photo, code, said) -> None:  # noqa: ANN001, F811
    refused = hand_in(world, photo)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == code, refused.text
    message = refused.json()["error"]["message"]
    assert message.startswith("委托书照片") and said in message and "再拍一次" in message
    assert files(documents) == []
    assert world.session.scalars(select(Delegation)).all() == []
    assert world.session.scalars(select(StoredDocument)).all() == []
    assert hand_in(world, FORM).status_code == 201  # the real form goes in right after
    assert len(files(documents)) == 1


def test_the_chat_link_says_why_and_takes_the_next_photo(world, documents) -> None:  # noqa: ANN001, F811
    """The upload card shows the 422's message and keeps its button: the same link must still take the form."""
    url = world.client.post("/api/v1/delegations/paper-link", json=_delegation(), headers=world.helper).json()["upload_url"]
    for photo in (BLANK_PAGE, THUMBNAIL):
        refused = world.client.post(url, files={"image": ("form.jpg", photo, "image/jpeg")})
        assert refused.status_code == 422 and "再拍一次" in refused.json()["error"]["message"]
    assert files(documents) == [] and world.client.get(url).status_code == 200
    done = world.client.post(url, files={"image": ("form.jpg", FORM, "image/jpeg")})
    assert done.status_code == 201 and done.json()["status"] == "pending", done.text
    assert len(files(documents)) == 1


def test_home_visit_photos_are_not_held_to_the_form_rule() -> None:
    """A caseworker's photo of a dark room is evidence as it is; only a form's photo must be readable."""
    assert storage.prepare_photo(BLACK_FRAME, label="第1张照片").type == "image/jpeg"
    with pytest.raises(storage.BadPhoto):
        storage.prepare_photo(BLACK_FRAME, label="委托书照片", paper_form=True)


# ---- a rejected form's photo is deleted ---------------------------------------------------------------------------

def test_a_rejected_forms_photo_is_deleted_and_a_verified_ones_kept(world, documents) -> None:  # noqa: ANN001, F811
    rejected = hand_in(world, FORM).json()
    kept = hand_in(world, encoded(form_page(mark=(20, 20, 200))), "王桂兰").json()
    [rejected_file] = [world.session.get(Delegation, rejected["id"]).form_photo]
    assert len(files(documents)) == 2 and rejected_file in files(documents)
    no = world.client.post(f"/api/v1/delegations/{rejected['id']}/reject", json={"reason": "照片看不清签字，请重新拍"},
                           headers=world.caseworker)
    assert no.status_code == 200 and no.json()["status"] == "rejected"
    assert rejected_file not in files(documents) and len(files(documents)) == 1
    gone = world.client.get(f"/api/v1/delegations/{rejected['id']}/form-photo", headers=world.caseworker)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "form_photo_deleted"
    # The upload still counts in the helper's bytes for the day; the reason is kept for the record.
    assert world.session.scalars(select(StoredDocument).where(StoredDocument.file == rejected_file)).one()
    assert world.client.post(f"/api/v1/delegations/{kept['id']}/verify", json={"note": "入户核对原件"},
                             headers=world.caseworker).status_code == 200
    assert world.client.get(f"/api/v1/delegations/{kept['id']}/form-photo", headers=world.caseworker).status_code == 200
    assert len(files(documents)) == 1
    # He photographs the form again: it is handed in and kept like any other.
    assert hand_in(world, FORM).status_code == 201 and rejected_file in files(documents)


def test_a_picture_another_form_still_uses_is_not_deleted(world, documents) -> None:  # noqa: ANN001, F811
    """One picture is one file (its name is a hash of the content): the same photo handed in for two people."""
    first, second = hand_in(world, FORM).json(), hand_in(world, FORM, "王桂兰").json()
    [name] = files(documents)
    world.client.post(f"/api/v1/delegations/{first['id']}/reject", json={"reason": "不是本人的委托书"}, headers=world.caseworker)
    assert files(documents) == [name]
    assert world.client.get(f"/api/v1/delegations/{second['id']}/form-photo", headers=world.caseworker).status_code == 200
    world.client.post(f"/api/v1/delegations/{second['id']}/reject", json={"reason": "不是本人的委托书"}, headers=world.caseworker)
    assert files(documents) == []


def test_the_desk_page_rejection_deletes_it_too(world, documents) -> None:  # noqa: ANN001, F811
    d = hand_in(world, FORM).json()
    csrf = sign_in(world.client, "cw_yuzhong")
    done = world.client.post(f"/staff/desk/delegations/{d['id']}", follow_redirects=False,
                             data={"csrf_token": csrf, "decision": "reject", "note": "签字处是空的"})
    assert done.status_code == 303 and "done=rejected" in done.headers["location"]
    assert files(documents) == []
    assert world.client.get(f"/staff/desk/delegations/{d['id']}/photo").status_code == 404


def test_a_file_is_deleted_only_when_the_rejection_commits_and_no_other_upload_is_it(session, documents) -> None:  # noqa: ANN001, F811
    photo = storage.prepare_photo(FORM, paper_form=True)
    storage.keep(session, [photo], owner="phone:abc", purpose="paper_form")
    session.commit()
    storage.discard(session, photo.name, purpose="paper_form")
    with session.begin_nested():  # a savepoint released inside the rejection (the helper's text queued)
        session.add(StoredDocument(file="x", owner="phone:abc", purpose="paper_form", size=1, created_at=clock.now_utc()))
    assert files(documents) == [photo.name]
    session.rollback()  # then the rejection failed: the form is still waiting, with its photo
    assert files(documents) == [photo.name]
    nested = session.begin_nested()
    storage.discard(session, photo.name, purpose="paper_form")
    nested.rollback()  # discarded inside a savepoint that was rolled back
    session.commit()
    assert files(documents) == [photo.name]
    session.add(StoredDocument(file=photo.name, owner="staff:1", purpose="visit_photo", size=1,
                               created_at=clock.now_utc()))
    storage.discard(session, photo.name, purpose="paper_form")  # the same picture is a home-visit photo too
    session.commit()
    assert files(documents) == [photo.name]
    session.execute(StoredDocument.__table__.delete().where(StoredDocument.purpose == "visit_photo"))
    storage.discard(session, photo.name, purpose="paper_form")
    session.commit()
    assert files(documents) == []
