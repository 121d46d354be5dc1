"""The phone page of each upload link (/photo/id/{token}, /photo/paper/{token}): what the web chat's card shows, on a
page of its own for whoever got the link as text, and the chat API's text carries that page, never the API address.

Before, the chat API wrote the upload's API address out (`…/api/v1/delegations/paper-link/gAAAA…`): opened on a
phone it showed JSON. Here the page is read as a phone gets it, its form is followed as its script follows it
(consent, then the photo posted to the form's address under the input's name) with real JPEGs drawn with Pillow,
and what the backend kept is checked.
"""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from backend.chat.cards import UPLOADS
from backend.core import clock
from backend.core.settings import get_settings
from backend.delegations.models import Delegation
from backend.facecheck.models import FaceReference, LivenessSession
from tests.backend.form_images import encoded, flat, form_page
from tests.backend.test_facecheck_id_photo import _case, _link, _token, fake_engine, id_card, real_engine  # noqa: F401
from tests.backend.test_form_photo_quality import _delegation
from tests.backend.test_paper_delegation_queue import documents  # noqa: F401  (fixture)
from tests.fakes import rasa_server

ID_PAGE, PAPER_PAGE = UPLOADS["id_photo"].page, UPLOADS["paper"].page


def _form(html: str) -> tuple[str, str]:
    """The page's upload form: where it posts, and the name its photo goes under."""
    action = re.search(r'<form id="photo" action="([^"]+)" method="post" enctype="multipart/form-data">', html)
    field = re.search(r'<input type="file" name="(\w+)" accept="image/\*"', html)
    assert action and field, html
    return action.group(1), field.group(1)


def _paper_url(world) -> str:  # noqa: ANN001
    resp = world.client.post("/api/v1/delegations/paper-link", json=_delegation(), headers=world.helper)
    assert resp.status_code == 201, resp.text
    return resp.json()["upload_url"]


def _page_of(api_url: str) -> str:
    upload = next(u for u in UPLOADS.values() if api_url.startswith(u.api))
    return api_url.replace(upload.api, upload.page)


def test_the_id_photo_page_shows_whose_photo_the_consent_and_one_big_photo_button(world, fake_engine) -> None:  # noqa: ANN001, F811
    number, _ = _case(world)
    token = _token(_link(world, number, world.applicant))
    page = world.client.get(f"{ID_PAGE}{token}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"  # her name behind a one-time link
    html = page.text
    assert "登记照片的人：张秀英" in html and "拍身份证照片" in html
    assert "人脸参考信息单独同意书" in html and "照片本身不保存" in html  # the consent the card shows, before the photo
    assert "同意，登记照片" in html and "不同意，请工作人员帮我办" in html
    assert '<div class="take hidden">' in html  # no photo button before the consent
    assert _form(html) == (f"/api/v1/liveness/id-photo/{token}", "image")
    # "拍照/选照片": the phone offers its camera or its photos (no `capture`, which would allow the camera alone).
    assert re.search(r'<label class="shoot">拍照/选照片<input type="file" name="image" accept="image/\*"></label>', html)
    assert "我要刷脸认证" in html  # what to say in the chat afterwards, for the certification it was asked for
    assert "找工作人员" in html  # never a dead end
    for script in re.findall(r'<script src="([^"]+)"', html):
        assert world.client.get(script).status_code == 200, script  # this site's own files, no CDN
    assert "min-height: 4rem" in world.client.get("/static/chat/photo_card.css").text


def test_the_paper_page_names_whose_signed_form_to_photograph(world) -> None:  # noqa: ANN001
    url = _paper_url(world)
    html = world.client.get(_page_of(url)).text
    assert "张秀英签了字的授权委托书" in html and "签字和手印要拍清楚" in html
    # What to photograph, said whole: never "登记照片的人：张秀英签了字的授权委托书" (tester t5), not even as the prefix.
    assert "要拍的是：张秀英签了字的授权委托书（按手印也行）" in html and "登记照片的人" not in html
    assert '<div class="ask hidden">' in html and '<div class="take">' in html  # no consent step: the form is the consent
    assert _form(html) == (url, "image")


def test_an_expired_or_used_link_gets_a_page_that_says_what_to_do(world, fake_engine, monkeypatch) -> None:  # noqa: ANN001, F811
    number, _ = _case(world)
    token = _token(_link(world, number, world.applicant))
    world.session.execute(update(LivenessSession).values(expires_at=clock.now_utc() - timedelta(minutes=1)))
    paper = _paper_url(world)
    later = clock.now() + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    for path in (f"{ID_PAGE}{token}", _page_of(paper), f"{PAPER_PAGE}gAAAAforged", f"{ID_PAGE}not-a-link"):
        page = world.client.get(path)
        assert page.status_code == 410, path
        html = page.text
        assert "这个链接用不了了" in html and "<form" not in html and "<script" not in html
        assert "找工作人员" in html and "社会救助窗口的电话" in html and 'href="/chat"' in html
    assert "说“继续”，我再给您一个" in world.client.get(_page_of(paper)).text  # the link's own words on what to do


def test_the_id_photo_page_takes_a_real_photo_after_its_consent(world, real_engine) -> None:  # noqa: ANN001, F811
    number, her = _case(world)
    token = _token(_link(world, number, world.applicant))
    action, field = _form(world.client.get(f"{ID_PAGE}{token}").text)
    assert world.client.post(f"{action}/consent", json={"agree": True}).status_code == 200  # the page's 同意 button

    blurred = world.client.post(action, files={field: ("photo.jpg", id_card("obama2", blur=4), "image/jpeg")})
    assert blurred.status_code == 400 and "模糊" in blurred.json()["error"]["message"]  # said plainly: 再拍一张
    kept = world.client.post(action, files={field: ("photo.jpg", id_card("obama2"), "image/jpeg")})
    assert kept.status_code == 201, kept.text
    assert kept.json()["next"] == "certification" and "登记好了" in kept.json()["message"]
    world.session.expire_all()
    (ref,) = world.session.scalars(select(FaceReference)).all()
    assert (ref.person_id, ref.source) == (her.id, "id_card")
    assert world.client.get(f"{ID_PAGE}{token}").status_code == 410  # used: the page says so


def test_the_paper_page_takes_a_real_photo_of_the_signed_form(world, documents) -> None:  # noqa: ANN001, F811
    url = _paper_url(world)
    action, field = _form(world.client.get(_page_of(url)).text)
    blank = world.client.post(action, files={field: ("form.jpg", encoded(flat(255, (1000, 1000))), "image/jpeg")})
    assert blank.status_code == 422 and "再拍一次" in blank.json()["error"]["message"]
    done = world.client.post(action, files={field: ("form.jpg", encoded(form_page()), "image/jpeg")})
    assert done.status_code == 201, done.text
    assert done.json()["message"].startswith("收到了") and done.json()["status"] == "pending"
    d = world.session.scalars(select(Delegation)).one()
    assert (d.principal.name, d.status, d.consent_method) == ("张秀英", "pending", "paper") and d.form_photo
    assert len(list(documents.iterdir())) == 1  # the photo, sealed


# ---- the chat API's text ------------------------------------------------------------------------------------------

def _replies(body: dict) -> list[dict]:
    return [
        {"text": "刷脸之前，要先登记一张本人的照片。请点下面的按钮。"},
        {"custom": {"upload": "/api/v1/liveness/id-photo/Zq8vK2mW9xLp", "then": "/certify_liveness"}},
        {"custom": {"upload": "/api/v1/delegations/paper-link/gAAAA-sealed_x=="}},
        {"custom": {"link": "https://jz.example.cn/face/abc"}},
        {"custom": {"upload": "https://elsewhere.example/steal"}},
    ]


@pytest.fixture
def cards_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with rasa_server.fake_rasa(_replies) as (url, _received):
        monkeypatch.setattr(get_settings(), "rasa_url", url)
        yield url


def test_the_chat_api_text_carries_the_page_not_the_api(client: TestClient, cards_rasa: str) -> None:
    messages = client.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": "我要认证"}).json()["messages"]
    base = get_settings().public_base_url.rstrip("/")
    assert messages[1]["text"] == f"拍身份证照片，请打开这个网页：{base}/photo/id/Zq8vK2mW9xLp"
    assert messages[2]["text"] == f"拍委托书照片，请打开这个网页：{base}/photo/paper/gAAAA-sealed_x=="
    assert messages[3]["text"] == "请打开这个链接：https://jz.example.cn/face/abc"
    assert all("/api/" not in (m["text"] or "") for m in messages)
    # The web page's card still posts to the API link; another address is neither a card nor said.
    assert messages[1]["upload"] == "/api/v1/liveness/id-photo/Zq8vK2mW9xLp" and messages[1]["then"] == "/certify_liveness"
    assert messages[4]["upload"] is None and messages[4]["text"] is None
    # The pages exist where the words point (an unknown token: the page that says what to do).
    for m in messages[1:3]:
        assert client.get(m["text"].split("：", 1)[1].removeprefix(base)).status_code == 410
