"""While a helper's paper 授权委托书 is still to come (the person filed for has no phone; session 9, helper G5).

A grid worker at the photo step asked "入户核查是哪个来做", "入户调查是社区的人来还是街道的人来", "授权书", and each time heard
only "还没有交上去的申请。您填过的都存着…"; "委托书拿到街道窗口 收了是不是就算交了？还要上来说继续不" was filed as a complaint;
"算了 我现在拍一张试一下" heard "好的。还有别的要帮忙的吗？" with no link. Here: her question is answered (the words'
answer from the backend, the visit's time limits and who comes), then what is still missing is said — the photo, or the
form taken to the window, and "继续" afterwards — and a wish to photograph it now gets the upload link again."""

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import drafts, fallback

# "拿到窗口 收了是不是就算交了", "交到社区就行了吗", "还要我再上来说继续不": the paper form taken to the window, asked about.
TAKEN = re.compile(r"(拿|带|送|交|递)(到|去|给)?.{0,12}(窗口|社区|街道|乡镇|民政)")
COUNTS = re.compile(r"算(是)?交|就算|算不算|算数|就行|可以不|行不行|行不|要不要|还要|再上来|再来|继续|交上去|交了")
ABOUT_FORM = re.compile(r"委托书|授权书|那张纸|纸的")
# "我现在拍一张试一下", "那我拍了传", "链接再发一下": the photo now, the link again.
SHOOT_NOW = re.compile(r"(现在|马上|这就|这下|那我|我来|试一?下).{0,6}(拍|传|照)|(拍|传|照)(一张|一下|了传|来试|个试)|"
                       r"(链接|网页|拍照的地方|上传的地方|按钮).{0,6}(再|重新)?(发|给)")
QUESTION = re.compile(r"[?？]|吗|嘛|呢|不$|没有?$|是不是|算不算|要不要|还要|能不能|可不可以|怎么|咋|啥子|什么|哪个|哪里|哪点|"
                      r"谁|好久|多久|几时|哪天|行不行|对不对")


def waiting(tracker: Tracker) -> bool:
    """Her application waits for the paper form of a person with no phone (no delegation held yet)."""
    return bool(tracker.get_slot(drafts.NO_PHONE) and not tracker.get_slot("delegation_id"))


def asks_window(text: str) -> bool:
    """Whether taking the paper form to the window counts, and whether she must come back: asked, not complained."""
    return bool(ABOUT_FORM.search(text) and TAKEN.search(text) and COUNTS.search(text)) or bool(
        TAKEN.search(text) and re.search(r"继续|交上去|算交|算是交", text) and QUESTION.search(text))


def wants_link(text: str) -> bool:
    return bool(SHOOT_NOW.search(text))


def is_question(text: str) -> bool:
    return bool(QUESTION.search(text.strip()))


async def answer(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """Her question about the paper form or anything the backend answers from the words; False: none of these."""
    if asks_window(text):
        dispatcher.utter_message(response="utter_paper_window_then")
        return True
    if wants_link(text) and waiting(tracker):
        await drafts.say_paper_way(dispatcher, tracker)
        return True
    if drafts.asks_paper_upload(text):
        await drafts.answer_paper_upload(dispatcher, tracker)
        return True
    return await fallback.answered_from_words(dispatcher, text)


def remind(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """What is still missing before her application can be handed in (only while the paper form is to come)."""
    if waiting(tracker):
        dispatcher.utter_message(response="utter_paper_still_missing",
                                 applicant_name=tracker.get_slot("applicant_name") or "本人")
