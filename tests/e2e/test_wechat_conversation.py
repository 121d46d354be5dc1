"""An application filed through WeChat, end to end: the running stack's 公众号 webhook, spoken to in
WeChat's own message format (tests/fakes/wechat_client.py, written from the published format), with
the backend talking to a local fake of WeChat's API (tests/fakes/wechat_server.py).

On the way: the subscribe welcome; every turn answered passively within WeChat's 5 seconds; a message
WeChat sends again (same MsgId) is not answered twice; the submission, held up 6 s by a slow action
server, answers `success` at once and reaches the person later through the customer-service API; the
OpenID is tied to her after her phone code, so later she checks her progress without a code, and the
notice that her application arrived goes to WeChat; the menu's 解除绑定 unties it. Forged, replayed and
unsigned requests are refused, in plaintext and in safe mode.
"""

import json
import re
import time
import urllib.parse
import urllib.request

import pytest

from scripts.turns import code_sent_to
from tests.fakes.wechat_client import WeChatSender, text_xml

pytestmark = pytest.mark.e2e

NAME, ID_NUMBER, PHONE = "陈淑珍", "500103194811020429", "13812345677"
STREET = "渝中区两路口街道"
OPENID = "oJZ_e2e_chen_shuzhen_0001"


def _sender(stack, *, safe: bool) -> WeChatSender:
    w = stack.wechat_settings
    return WeChatSender(url=f"{stack.rasa_url}/webhooks/wechat/webhook", token=w["WECHAT_TOKEN"],
                        app_id=w["WECHAT_APP_ID"], aes_key=w["WECHAT_AES_KEY"], safe=safe)


def _tracker_texts(stack, conversation: str) -> list[str]:
    url = f"{stack.rasa_url}/conversations/{urllib.parse.quote(conversation, safe=':')}/tracker?token={stack.rasa_token}"
    with urllib.request.urlopen(url, timeout=30) as resp:
        events = json.load(resp)["events"]
    return [e.get("text") or "" for e in events if e.get("event") == "user"]


def _wait_for(predicate, timeout: float, what: str):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def test_an_application_through_wechat(stack, output_dir) -> None:
    wx = _sender(stack, safe=True)
    fake = stack.wechat
    transcript: list[str] = []

    def say(text: str, expect: str, *, msg_id: int | None = None) -> str:
        reply = wx.say(OPENID, text, msg_id=msg_id)
        transcript.append(f"用户：{text}\n助手：{reply.text or reply.body}")
        assert reply.status == 200, "\n".join(transcript)
        assert reply.seconds < 5, f"not answered within WeChat's 5 seconds ({reply.seconds:.1f} s)\n" + "\n".join(transcript)
        assert expect in reply.text, "\n".join(transcript)
        return reply.text

    welcome = wx.event(OPENID, "subscribe")
    assert welcome.status == 200 and welcome.text, welcome

    say("我要申请低保", "给您自己申请")
    say("给自己", "身份证号码")
    say(f"{NAME} {ID_NUMBER}", "手机号")
    mark = len(stack.lines)
    say(PHONE, "验证码")
    code = code_sent_to(lambda: stack.lines, PHONE, mark)
    after_code = say(code, "街道")
    assert "解绑" in after_code  # she is told the OpenID is now hers, and how to untie it

    # WeChat sends a message again when it thinks it went unanswered: the same MsgId is answered once.
    msg_id = wx.next_msg_id()
    say(STREET, "收入", msg_id=msg_id)
    again = wx.say(OPENID, STREET, msg_id=msg_id)
    assert again.status == 200 and again.text == "" and again.body.strip() in ("success", ""), again
    assert _tracker_texts(stack, f"wechat:{OPENID}").count(STREET) == 1

    say("收入三百，存款没有", "其他人")
    say("没有了", "为什么申请")
    say("老伴去世了，我身体不好，没有收入", "请核对")

    # The action server is slow at the submission: WeChat gets `success` at once, the answer comes later.
    sent_before = len(fake.texts)
    stack.actions_proxy.slow_down(6.0, when=lambda body: b"action_submit_application" in body)
    started = time.monotonic()
    slow = wx.say(OPENID, "对，提交")
    assert slow.status == 200 and slow.text == "" and slow.seconds < 5, slow
    late = _wait_for(lambda: [t for t in fake.texts[sent_before:] if t.get("touser") == OPENID], 60,
                     "the submission's answer through the customer-service API")
    assert time.monotonic() - started >= 5
    said = "\n".join(t["text"]["content"] for t in late)
    assert "申请已经提交" in said, said
    number = re.search(r"JZ\d{14}", said).group(0)
    assert stack.actions_proxy.delayed == 1

    # The notice that the application arrived goes to her WeChat (a template message), not by SMS.
    notice = _wait_for(lambda: [t for t in fake.templates if t.get("touser") == OPENID], 60, "the WeChat notice")
    assert number in json.dumps(notice, ensure_ascii=False), notice

    # Bound: a new question about her case needs no code.
    progress = say("我的申请办到哪一步了", "")
    assert "验证码" not in progress and ("受理" in progress or "提交" in progress or number in progress), progress

    # The menu's 解除绑定 unties the OpenID; after that her case needs the code again.
    unbound = wx.event(OPENID, "CLICK", "UNBIND")
    assert unbound.status == 200 and "解除" in unbound.text, unbound
    transcript += [f"（6秒后，客服消息）{said}", f"（模板消息）{json.dumps(notice[0], ensure_ascii=False)}",
                   f"用户：我的申请办到哪一步了\n助手：{progress}", f"（菜单：解除绑定）\n助手：{unbound.text}"]
    (output_dir / "transcript.txt").write_text("\n".join(transcript), encoding="utf-8")


@pytest.mark.parametrize("safe", [False, True], ids=["plaintext", "safe-mode"])
def test_forged_replayed_and_unsigned_requests_are_refused(stack, safe: bool) -> None:
    wx = _sender(stack, safe=safe)
    openid = f"oJZ_e2e_refused_{int(safe)}"
    xml = text_xml(openid, wx.account, "你好", wx.next_msg_id())
    good = wx.post_xml(xml)
    if not safe:
        # The stack has an AES key: safe mode takes encrypted requests only. A signed plaintext request (the
        # replay of a URL seen once, with a body naming any OpenID) is refused and reaches nobody (issue 21).
        assert good.status == 403, good
        assert _tracker_texts(stack, f"wechat:{openid}") == []
        return
    assert good.status == 200 and good.text, good

    forged = wx.post_xml(text_xml(openid, wx.account, "你好", wx.next_msg_id()), forge=True)
    replayed = wx.post_xml(text_xml(openid, wx.account, "你好", wx.next_msg_id()), timestamp=int(time.time()) - 3600)
    params, body = wx.query(text_xml(openid, wx.account, "你好", wx.next_msg_id()))
    for key in ("signature", "msg_signature"):
        params.pop(key, None)
    unsigned = wx.post_raw(params, body)
    assert (forged.status, replayed.status, unsigned.status) == (403, 403, 403)
    assert _tracker_texts(stack, f"wechat:{openid}").count("你好") == 1
