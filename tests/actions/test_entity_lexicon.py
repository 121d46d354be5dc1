"""The NLU's entity clean-up after DIET (bot/entities.py): canonical values, words DIET missed, no false money."""
import pytest

from bot.entities import EntityLexicon


@pytest.fixture(scope="module")
def lexicon():
    return EntityLexicon(EntityLexicon.get_default_config())


def pairs(lexicon, text, intent, entities=()):
    return sorted((e["entity"], e["value"]) for e in lexicon.clean(text, intent, [dict(e) for e in entities]))


def diet(text, entity, word, value=None):
    start = text.index(word)
    return {"entity": entity, "start": start, "end": start + len(word), "value": value or word}


def test_a_span_that_names_no_value_is_mapped_or_dropped(lexicon):
    text = "特困要带些啥子东西"
    assert pairs(lexicon, text, "ask_policy", [diet(text, "policy_aspect", "带些")]) == [
        ("assistance_type", "特困"), ("policy_aspect", "材料")]
    text = "给我妈办特困"
    assert ("relation", "父母") in pairs(lexicon, text, "apply_assistance", [diet(text, "relation", "妈办")])
    text = "想问那个低包要什么条件"
    assert ("assistance_type", "低") not in pairs(lexicon, text, "ask_policy", [diet(text, "assistance_type", "低")])
    assert ("assistance_type", "低保") in pairs(lexicon, text, "ask_policy", [diet(text, "assistance_type", "低")])


def test_aspect_only_on_a_policy_question_and_found_when_missed(lexicon):
    text = "我的临时救助钱好久到卡上"
    assert ("policy_aspect", "时限") not in pairs(lexicon, text, "query_payment", [diet(text, "policy_aspect", "好久", "时限")])
    assert ("policy_aspect", "资产") in pairs(lexicon, "存款超过好多就吃不到低保了", "ask_policy")
    assert ("policy_aspect", "时限") in pairs(lexicon, "特困批下来要好久", "ask_policy")


def test_places_of_the_whole_country_and_typos_of_types(lexicon):
    assert ("region", "成都") in pairs(lexicon, "成都市低保好多钱", "ask_policy")
    assert ("region", "姑苏区") in pairs(lexicon, "我在姑苏区住", "inform")
    assert ("region", "江北区") in pairs(lexicon, "江北那边", "inform")
    assert ("assistance_type", "临时救助") in pairs(lexicon, "我要审请零时救助", "apply_assistance")
    assert ("assistance_type", "低保") in pairs(lexicon, "滴保咋个办", "ask_policy")
    text = "帮张德福报个低保 他住石马河街道"
    assert ("region", "街道") not in pairs(lexicon, text, "apply_assistance", [diet(text, "region", "街道")])


def test_kin_words_but_not_titles(lexicon):
    assert ("relation", "孙子女") in pairs(lexicon, "我跟孙伢两个人", "inform")
    assert ("relation", "父母") in pairs(lexicon, "俺娘八十了", "check_eligibility")
    assert not any(e == "relation" for e, _ in pairs(lexicon, "帮沈桂珍奶奶查一下", "query_progress"))
    assert not any(e == "relation" for e, _ in pairs(lexicon, "我帮一位独居奶奶问问", "check_eligibility"))
    assert ("relation", "祖父母/外祖父母") in pairs(lexicon, "我要帮我奶奶问问", "check_eligibility")
    assert ("relation", "兄弟姐妹") not in pairs(lexicon, "谢了啊老妹儿", "thank")


def test_names_made_whole_and_found_after_words_that_name(lexicon):
    text = "我叫王秀英"
    assert pairs(lexicon, text, "inform", [diet(text, "person_name", "秀英")]) == [("person_name", "王秀英")]
    assert pairs(lexicon, "老人家叫邓有才", "inform") == [("person_name", "邓有才")]
    assert pairs(lexicon, "何美玲", "inform") == [("person_name", "何美玲")]
    assert pairs(lexicon, "莫得收入", "inform") == []
    text = "我想要张证明"
    assert pairs(lexicon, text, "request_certificate", [diet(text, "person_name", "张")]) == []


def test_amounts_whole_never_an_age_a_count_or_a_phone(lexicon):
    text = "上个月到账六百八"
    assert pairs(lexicon, text, "query_payment", [diet(text, "amount", "六百")]) == [("amount", "六百八")]
    assert pairs(lexicon, "已经花了十万医院还在催", "report_emergency") == [("amount", "十万")]
    text = "周大爷七十六了"
    assert pairs(lexicon, text, "inform", [diet(text, "amount", "七十六")]) == []
    assert pairs(lexicon, "打了十几回电话", "complain") == []
    assert pairs(lexicon, "我一个月两千三 屋里三口人", "inform") == [("amount", "两千三")]
    assert pairs(lexicon, "十万火急", "report_emergency") == []
    text = "打15683427109找我"
    assert ("amount", "15683427109") not in pairs(lexicon, text, "inform", [diet(text, "amount", "15683427109")])


@pytest.mark.parametrize(("text", "kept"), [
    ("我有个儿子在广东打工 好多年不管我了", []), ("女儿嫁到上海去了", []),
    ("我在重庆渝中区 是我儿子在广东", ["渝中区", "重庆"]), ("广东低保标准多少", ["广东"]),
])
def test_a_relatives_place_is_not_hers(lexicon, text, kept):
    """A tester's pre-check moved to 广东 after "我有个儿子在广东打工", even when DIET tagged it."""
    tagged = [diet(text, "region", "广东")] if "广东" in text else []
    assert sorted(v for e, v in pairs(lexicon, text, "inform", tagged) if e == "region") == sorted(kept)


def test_everyday_words_that_begin_with_a_surname_are_never_names(lexicon):
    text = "你是工作人员还是程序啊"
    assert pairs(lexicon, text, "bot_challenge", [diet(text, "person_name", "程序")]) == []
    assert pairs(lexicon, "对面是人还是程序", "bot_challenge") == []
    assert pairs(lexicon, "程序", "inform") == []


def test_dialect_kin_words_name_the_relation(lexicon):
    assert pairs(lexicon, "帮我阿嬷办个低保", "apply_assistance") == [("assistance_type", "低保"),
                                                                      ("relation", "祖父母/外祖父母")]
    assert ("relation", "父母") in pairs(lexicon, "给额大办个特困", "apply_assistance")
