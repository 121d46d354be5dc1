"""The web chat page keeps up with the person (issue 20, item 8), in headless Chromium on a 360×640 phone.

Only the backend runs (tests/e2e/backend_alone.py); its relay talks to a fake Rasa (tests/fakes/rasa_server.py)
that answers what each test scripts, so the page is driven without a trained model: the buttons stay on
screen under their question, one turn at a time with a typing indicator, a used or older button does nothing,
a reload keeps the conversation, the read-back has a 改 per line, and 朗读 shows only with a Chinese voice.
"""

import threading
from collections.abc import Iterator

import pytest

from tests.e2e.backend_alone import backend_alone
from tests.e2e.test_chat_in_wechat import LAYOUT, WECHAT_UA
from tests.fakes.rasa_server import Received, fake_rasa

PHONE = {"width": 360, "height": 640}
SETTLED = "!document.querySelector('.typing') && !document.getElementById('send').disabled"
CHOOSE_WHO = [{"text": "这次是给谁申请？", "buttons": [
    {"title": "给自己", "payload": "给自己"}, {"title": "给家里人", "payload": "给家里人"},
    {"title": "帮别人申请（代办）", "payload": "帮别人申请"}]}]
READ_BACK = ("请核对一下：\n申请：低保（给自己）\n申请人：张秀英\n身份证：5001**********0022\n手机：138****3690\n"
             "每月收入：800元\n原因：老伴去世了，我身体不好没法打工\n信息对吗？对的话我就提交了。")
FIXES = ["改申请人", "改身份证", "改手机", "改每月收入", "改原因"]


class Bot:
    """What the fake Rasa answers: the scripted replies to a message (else an echo); `gate` held shut keeps
    the answer back; `failing` makes Rasa fail."""

    def __init__(self) -> None:
        self.replies: dict[str, list[dict]] = {}
        self.gate = threading.Event()
        self.failing = False

    def reset(self) -> None:
        self.replies.clear()
        self.gate.set()
        self.failing = False

    def __call__(self, body: dict) -> list[dict]:
        self.gate.wait(30)
        if self.failing:
            raise RuntimeError("rasa is down")
        return self.replies.get(body["message"], [{"text": f"收到：{body['message']}"}])


BOT = Bot()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Received]]:
    with fake_rasa(BOT) as (rasa_url, received):
        with backend_alone(tmp_path_factory.mktemp("chat-page-var"), RASA_URL=rasa_url) as base:
            yield base, received


@pytest.fixture
def chat(site, browser):  # noqa: ANN001, ANN201
    """A phone-sized page (WeChat's browser) opened on the chat, and what the fake Rasa received from it."""
    base, received = site
    BOT.reset()
    received.clear()
    context = browser.new_context(locale="zh-CN", user_agent=WECHAT_UA, viewport=PHONE, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(base + "/")
    yield page, received
    context.close()


def say(page, text: str) -> None:  # noqa: ANN001
    before = page.locator(".msg.bot, .msg.err").count()
    page.fill("#text", text)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('.msg.bot, .msg.err').length > {before} && {SETTLED}")


def messages(received: Received) -> list[str]:
    return [r["message"] for r in received]


def test_the_buttons_are_fully_visible_under_the_question_on_a_small_phone(chat, output_dir) -> None:
    page, _ = chat
    for n in range(1, 4):
        BOT.replies[f"问题{n}"] = [{"text": f"第{n}个回答。" + "重庆市城乡低保标准：城市每人每月770元，农村每人每月630元。" * 2}]
        say(page, f"问题{n}")
    BOT.replies["我要申请低保"] = CHOOSE_WHO
    say(page, "我要申请低保")

    seen = page.evaluate("""() => {
        const log = document.getElementById('log').getBoundingClientRect();
        const bar = document.querySelector('.quick').getBoundingClientRect();  // the bottom bar starts here
        const question = [...document.querySelectorAll('.msg.bot')].pop().getBoundingClientRect();
        const buttons = [...document.querySelectorAll('.buttons')].pop().querySelectorAll('button');
        return {logTop: log.top, questionTop: question.top, lastButtonBottom: buttons[buttons.length - 1].getBoundingClientRect().bottom,
                barTop: bar.top, barHeight: window.innerHeight - bar.top};
    }""")
    page.screenshot(path=str(output_dir / "question-360x640.png"))
    assert seen["lastButtonBottom"] <= seen["barTop"], seen  # every button above the bottom bar
    assert seen["questionTop"] >= seen["logTop"], seen        # and the question above them on screen
    assert seen["barHeight"] <= 0.2 * PHONE["height"], seen    # a slim bar: one row of questions and the box

    # What test_chat_in_wechat.py asks of the page still holds: large type and targets, nothing off screen.
    layout = page.evaluate(LAYOUT)
    assert layout["overflow"] <= 0 and layout["formBottom"] <= layout["height"], layout
    assert layout["bot"] >= 20 and layout["input"] >= 20 and layout["smallestButton"] >= 48, layout
    page.evaluate("document.documentElement.style.fontSize = '24px'")
    large = page.evaluate(LAYOUT)
    assert large["smallestButton"] >= 1.4 * 48 and large["overflow"] <= 0 and large["formBottom"] <= large["height"], large


def test_one_turn_at_a_time_with_a_typing_indicator_and_a_retry_after_an_error(chat, output_dir) -> None:
    page, received = chat
    BOT.gate.clear()  # the bot takes its time
    page.fill("#text", "重庆低保标准是多少")
    page.click("#send")
    typing = page.locator(".typing")
    typing.wait_for()
    assert "正在输入" in typing.inner_text() and typing.get_attribute("aria-live") == "polite"
    page.screenshot(path=str(output_dir / "typing-360x640.png"))
    waiting = page.evaluate("""() => ({send: document.getElementById('send').disabled,
                                      box: document.getElementById('text').readOnly || document.getElementById('text').disabled,
                                      quick: [...document.querySelectorAll('[data-say]')].every(b => b.disabled)})""")
    assert waiting == {"send": True, "box": True, "quick": True}, waiting
    # Enter again, a tap on a common question: nothing more is sent while the bot answers.
    page.evaluate("""() => { document.getElementById('text').value = '重庆低保标准是多少';
                            document.getElementById('form').requestSubmit();
                            document.querySelector('[data-say]').click(); }""")
    page.wait_for_timeout(300)
    BOT.gate.set()
    page.wait_for_function(SETTLED)
    assert messages(received) == ["重庆低保标准是多少"]
    assert page.locator(".msg.me").all_inner_texts() == ["重庆低保标准是多少"]
    assert page.locator(".msg.bot").last.inner_text().startswith("收到：重庆低保标准是多少")
    assert page.is_editable("#text") and page.is_enabled("#send")

    # Rasa fails: a plain Chinese error, the page usable again, and 再发一次 sends the same message once more.
    BOT.failing = True
    say(page, "我要申请低保")
    error = page.locator(".msg.err").last
    assert "助手暂时没有回应" in error.inner_text() and "再发一次" in error.inner_text()
    assert page.is_editable("#text") and page.is_enabled("#send")
    page.screenshot(path=str(output_dir / "error-360x640.png"))
    BOT.failing = False
    BOT.replies["我要申请低保"] = CHOOSE_WHO
    page.get_by_role("button", name="再发一次").click()
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length === 3 && {SETTLED}")
    assert messages(received) == ["重庆低保标准是多少", "我要申请低保", "我要申请低保"]
    assert page.locator(".msg.me").all_inner_texts() == ["重庆低保标准是多少", "我要申请低保"]  # said once on screen
    assert page.get_by_role("button", name="再发一次").is_disabled()

    # No answer at all (offline): said plainly too, with the way to a person.
    page.route("**/api/v1/chat/messages", lambda route: route.abort())
    say(page, "还在吗")
    assert "没有收到回复" in page.locator(".msg.err").last.inner_text() and page.is_enabled("#send")
    page.unroute("**/api/v1/chat/messages")


def test_a_used_button_or_one_of_an_earlier_question_does_nothing(chat, output_dir) -> None:
    page, received = chat
    BOT.replies["我要申请低保"] = CHOOSE_WHO
    BOT.replies["给自己"] = [{"text": "您家里一共几口人？", "buttons": [
        {"title": "1", "payload": "1"}, {"title": "2", "payload": "2"}, {"title": "3", "payload": "3"}]}]
    BOT.replies["2"] = [{"text": "请告诉我您的名字。"}]
    say(page, "我要申请低保")

    # A double tap on 给自己 sends it once (today the second tap was saved as the name).
    BOT.gate.clear()
    page.locator(".buttons button", has_text="给自己").dblclick()
    page.wait_for_timeout(300)
    BOT.gate.set()
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length >= 3 && {SETTLED}")
    page.wait_for_timeout(300)
    assert messages(received) == ["我要申请低保", "给自己"]
    first_row = page.locator(".buttons").nth(0)
    assert first_row.evaluate("r => [...r.querySelectorAll('button')].every(b => b.disabled)")
    assert "chosen" in first_row.locator("button", has_text="给自己").get_attribute("class")

    # The person types her answer instead of tapping: once the next question arrives, that row is done too.
    say(page, "2")
    for row in range(2):
        for button in page.locator(".buttons").nth(row).locator("button").all():
            button.click(force=True)  # a tap on an old button
    page.wait_for_timeout(300)
    assert messages(received) == ["我要申请低保", "给自己", "2"]
    assert page.locator(".msg.me").all_inner_texts() == ["我要申请低保", "给自己", "2"]
    # Visibly done: an old button is grey, not the brand red of a live one.
    BOT.replies["3"] = CHOOSE_WHO
    say(page, "3")
    colours = page.evaluate("""() => { const rows = document.querySelectorAll('.buttons');
        const colour = r => getComputedStyle(r.querySelector('button:not(.chosen)')).color;
        return [colour(rows[0]), colour(rows[rows.length - 1])]; }""")
    assert colours[0] != colours[1], colours
    page.screenshot(path=str(output_dir / "used-rows-360x640.png"))


def test_a_reload_restores_the_conversation_and_keeps_its_id(chat, output_dir) -> None:
    page, received = chat
    BOT.replies["我要申请低保"] = CHOOSE_WHO
    BOT.replies["给自己"] = [{"text": "申请人的姓名和身份证号码是多少？"}]
    BOT.replies["张秀英 500103194403150022"] = [{"text": "您的手机号是多少？", "buttons": [
        {"title": "没有手机", "payload": "没有手机"}]}]
    say(page, "我要申请低保")
    page.locator(".buttons button", has_text="给自己").click()
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length === 3 && {SETTLED}")
    say(page, "张秀英 500103194403150022")
    before = page.locator("#log .msg").all_inner_texts()

    page.reload()
    page.wait_for_function("document.querySelectorAll('#log .msg').length > 1")
    after = page.locator("#log .msg").all_inner_texts()
    assert after == [t.replace("500103194403150022", "5001**********0022") for t in before], (before, after)
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "500103194403150022" not in stored  # the ID number is not kept in the browser
    # The old row stays done; the last question's button still answers it, from the same conversation.
    assert page.locator(".buttons").nth(0).evaluate("r => [...r.querySelectorAll('button')].every(b => b.disabled)")
    page.screenshot(path=str(output_dir / "reloaded-360x640.png"))
    page.locator(".buttons button", has_text="没有手机").click()
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length === 5 && {SETTLED}")
    assert messages(received)[-1] == "没有手机"
    assert len({r["sender"] for r in received}) == 1


@pytest.mark.parametrize("width,height", [(360, 640), (1280, 800)])
def test_the_read_back_has_one_item_a_line_each_with_its_own_fix_button(chat, output_dir, width, height) -> None:
    page, received = chat
    page.set_viewport_size({"width": width, "height": height})
    BOT.replies["对"] = [{"text": READ_BACK, "buttons": [{"title": t, "payload": t} for t in [*FIXES, "改住址"]]
                          + [{"title": "确认提交", "payload": "/affirm"}, {"title": "有错要改", "payload": "/deny"}]}]
    say(page, "对")
    lines = page.evaluate("""() => [...document.querySelectorAll('.msg.bot.readback .line')].map(line => {
        const box = line.getBoundingClientRect(), fix = line.querySelector('button.fix');
        const b = fix && fix.getBoundingClientRect(), bubble = line.closest('.msg').getBoundingClientRect();
        return {text: line.querySelector('span').textContent, fix: fix && fix.getAttribute('aria-label'),
                top: box.top, inLine: !fix || (b.top >= box.top - 1 && b.bottom <= box.bottom + 1),
                atEnd: !fix || bubble.right - b.right < 40, w: fix && b.width, h: fix && b.height};
    })""")
    page.screenshot(path=str(output_dir / f"read-back-{width}x{height}.png"))
    assert [line["text"] for line in lines] == READ_BACK.split("\n")
    assert [line["fix"] for line in lines] == [None, None, *FIXES, None]
    assert all(a["top"] < b["top"] for a, b in zip(lines, lines[1:])), lines  # one item a line
    for line in lines:
        assert line["inLine"] and line["atEnd"], line
        assert line["fix"] is None or (line["w"] >= 44 and line["h"] >= 44), line
    # A 改 without its line (no "住址：" here) is never lost: it stays with the other buttons below.
    assert page.locator(".buttons").last.locator("button").all_inner_texts() == ["改住址", "确认提交", "有错要改"]

    page.get_by_role("button", name="改每月收入").click()
    page.wait_for_function(SETTLED)
    assert messages(received)[-1] == "改每月收入"

    # Without 改 buttons a message is shown as it was said, its buttons below.
    BOT.replies["再看看"] = [{"text": READ_BACK, "buttons": [{"title": "确认提交", "payload": "/affirm"}]}]
    say(page, "再看看")
    assert page.locator(".msg.bot").last.evaluate("m => m.classList.contains('readback')") is False
    assert page.locator(".msg.bot").last.inner_text().strip() == READ_BACK


FAKE_SPEECH = """(() => {
  window.__spoken = [];
  const voices = %s;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const synth = { speaking: false, getVoices: () => voices, cancel() {}, addEventListener() {},
                  speak(u) { window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}); } };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();"""


def test_read_aloud_shows_only_where_there_is_a_chinese_voice(chat, browser, site, output_dir) -> None:
    page, _ = chat
    say(page, "低保标准是多少")
    page.wait_for_timeout(500)  # voices arrive late where they arrive at all
    has_zh = page.evaluate("() => !!window.speechSynthesis && speechSynthesis.getVoices().some(v => /^(zh|cmn)/i.test(v.lang))")
    assert page.locator(".speak:visible").count() == (2 if has_zh else 0)

    for voices, shown in (("[{name: 'Samantha', lang: 'en-US'}]", False),
                          ("[{name: 'Samantha', lang: 'en-US'}, {name: 'Tingting', lang: 'zh-CN'}]", True)):
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        context.add_init_script(FAKE_SPEECH % voices)
        phone = context.new_page()
        phone.goto(site[0] + "/")
        say(phone, "低保标准是多少")
        assert phone.locator(".speak:visible").count() == (2 if shown else 0), voices
        if shown:
            phone.locator(".turn").last.locator(".speak").click()
            phone.screenshot(path=str(output_dir / "read-aloud-360x640.png"))
            assert phone.evaluate("window.__spoken") == [{"text": "收到：低保标准是多少", "lang": "zh-CN", "voice": "Tingting"}]
        context.close()


def test_an_offer_before_a_question_asked_again_stays_live(chat, output_dir) -> None:
    """Seen by a tester: after an unusable answer the bot offers 找工作人员 / 先放一放 and asks the question again
    in a second message without buttons; the offer's buttons were greyed out at once."""
    page, received = chat
    BOT.replies["我要申请低保"] = [{"text": "这个问题好像不好答，不怪您。", "buttons": [
        {"title": "找工作人员", "payload": "/request_human"}, {"title": "先放一放", "payload": "/stop"}]},
        {"text": "全家一个月大概有多少收入？"}]
    BOT.replies["/stop"] = [{"text": "好的，先放一放。"}]
    say(page, "我要申请低保")
    offer = page.locator(".buttons").last
    assert offer.evaluate("r => [...r.querySelectorAll('button')].every(b => !b.disabled)")
    offer.locator("button", has_text="先放一放").click()
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length >= 3 && {SETTLED}")
    assert messages(received)[-1] == "/stop"


def test_a_paste_longer_than_the_box_takes_is_said_not_cut_in_silence(chat, output_dir) -> None:
    """A grandson pasted 2,820 characters: the box kept 1,000 and said nothing, and the rest of his story
    was lost. Now the page says so under the box, and the note goes once the message is sent."""
    page, received = chat
    story = "我奶奶申请低保好几个星期了都没人来家里看，" * 140
    note = page.locator("#toolong")
    assert note.is_hidden()
    page.focus("#text")
    page.evaluate("""(text) => {
        const box = document.getElementById('text');
        const data = new DataTransfer(); data.setData('text/plain', text);
        const paste = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
        if (box.dispatchEvent(paste)) { box.value = text.slice(0, box.maxLength); box.dispatchEvent(new Event('input')); }
    }""", story)
    page.wait_for_function("!document.getElementById('toolong').hidden")
    assert "一次最多1000个字" in note.inner_text() and "分几次发" in note.inner_text()
    page.screenshot(path=str(output_dir / "too-long-390.png"))
    page.click("#send")
    page.wait_for_function(f"document.getElementById('toolong').hidden && document.querySelectorAll('.msg.bot').length > 0 && {SETTLED}")
    assert len(messages(received)) == 1 and 0 < len(messages(received)[0]) <= 1000
