"""A card (a response's custom payload: the photo upload of actions/face.py and actions/drafts.py, the face link) reaches
an SMS or WeChat conversation as words and the address of its phone page on the backend, never as JSON.

Rasa's default for a custom payload on any channel but the REST one is to text `json.dumps(payload)`: a grid worker
got `{"upload": "/api/v1/delegations/paper-link/gAAAA…"}` by SMS, and WeChat said nothing at all. The bot's
messages are made as Rasa makes them (a BotUttered event's message, what the processor hands `send_response`) and
go through the channels' real webhooks (helpers of test_sms_channel.py and test_wechat_channel.py).
"""

import json
import re
from pathlib import Path

import pytest
from rasa.shared.core.events import BotUttered

from backend.chat.cards import UPLOADS, readable
from tests.actions.test_sms_channel import MESSAGE, _post, _sign, _sms_app, _twiml_messages, twilio  # noqa: F401
from tests.actions.test_wechat_channel import backend, make_app, reply_fields, say  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://jz.example.cn"
PAPER_TOKEN = "gAAAAABrFqUP8PPyzZ-GbKHYzC_D9Jc0wvvX_TEg8iBz=="
FACE = f"{BASE}/face/Xk3abc"


def _uttered(text: str | None, **data) -> dict:  # noqa: ANN003
    """A bot message as Rasa's processor sends it to the output channel."""
    return BotUttered(text, data={"elements": None, "quick_replies": None, "attachment": None, "image": None,
                                  "buttons": None, "custom": None, **data}).message()


async def _paper_form_turn(message) -> None:  # noqa: ANN001
    """What the grid worker's last step says (actions/drafts.py say_paper_way), then a face link (actions/face.py)."""
    out = message.output_channel
    await out.send_response(message.sender_id, _uttered(
        "最后一步：请点下面的按钮，拍一张周明富签了字的授权委托书。",
        buttons=[{"title": "找工作人员", "payload": "/request_human"}],
        custom={"upload": f"{UPLOADS['paper'].api}{PAPER_TOKEN}"}))
    await out.send_response(message.sender_id, _uttered(f"请点下面的链接，刷一下脸：{FACE}", custom={"link": FACE}))
    await out.send_response(message.sender_id, _uttered(None, custom={"then": "/certify_liveness"}))  # no card


def _no_json_no_api(texts: list[str]) -> None:
    for text in texts:
        assert "{" not in text and '"upload"' not in text and "/api/" not in text, texts


def test_an_sms_gets_the_cards_words_and_its_page_never_json(twilio) -> None:  # noqa: ANN001
    app = _sms_app(_paper_form_turn, api_base=twilio.url, public_base_url=BASE + "/")
    texts = _twiml_messages(_post(app, MESSAGE, _sign(MESSAGE)))
    _no_json_no_api(texts)
    page = f"{BASE}/photo/paper/{PAPER_TOKEN}"
    assert texts[0] == "最后一步：请点下面的按钮，拍一张周明富签了字的授权委托书。"
    # A paragraph (an SMS) of its own, the address whole and on its own line; the choices still come last, numbered.
    assert texts[1].startswith(f"拍委托书照片，请打开这个网页：{page}\n1. 找工作人员"), texts
    assert sum(t.count(FACE) for t in texts) == 1  # the face link's text carries it: not said twice
    assert len(texts) == 3 and twilio.messages == []


@pytest.mark.asyncio
async def test_a_wechat_message_gets_the_cards_words_and_its_page(backend) -> None:  # noqa: ANN001
    async def id_photo_turn(message) -> None:  # noqa: ANN001
        out = message.output_channel  # Rasa's collecting channel: the card is a message of its own
        await out.send_response(message.sender_id, _uttered("刷脸之前，要先登记一张本人的照片。请点下面的按钮。"))
        await out.send_response(message.sender_id, _uttered(
            None, custom={"upload": f"{UPLOADS['id_photo'].api}Zq8vK2mW9xLp", "then": "/certify_liveness"}))
        await out.send_response(message.sender_id, _uttered(f"请点下面的链接：{FACE}"))
        await out.send_response(message.sender_id, _uttered(None, custom={"link": FACE}))

    app = make_app(backend, id_photo_turn, public_base_url=BASE)
    content = reply_fields(await say(app, "我要认证"))["Content"]
    _no_json_no_api([content])
    assert f"拍身份证照片，请打开这个网页：{BASE}/photo/id/Zq8vK2mW9xLp" in content
    assert content.count(FACE) == 1


def test_one_wording_for_the_chat_api_sms_and_wechat() -> None:
    """The channels import the backend's own function (backend/chat/cards.py), and the bot's image carries it."""
    for channel in ("twilio_sms.py", "wechat.py"):
        assert "from backend.chat.cards import readable" in (ROOT / "bot" / "channels" / channel).read_text(encoding="utf-8")
    copied = " ".join(re.findall(r"^COPY (.+)$", (ROOT / "bot" / "Dockerfile").read_text(encoding="utf-8"), re.M))
    for needed in ("backend/__init__.py", "backend/chat/__init__.py", "backend/chat/cards.py"):
        assert needed in copied, needed
    # Standard library only: the bot's Python has no FastAPI, pydantic or SQLAlchemy.
    imports = re.findall(r"^(?:from|import) (\S+)", (ROOT / "backend" / "chat" / "cards.py").read_text(encoding="utf-8"), re.M)
    assert set(imports) <= {"re", "collections.abc", "typing"}, imports
    assert readable({"upload": "/api/v1/liveness/id-photo/../../staff"}, BASE) is None  # only this backend's links
    assert readable(json.loads('{"link": "javascript:alert(1)"}'), BASE) is None
