"""Pinyin initials spelled out before the NLU (bot/shorthand.py): the fifth tester round's grandson."""
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.shorthand import Shorthand, spell_out


@pytest.mark.parametrize(("typed", "read"), [
    ("帮nn sq db", "帮奶奶 申请 低保"), ("nn要sq db", "奶奶要申请 低保"), ("查下nn的jd", "查下奶奶的进度"), ("jd", "进度"),
    ("zrg", "转人工"), ("NN一个人住 养老金900", "奶奶一个人住 养老金900"), ("我yy要申请tk", "我爷爷要申请特困"),
    ("lsjz能给好多", "临时救助能给好多"),
])
def test_initials_are_spelled_out(typed: str, read: str) -> None:
    assert spell_out(typed) == read


@pytest.mark.parametrize("typed", ["/apply_assistance", '/inform{"assistance_type": "db"}', "dbq", "hello", "jdk是啥",
                                   "我叫张秀英", "13912345678", ""])
def test_everything_else_is_left_as_typed(typed: str) -> None:
    assert spell_out(typed) == typed


def test_the_component_rewrites_what_the_nlu_reads() -> None:
    messages = Shorthand().process([Message({TEXT: "nn要sq db"}), Message({TEXT: "/greet"})])
    assert [m.get(TEXT) for m in messages] == ["奶奶要申请 低保", "/greet"]
    assert messages[0].as_dict(only_output_properties=True)[TEXT] == "奶奶要申请 低保"
