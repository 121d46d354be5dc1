"""The web chat page inside WeChat's in-app browser: the page a 公众号 menu opens.

WeChat opens links in its own browser (XWeb on Android, WKWebView on iOS) with its user agent, on a
phone-sized screen, and older people there often set WeChat's 字体大小 to large. The page must work
there — a real conversation through the running stack — and its large type must grow with the
reader's font size, not stay fixed in pixels, without anything spilling off the screen.
"""

import pytest

pytestmark = pytest.mark.e2e

# An Android WeChat 8.0 user agent (XWeb), as the in-app browser sends it.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2196A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
             "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")

LAYOUT = """() => {
  const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]);
  const form = document.getElementById('form').getBoundingClientRect();
  const buttons = [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null);
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    formBottom: form.bottom, height: window.innerHeight,
    bot: px(document.querySelector('.msg.bot'), 'fontSize'),
    input: px(document.getElementById('text'), 'fontSize'),
    smallestButton: Math.min(...buttons.map(b => b.getBoundingClientRect().height)),
  };
}"""


@pytest.fixture
def wechat_page(browser):
    context = browser.new_context(locale="zh-CN", user_agent=WECHAT_UA, viewport={"width": 360, "height": 640},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def _say(page, text: str, expect_count: int) -> str:
    page.fill("#text", text)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length >= {expect_count}", timeout=60_000)
    return page.locator(".msg.bot").all_inner_texts()[expect_count - 1]


def test_the_chat_works_in_wechats_browser_with_large_type(stack, wechat_page, output_dir) -> None:
    page = wechat_page
    page.goto(stack.base_url + "/")
    assert page.evaluate("navigator.userAgent").endswith("ABI/arm64")
    answer = _say(page, "我在重庆，低保一个月给好多钱", 2)
    assert "770元" in answer

    normal = page.evaluate(LAYOUT)
    page.screenshot(path=str(output_dir / "chat-in-wechat.png"))
    assert normal["overflow"] <= 0, normal                  # nothing wider than the phone
    assert normal["formBottom"] <= normal["height"], normal  # the typing box is on screen
    assert normal["bot"] >= 20 and normal["input"] >= 20, normal  # large type (≥16 px also stops iOS zooming in)
    assert normal["smallestButton"] >= 48, normal          # large targets

    # The reader's larger font setting (the root font size) makes the type and the targets grow.
    page.evaluate("document.documentElement.style.fontSize = '24px'")
    large = page.evaluate(LAYOUT)
    page.screenshot(path=str(output_dir / "chat-in-wechat-large-type.png"))
    assert large["bot"] >= 1.4 * normal["bot"] and large["input"] >= 1.4 * normal["input"], (normal, large)
    assert large["smallestButton"] >= 1.4 * 48, large
    assert large["overflow"] <= 0 and large["formBottom"] <= large["height"], large

    # And the conversation goes on at that size.
    assert _say(page, "我能申请啥子救助", 3).strip()
