"""The intent blend after DIET (bot/intent_blend.py): trained on the intent examples, stored in the model, and
where DIET is sure of a phrasing it learnt by heart but the n-grams say otherwise, the blend decides."""
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_blend import IntentBlend

LINES = {
    "complain": ["我要投诉", "工作人员态度太差了", "社区的人吃拿卡要", "他们优亲厚友 我要举报", "办事的人刁难我",
                 "投诉街道的人不给办", "村干部要好处才给办", "他们拖着不办 我要反映"],
    "query_payment": ["钱到账没得", "这个月的低保钱发了没", "补助好久打到卡上", "钱什么时候发", "我的钱到了没有",
                      "救助金到账了吗", "这个月怎么没发钱", "卡上还没看到钱"],
    "greet": ["你好", "喂 有人没得", "在吗", "您好", "早上好", "哈喽", "有人在吗", "喂喂"],
}


def tokenized(tokenizer, text, intent=None):
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    tokenizer.process([message])
    return message


def diet_says(message, intent, confidence):
    rest = (1 - confidence) / 2
    others = [n for n in LINES if n != intent]
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence},
                                     *({"name": n, "confidence": rest} for n in others)])


def test_the_blend_is_trained_stored_and_overrules_a_confident_wrong_reading(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_blend")
    context = ExecutionContext(graph_schema=None, model_id="1")
    tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), storage, Resource("jieba"), context)
    data = TrainingData([tokenized(tokenizer, t, i) for i, lines in LINES.items() for t in lines])
    config = {**IntentBlend.get_default_config(), "diet_weight": 0.3, "C": 50}
    IntentBlend.create(config, storage, resource, context).train(data)
    blend = IntentBlend.load(config, storage, resource, context)

    message = tokenized(tokenizer, "街道上的人态度差得很 吃拿卡要")
    diet_says(message, "query_payment", 0.6)  # DIET fairly sure, and wrong
    blend.process([message])
    assert message.get(INTENT)["name"] == "complain"
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "complain" and ranking[0]["confidence"] == message.get(INTENT)["confidence"]
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6  # still a distribution the fallback can judge

    sure = tokenized(tokenizer, "你好")
    diet_says(sure, "greet", 0.98)
    blend.process([sure])
    assert sure.get(INTENT)["name"] == "greet" and sure.get(INTENT)["confidence"] > 0.5


def test_a_model_without_intents_keeps_diets_reading(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_blend")
    context = ExecutionContext(graph_schema=None, model_id="1")
    blend = IntentBlend.load(IntentBlend.get_default_config(), storage, resource, context)
    message = Message(data={TEXT: "你好"})
    diet_says(message, "greet", 0.9)
    blend.process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.9}


def blend_trained(tmp_path, **config):
    tmp_path.mkdir()
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_blend")
    context = ExecutionContext(graph_schema=None, model_id="1")
    tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), storage, Resource("jieba"), context)
    data = TrainingData([tokenized(tokenizer, t, i) for i, lines in LINES.items() for t in lines])
    config = {**IntentBlend.get_default_config(), "diet_weight": 0.0, "C": 50, **config}
    IntentBlend.create(config, storage, resource, context).train(data)
    return tokenizer, IntentBlend.load(config, storage, resource, context)


def test_a_line_typed_in_homophones_is_read_by_its_sound(tmp_path):
    # "偷速接倒" for 投诉街道: voice input's slips share no character with the training lines, only their syllables.
    said = "偷速接倒"
    for weight, expected in ((0.0, False), (1.5, True)):
        tokenizer, blend = blend_trained(tmp_path / str(weight), pinyin_weight=weight)
        message = tokenized(tokenizer, said)
        diet_says(message, "greet", 0.4)
        blend.process([message])
        assert (message.get(INTENT)["name"] == "complain") is expected, weight
