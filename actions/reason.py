"""A question asked where the application's reason is asked is not the reason ("对了低保和特困能一起拿不" was read back as
原因：对了低保和特困能一起拿不, and so was "不是原因 我是问你…"). It is answered where the backend can answer it from the
words (actions/fallback.py), else said plainly to be asked again after the form; the reason is asked again."""

import re

from rasa_sdk.executor import CollectingDispatcher

from actions import fallback

# "问下…", "请问…", "对了…能不能…", "不是原因 我是问你…", "你先回答我": a question in so many words.
ASKS = re.compile(r"^(?:对了|那|诶|欸|哦)?[，,\s]*(?:问下|问一下|问哈|请问|我想问|想问|我问)|不是原因|不是说原因|我是问|我问的是|"
                  r"我在问|先回答|回答我|^对了.{0,12}(?:能不能|可不可以|可以不|是不是|有没有)")
# Ending in 吗 or a question mark: a question, however long.
ENDS_ASKING = re.compile(r"(?:吗|么|[？?])[\s。.!！~～]*$")
# Ending in 不 (a verb asked yes or no: "能一起拿不", "可以同时享受不"), or 呢 / 嘛, which a reason may end in too
# ("还要供娃儿读书呢", "没得钱嘛", "不晓得咋个过下去了嘛"): a question only with a question's own words in it.
ENDS_YES_NO = re.compile(r"(?:(?:能|可以|会|得行)[^\s，,。]{0,8}不)[\s。.!！~～]*$")
ENDS_MAYBE = re.compile(r"(?:不|没|没有|呢|嘛|噻)[\s。.!！~～]*$")
QUESTION_WORDS = re.compile(r"能不能|可不可以|可以不|会不会|是不是|有没有|要不要|算不算|多少|好多钱|几个|多久")
# "吃了低保还能不能再领特困": a kind of help named with 能不能 and nothing else, short: a question with no particle.
NAMES_HELP = re.compile(r"低保|特困|五保|救助|补助|补贴|标准|政策")
ASKING = re.compile(r"能不能|可不可以|可以不|是不是|有没有|要不要|算不算")
SHORT = 20


def is_question(text: str) -> bool:
    """Whether a message said at the reason question asks something instead of giving the reason."""
    t = text.strip()
    if re.match(r"^(?:原因|理由)(?:就)?是", t):
        return False  # "原因是他六十几了一个人…": the reason, whatever it ends in
    if ASKS.search(t) or ENDS_ASKING.search(t):
        return True
    if ENDS_YES_NO.search(t) or ENDS_MAYBE.search(t) and QUESTION_WORDS.search(t):
        return True
    return len(re.sub(r"\s", "", t)) <= SHORT and bool(NAMES_HELP.search(t) and ASKING.search(t))


async def asked_instead(text: str, dispatcher: CollectingDispatcher) -> bool:
    """True when the message is a question: answered from the words where the backend can, else said to be asked
    again after the form (never kept as the reason)."""
    if not is_question(text):
        return False
    if not await fallback.answered_from_words(dispatcher, text):
        dispatcher.utter_message(response="utter_reason_question_later")
    return True
