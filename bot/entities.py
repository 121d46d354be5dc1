"""Entity clean-up after DIET: closed-class values made canonical, the words DIET missed found by lexicon.

DIET tags spans well on phrasings it has seen and badly on others: "带些" tagged as a policy aspect, "低" as an
assistance type, "妈办" as a relation, "成都" or "姑苏区" not at all. What people name in these four entities is a
closed or listed class, so after the `EntitySynonymMapper` this component

1. maps a value that is not canonical to the canonical value of the longest lexicon word inside its span ("妈办"
   → 父母, "带些啥子" → 材料), and drops it where the span holds none ("低", "的", "人才");
2. keeps `policy_aspect` only on a policy question (the aspect is what a policy question asks; on "我的钱好久到"
   it would be noise) and, on a policy question with none, finds it in the words ("要好久" → 时限);
3. adds what the lexicon finds in the words where DIET tagged nothing of that entity at that place: assistance
   types and their typos, kinship words, and every province, city, district and county of the country from the
   gazetteer the backend serves (`backend/regions/data/gazetteer.csv.gz`), with 街道 and 镇 names;
4. drops kinship words used as a title after a name or a counter ("沈桂珍奶奶", "一位独居奶奶").

The lexicon is `nlu-data/synonyms.yml` (one owner of which words mean which value, also used by the synonym
mapper) plus the gazetteer; nothing is learnt, so the component needs no training and the model stores nothing.
"""
from __future__ import annotations

import csv
import gzip
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ROOT = Path(__file__).resolve().parent.parent
EXTRACTOR = "EntityLexicon"

CANONICAL = {
    "assistance_type": ["低保", "特困", "低保边缘", "临时救助", "医疗救助", "教育救助", "住房救助", "就业救助", "刚性支出困难"],
    "relation": ["配偶", "子女", "父母", "孙子女", "兄弟姐妹", "本人", "祖父母/外祖父母", "儿媳", "其他"],
    # Where one span could name two aspects ("存款超过多少"), the first of this order wins.
    "policy_aspect": ["资产", "时限", "材料", "流程", "条件", "标准"],
}
# Words of the lexicon too short or too common to be looked for in free text; they still map a DIET span.
NOT_SCANNED = {
    "assistance_type": {"廉租房", "公租房", "危房改造", "住房补贴", "助学", "助学金", "低边", "渝"},
    "relation": {"儿", "女", "娃", "妈", "爸", "哥", "姐", "婆婆", "自己", "我自己", "本人", "其他", "男人", "老汉", "东西",
                 "亲戚", "邻居", "阿婆", "阿爷", "小孩"},
    "region": {"渝", "沙区"},
}
WHO_QUALIFIES = re.compile(r"能不能|可不可以|可以不|能否|能吃|能办|能申请|算不算|影不影响|影响")
SCANNED_ENTITIES = ("assistance_type", "relation", "region")
# A kinship word then one of these before a place: the relative's place ("儿子在广东", "女儿去了上海").
ELSEWHERE_VERB = re.compile(r"(?:在|去了|去|到|跑到|跑去|嫁到|嫁去)$")
# "沈桂珍奶奶", "一位独居奶奶", "那个大爷": a title, not the speaker's relative.
TITLE_BEFORE = re.compile(r"(位|个|名|独居|孤寡|留守|五保|空巢)$")
TITLE_WORDS = {"奶奶", "爷爷", "婆婆", "外婆", "外公", "大爷", "大妈", "阿姨", "姥姥", "姥爷"}
# A possessive before a one-character kinship word makes it one ("俺娘", "额妈", "阿拉爸").
KIN_CHAR = {"妈": "父母", "娘": "父母", "爸": "父母", "爹": "父母", "哥": "兄弟姐妹", "姐": "兄弟姐妹",
            "弟": "兄弟姐妹", "妹": "兄弟姐妹", "儿": "子女", "女": "子女", "崽": "子女", "囡": "子女"}
KIN_OWNER = re.compile(r"(我|俺|额|阿拉|我们|咱|他|她|伊|佢|我家|俺家)(" + "|".join(KIN_CHAR) + r")(?![子儿女婿媳妇])")
# City short names that are everyday words.
CITY_NOT_SHORTENED = {"东方", "安康", "中山", "吉林", "白山", "三沙", "阿里", "长治", "海东", "通化", "新余", "玉林"}
# A region DIET cut down to its suffix ("石马河街道" → "街道") names nothing.
NOT_PLACES = {"街道", "镇", "乡", "村", "区", "县", "市", "省", "社区", "街道办", "农村", "城里", "乡下"}
# The common surnames (with the double ones); a name is a surname and one or two characters.
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
               "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
               "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
               "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
               "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
SURNAMES2 = {"欧阳", "司马", "诸葛", "上官", "慕容", "令狐", "东方", "夏侯", "皇甫", "尉迟", "长孙", "宇文", "司徒", "端木"}
HAN = r"\u4e00-\u9fff"
# "叫王秀英" "名字是王秀英" "帮周明富申请": a name after these words, before a pause or these words.
NAME_AFTER = re.compile(rf"(?:叫|名字是|名字叫|姓名是?|户主是?|老人是|我系|我是|是)([{HAN}]{{2,4}}?)(?=$|[\s，。,.!！?？]|今年|住|身份证|电话|不是|的|，|嘛|哦|啊|呀|\d)")
NAME_HELPED = re.compile(rf"(?:帮|给|替)([{HAN}]{{3}})(?=申请|报|查|提交|做|办|签|问|弄|认证|刷脸)")
# Everyday words that begin with a surname ("你是人还是程序", "马上", "高兴"): never a name.
COMMON_WORDS = {"程序", "马上", "高兴", "方便", "安排", "明白", "周末", "金额", "钱包", "黄金", "白天", "毛病", "吴语",
                "江边", "向前", "于是", "许多", "文件", "时间", "万一", "成功"}
NOT_NAME_PARTS = re.compile(r"[我你他她俺们这那个的了是不没在要想啥么哪谁家人老公婆爷奶妈爸儿女子孙得收钱冇证]")
NAME_STOPS = "申报查提做办签问弄的今住身电是不，,。 "
# Money: a figure with 百/千/万 in it, or any figure said with 块/元/钱; never an age or a count.
NUM = "零一二三四五六七八九十两百千万几来多"
AMOUNT_RUN = re.compile(rf"\d[\d,，]*(?:\.\d+)?|[{NUM}]+")
UNIT = re.compile(r"块钱|块|元|钱")
COUNTERS = "岁回次趟遍个天年月号口人斤头楼位间套辆亩周点分"
PLACE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _synonyms(path: Path) -> Dict[str, Dict[str, str]]:
    """entity → {surface word: canonical value}, from the synonym file and the canonical values themselves."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table: Dict[str, Dict[str, str]] = {e: {v: v for v in values} for e, values in CANONICAL.items()}
    table["region"] = {}
    for item in data.get("nlu", []):
        value = item.get("synonym")
        if not value:
            continue
        entity = next((e for e, values in CANONICAL.items() if value in values), "region")
        for line in (item.get("examples") or "").splitlines():
            word = line.strip().lstrip("-").strip()
            if word:
                table[entity][word] = value
        table[entity].setdefault(value, value)
    return table


def _gazetteer(path: Path) -> Dict[str, str]:
    """Place word → value: provinces and cities as said without 省/市 ("成都市" → 成都), districts and counties
    by their full names, streets and towns by their full names (街道, 镇)."""
    places: Dict[str, str] = {}
    if not path.exists():
        return places
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name, level = row["name"], row["level"]
            if level in ("province", "city"):
                short = name
                for suffix in PLACE_SUFFIXES:
                    if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                        short = name[: -len(suffix)]
                        break
                places[name] = short
                if short not in CITY_NOT_SHORTENED and not short.endswith(("地区", "自治州", "盟")):
                    places.setdefault(short, short)
            elif level == "district" and len(name) >= 3:
                places.setdefault(name, name)
            elif level == "street" and len(name) >= 3 and name.endswith(("街道", "镇")):
                places.setdefault(name, name)
    return places


@lru_cache(maxsize=4)
def _lexicon(synonyms_path: str, gazetteer_path: str) -> Dict[str, Dict[str, str]]:
    table = _synonyms(Path(synonyms_path))
    regions = _gazetteer(Path(gazetteer_path))
    regions.update(table["region"])  # our own short forms ("江北" → 江北区) win
    table["region"] = regions
    return table


def _ranked(entity: str, value: str) -> int:
    values = CANONICAL.get(entity)
    return values.index(value) if values and value in values else 0


def _find(words: Dict[str, str], text: str, entity: str, scanned_only: bool) -> List[Tuple[int, int, str]]:
    """Non-overlapping lexicon words in `text`, longest first (then by the aspect order): (start, end, value)."""
    skip = NOT_SCANNED.get(entity, set()) if scanned_only else set()
    hits = []
    for word, value in words.items():
        if word in skip or (scanned_only and len(word) < 2) or word not in text:
            continue  # a plain containment test first: the lexicon holds ~45,000 place names
        for m in re.finditer(re.escape(word), text):
            hits.append((m.start(), m.end(), value))
    hits.sort(key=lambda h: (-(h[1] - h[0]), _ranked(entity, h[2]), h[0]))
    chosen: List[Tuple[int, int, str]] = []
    for h in hits:
        if all(h[1] <= c[0] or h[0] >= c[1] for c in chosen):
            chosen.append(h)
    return sorted(chosen)


def _overlaps(start: int, end: int, entities: Iterable[Dict[str, Any]]) -> bool:
    return any(start < e.get("end", 0) and e.get("start", 0) < end for e in entities)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityLexicon(GraphComponent):
    """See the module docstring. Config: `synonyms` and `gazetteer`, paths relative to the repository root."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"synonyms": "nlu-data/synonyms.yml", "gazetteer": "backend/regions/data/gazetteer.csv.gz"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.words = _lexicon(str(ROOT / config["synonyms"]), str(ROOT / config["gazetteer"]))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EntityLexicon":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            entities = self.clean(text, intent, list(message.get(ENTITIES) or []))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def clean(self, text: str, intent: Optional[str], entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        kept: List[Dict[str, Any]] = []
        for e in entities:
            entity, value = e.get("entity"), e.get("value")
            if entity == "policy_aspect" and intent != "ask_policy":
                continue
            if entity in CANONICAL and value not in CANONICAL[entity]:
                span = text[e.get("start", 0):e.get("end", 0)] or str(value)
                found = _find(self.words[entity], span, entity, scanned_only=False)
                if not found:
                    continue
                e = {**e, "value": found[0][2]}
            elif entity == "region" and isinstance(value, str):
                if value in NOT_PLACES:
                    continue
                e = {**e, "value": self.words["region"].get(value, value)}
            elif entity in ("phone", "id_number") and isinstance(value, str):
                value = re.sub(r"[\s\-—]", "", value)
                if not value:
                    continue
                e = {**e, "value": value}
            if entity == "relation" and self._title(text, e):
                continue
            kept.append(e)
        if intent == "ask_policy" and not any(e["entity"] == "policy_aspect" for e in kept):
            found = _find(self.words["policy_aspect"], text, "policy_aspect", scanned_only=True)
            if found:
                best = min(found, key=lambda h: _ranked("policy_aspect", h[2]))
                kept.append(self._entity("policy_aspect", text, *best))
            else:
                m = WHO_QUALIFIES.search(text)
                if m:  # "外地户口能不能在重庆申请": asking who qualifies
                    kept.append(self._entity("policy_aspect", text, m.start(), m.end(), "条件"))
        for entity in SCANNED_ENTITIES:
            for start, end, value in _find(self.words[entity], text, entity, scanned_only=True):
                inside = [e for e in kept if e.get("entity") == entity and start <= e.get("start", 0)
                          and e.get("end", 0) <= end and (start, end) != (e.get("start"), e.get("end"))]
                kept = [e for e in kept if e not in inside]  # "孙伢" over DIET's "伢"
                if _overlaps(start, end, kept):
                    continue
                new = self._entity(entity, text, start, end, value)
                if entity == "relation" and self._title(text, new):
                    continue
                kept.append(new)
        kept = self._amounts(text, kept)
        kept = self._names(text, intent, kept)
        for m in KIN_OWNER.finditer(text):
            start, end = m.start(2), m.end(2)
            if not _overlaps(start, end, kept):
                kept.append(self._entity("relation", text, start, end, KIN_CHAR[m.group(2)]))
        kept = [e for e in kept if not (e.get("entity") == "region" and self._someone_elses(text, e.get("start", 0)))]
        return sorted(kept, key=lambda e: e.get("start", 0))

    def _someone_elses(self, text: str, start: int) -> bool:
        """"我有个儿子在广东打工": a relative's place, not where she lives (a tester's pre-check moved to 广东)."""
        before = re.sub(r"\s+", "", text[max(0, start - 12):start])
        m = ELSEWHERE_VERB.search(before)
        return bool(m) and any(before[:m.start()].endswith(w) for w in self.words["relation"])

    @staticmethod
    def _amounts(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Amounts as whole figures ("六百八", not "六百"); no age or count ("七十六了", "十几回"); a figure with
        百/千/万 or said with 块/元/钱 that DIET missed is added."""
        runs = []
        for m in AMOUNT_RUN.finditer(text):
            run = m.group(0).rstrip(",，")
            lead = len(run) - len(run.lstrip("来多"))
            run, begin = run[lead:], m.start() + lead
            if not run or set(run) <= set("来多几") or (run[0].isdigit() and len(run.replace(",", "").replace("，", "")) > 7):
                continue
            after = text[begin + len(run):]
            unit = UNIT.match(after)
            money = bool(unit) or any(c in run for c in "百千万")
            # "三口人", "十几回"; "七十六了" is an age, "花了两千了" still money
            counted = not unit and bool(after[:1]) and (after[0] in COUNTERS or (after[0] == "了" and not money))
            runs.append((begin, begin + len(run), run, money and not counted, counted))
        kept, taken = [], []
        for e in entities:
            if e.get("entity") != "amount":
                kept.append(e)
                continue
            run = next((r for r in runs if r[0] < e.get("end", 0) and e.get("start", 0) < r[1]), None)
            if run is None or "火急" in text[run[1]:run[1] + 2]:
                if run is None and not re.search(r"\d{8,}", str(e.get("value", ""))):  # a phone or ID number is not money
                    kept.append(e)
                continue
            if run[4] or "火急" in text[run[1]:run[1] + 2]:
                continue  # "十几回", "八十几岁", "十万火急"
            taken.append(run)
            kept.append({**e, "start": run[0], "end": run[1], "value": run[2]})
        for run in runs:
            if run[3] and run not in taken and not _overlaps(run[0], run[1], kept) and "火急" not in text[run[1]:run[1] + 2]:
                kept.append(EntityLexicon._entity("amount", text, run[0], run[1], run[2]))
        return kept

    def _names(self, text: str, intent: Optional[str], entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Whole names: DIET's "秀英" after 王 becomes 王秀英, its "张" before 阿妹 becomes 张阿妹; names after
        叫/是/帮 and a bare name given as an answer are added where DIET found none."""
        kept = []
        for e in entities:
            if e.get("entity") == "person_name":
                start, end = e.get("start", 0), e.get("end", 0)
                if text[start:end] in COMMON_WORDS:
                    continue
                if end - start == 2 and start > 0 and text[start - 1] in SURNAMES:
                    start -= 1  # "建国" after 顾 is 顾建国
                elif end - start == 2 and text[start] in SURNAMES and re.match(rf"[{HAN}]", text[end:end + 1]) and (
                        not NOT_NAME_PARTS.search(text[end]) and text[end] not in NAME_STOPS
                        and (end + 1 >= len(text) or text[end + 1] in NAME_STOPS or not re.match(rf"[{HAN}]", text[end + 1]))):
                    end += 1  # "李德" before 福申请 is 李德福
                elif end - start == 1 and text[start] in SURNAMES:
                    if start > 0 and text[start - 1] in "一要这那几两每":
                        continue  # "要张证明": a measure word
                    m = re.match(rf"[{HAN}]{{1,2}}", text[end:])
                    if not m or NOT_NAME_PARTS.search(m.group(0)):
                        continue
                    end += len(m.group(0))
                e = {**e, "start": start, "end": end, "value": text[start:end]}
            kept.append(e)
        if any(e.get("entity") == "person_name" for e in kept):
            return kept
        candidates = [(m.start(1), m.end(1)) for m in NAME_AFTER.finditer(text)]
        candidates += [(m.start(1), m.end(1)) for m in NAME_HELPED.finditer(text)]
        bare = text.strip(" 。，,.!！")
        if intent == "inform" and not kept and re.fullmatch(rf"[{HAN}]{{2,4}}", bare):
            start = text.index(bare)
            candidates.append((start, start + len(bare)))
        for start, end in candidates:
            name = text[start:end]
            given = name[2:] if name[:2] in SURNAMES2 else name[1:]
            if (name[0] not in SURNAMES and name[:2] not in SURNAMES2) or not given or NOT_NAME_PARTS.search(given):
                continue
            if any(w in name for w in ("街道", "区", "县", "镇", "村", "市", "低保", "救助", "户口")):
                continue
            if name in self.words["region"] or name + "区" in self.words["region"] or name + "县" in self.words["region"]:
                continue
            if name not in COMMON_WORDS and not _overlaps(start, end, kept):
                kept.append(self._entity("person_name", text, start, end, name))
        return kept

    def _title(self, text: str, e: Dict[str, Any]) -> bool:
        start = e.get("start", 0)
        word = text[start:e.get("end", 0)]
        if start > 0 and text[start - 1] == "老" and word[:1] in "妹姐哥弟":
            return True  # 老妹儿, 老哥: said to the one you talk to
        if word not in TITLE_WORDS:
            return False
        before = text[max(0, start - 4):start]
        if TITLE_BEFORE.search(before):
            return True
        named = re.search(r"(帮|给|替|叫|是)([\u4e00-\u9fff]{2,3})$", before)
        return bool(named) and not re.search(r"[我俺他她你额爷奶外婆公妈爸]", named.group(2))

    @staticmethod
    def _entity(entity: str, text: str, start: int, end: int, value: str) -> Dict[str, Any]:
        return {"entity": entity, "start": start, "end": end, "value": value,
                "extractor": EXTRACTOR, "processors": [], "confidence_entity": 1.0}
