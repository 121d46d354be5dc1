"""The WeChat API client against a local fake WeChat server: one stable token per process, refreshed and
retried when WeChat refuses it, long texts split, errors mapped to what a caller may do next."""

import logging
import socket

import pytest

from backend.core.logging import configure_logging
from backend.wechat.client import TEXT_LIMIT_BYTES, HttpWeChatApi, WeChatError, split_text
from tests.fakes.wechat_server import APP_ID, APP_SECRET, FakeWeChat

OPENID = "oAbCdEfGhIjKlMnOpQrStUvWxYz0"


@pytest.fixture
def fake():  # noqa: ANN201
    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture
def api(fake: FakeWeChat):  # noqa: ANN201
    client = HttpWeChatApi(APP_ID, APP_SECRET, fake.url, timeout=2)
    yield client
    client.close()


def _paths(fake: FakeWeChat) -> list[str]:
    return [path for path, _ in fake.calls]


def test_the_token_is_fetched_once_and_kept(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    for n in range(3):
        assert api.send_text(OPENID, f"第{n}条") == 1
    assert fake.token_fetches == 1 and fake.forced_refreshes == 0
    assert [t["text"]["content"] for t in fake.texts] == ["第0条", "第1条", "第2条"]
    assert fake.calls[0][1] == {"grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET, "force_refresh": False}


def test_two_processes_share_the_stable_token_without_breaking_each_other(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    other = HttpWeChatApi(APP_ID, APP_SECRET, fake.url, timeout=2)
    try:
        api.send_text(OPENID, "一")
        other.send_text(OPENID, "二")
        api.send_text(OPENID, "三")
    finally:
        other.close()
    assert len(fake.texts) == 3 and fake.token_fetches == 2 and fake.forced_refreshes == 0


def test_an_expired_token_is_fetched_again_and_the_call_retried_once(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    api.send_text(OPENID, "一")
    fake.expire_token()
    api.send_text(OPENID, "二")
    assert [t["text"]["content"] for t in fake.texts] == ["一", "二"]
    assert _paths(fake) == ["/cgi-bin/stable_token", "/cgi-bin/message/custom/send", "/cgi-bin/message/custom/send",
                            "/cgi-bin/stable_token", "/cgi-bin/message/custom/send"]
    assert fake.forced_refreshes == 0  # a normal fetch gave a new token: no other process's token retired


def test_force_refresh_only_when_wechat_hands_back_the_token_it_refused(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    api.send_text(OPENID, "一")
    fake.retired.add(fake.token)  # refused, yet a normal fetch would return it again
    api.send_text(OPENID, "二")
    assert fake.forced_refreshes == 1 and len(fake.texts) == 2


def test_a_template_message(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    msgid = api.send_template(OPENID, "TPL-pay", {"thing1": "12月低保", "amount2": "770元"}, url="https://jz.example.cn/x")
    assert msgid == "200001"
    assert fake.templates == [{"touser": OPENID, "template_id": "TPL-pay", "url": "https://jz.example.cn/x",
                               "data": {"thing1": {"value": "12月低保"}, "amount2": {"value": "770元"}}}]


def test_long_texts_are_split_within_wechats_limit(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    text = "。".join(["低保标准每月770元"] * 400)
    sent = api.send_text(OPENID, text)
    pieces = [t["text"]["content"] for t in fake.texts]
    assert sent == len(pieces) > 1
    assert all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in pieces)
    assert "".join(pieces) == text
    assert all(p.endswith("。") for p in pieces[:-1])  # cut at a sentence end


def test_split_keeps_short_texts_whole() -> None:
    assert split_text("您好") == ["您好"]
    assert all(len(p.encode()) <= 10 for p in split_text("中" * 40, limit=10))


@pytest.mark.parametrize(("errcode", "refused", "permanent"), [(43004, True, True), (43101, True, True), (40003, False, True),
                                                              (-1, False, False), (45009, False, False)])
def test_errors_say_what_may_be_done_next(fake: FakeWeChat, api: HttpWeChatApi, errcode: int, refused: bool, permanent: bool) -> None:
    fake.fail_next(errcode)
    with pytest.raises(WeChatError) as err:
        api.send_template(OPENID, "TPL", {})
    assert (err.value.errcode, err.value.refused, err.value.permanent, err.value.unknown) == (errcode, refused, permanent, False)


def test_a_follower_who_left_is_refused(fake: FakeWeChat, api: HttpWeChatApi) -> None:
    fake.not_following.add(OPENID)
    with pytest.raises(WeChatError) as err:
        api.send_text(OPENID, "您好")
    assert err.value.refused and err.value.errcode == 43004


def test_unreachable_wechat_is_transient_and_nothing_was_sent() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    api = HttpWeChatApi(APP_ID, APP_SECRET, f"http://127.0.0.1:{port}", timeout=1)
    with pytest.raises(WeChatError) as err:
        api.send_text(OPENID, "您好")
    api.close()
    assert not (err.value.permanent or err.value.unknown or err.value.refused)


def test_wrong_secret_is_permanent(fake: FakeWeChat) -> None:
    api = HttpWeChatApi(APP_ID, "wrong", fake.url, timeout=2)
    with pytest.raises(WeChatError) as err:
        api.send_text(OPENID, "您好")
    api.close()
    assert err.value.permanent and err.value.errcode == 40125 and fake.texts == []


def test_the_access_token_in_request_urls_is_never_logged() -> None:
    configure_logging("INFO", json_lines=True)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)  # httpx logs every URL at INFO
