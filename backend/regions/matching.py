"""Finding the place a person names, the way they say it.

"两路口", "渝中两路口街道", "重庆市渝中区两路口街道", "我住两路口那边", a 社区 of 重庆 ("中山二路社区"), a
typo ("两路囗", "俩路口") or a homophone ("七星刚"). Steps: drop what is not a name (我住在…那边), read the
省/市/区县 named at the start to narrow, then score streets: the name or its stem said as it is (exact), a
社区 of the street (exact, with the 社区 named), else character and pinyin edit distance (close). A region
the conversation already knows (`within`) decides between streets of the same name elsewhere.
"""

import re
from collections import Counter
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from backend.regions.gazetteer import SUFFIXES, Gazetteer, Place, stem

LEADING = ("我家住在", "我家就在", "我们住在", "我住在", "我家在", "我就在", "我们在", "我住", "住在", "家住", "我在",
           "我是", "是在", "在", "是")
TRAILING = ("那一片", "那一带", "那一块", "那边", "那里", "那儿", "这边", "这里", "这儿", "附近", "一带", "旁边", "片区",
            "的", "啊", "呀", "吧", "呢", "哦", "嘛", "了")
NOT_NAME = re.compile(r"[\s\d,，.。!！?？、;；:：\"'“”‘’()（）\[\]【】<>《》~\-—_/]+")
CLOSE_ENOUGH = 0.6  # one wrong character in three
LIMIT = 8


@dataclass(frozen=True)
class Candidate:
    place: Place
    match: str  # exact | close
    score: float
    community: str | None = None


def clean(text: str) -> str:
    """What is left of the text once punctuation and the words around a name are gone."""
    text = NOT_NAME.sub("", text)
    changed = True
    while changed and text:
        changed = False
        for w in LEADING:
            if text.startswith(w) and len(text) > len(w):
                text, changed = text[len(w):], True
        for w in TRAILING:
            if text.endswith(w) and len(text) > len(w):
                text, changed = text[: -len(w)], True
    return text


def named_areas(g: Gazetteer, text: str) -> tuple[set[str], str]:
    """The 省/市/区县 named at the start of the text, each inside the one before ("重庆市渝中区…"), and the rest."""
    scope: set[str] = set()
    while len(text) >= 2:
        for size in range(min(len(text), 12), 1, -1):
            codes = g.admin_names.get(text[:size])
            if not codes:
                continue
            inside = [c for c in codes if not scope or g.lineage(c) & scope]
            if inside:
                scope, text = set(inside), text[size:]
                break
        else:
            break
    return scope, text


def _distance(a: list[str] | str, b: list[str] | str) -> float:
    """Edit distance; two syllables that start alike (lia/liang, zhong/zhou) cost half a substitution."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            swap = 0 if x == y else 0.5 if len(x) > 1 and len(y) > 1 and x[:2] == y[:2] else 1
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + swap))
        prev = cur
    return prev[-1]


def similarity(said: str, said_pinyin: list[str], place: Place) -> float:
    """1 for the same stem (in characters or in toneless pinyin), less by each edit."""
    target = place.stem
    n = max(len(said), len(target))
    chars = 1 - _distance(said, target) / n
    sounds = 1 - _distance(said_pinyin, list(place.pinyin[: len(target)])) / n
    return max(chars, sounds * 0.98)  # a homophone ranks just below the same characters


def _exact(g: Gazetteer, text: str) -> list[Candidate]:
    """Streets whose name or stem is said, and streets with a 社区 of that name; the longest name wins."""
    found: dict[str, Candidate] = {}
    for size in range(len(text), 1, -1):
        for i in range(len(text) - size + 1):
            key = text[i:i + size]
            if size < 3 and key != text:
                continue  # two characters inside a longer text are too often part of something else
            for code in g.street_names.get(key, ()):
                found.setdefault(code, Candidate(g.places[code], "exact", float(size)))
            for code in g.communities.get(key, ()):
                found.setdefault(code, Candidate(g.places[code], "exact", size - 0.5, community=key))
        if found:
            break
    return list(found.values())


def within_reach(said: int, name: int) -> bool:
    """Whether names of these lengths can be within CLOSE_ENOUGH: each character one is longer is one edit."""
    return min(said, name) >= CLOSE_ENOUGH * max(said, name)


def _close(g: Gazetteer, text: str) -> list[Candidate]:
    """Streets a typo or a homophone away. Its cost grows with the length of what was said times the streets
    sharing a character or a sound with it, so lengths no street's name can be close to are not scored at
    all (a pasted or repeated text of 64 characters answers at once), nor streets of out-of-reach length."""
    said = stem(text)
    if len(said) < 2 or g.longest_street_stem < CLOSE_ENOUGH * len(said):
        return []  # longer than any street's name could be close to
    sounds = lazy_pinyin(said)
    # Within CLOSE_ENOUGH, at most 40 % of what was said may differ: the rest must be found in the name.
    need = max(1, len(said) - int(len(said) * (1 - CLOSE_ENOUGH)))
    hits: Counter[str] = Counter()
    # Each distinct character-and-sound once, counted as often as it was said ("和和和" looks the index up once).
    for (ch, syl), times in Counter(zip(said, sounds, strict=False)).items():
        hits.update(dict.fromkeys(g.by_char.get(ch, set()) | g.by_syllable.get(syl, set()), times))
    out = []
    for code, n in hits.items():
        place = g.places[code]
        if n >= need and within_reach(len(said), len(place.stem)):
            score = similarity(said, sounds, place)
            if score >= CLOSE_ENOUGH:
                out.append(Candidate(place, "close", score))
    return out


def find(g: Gazetteer, text: str, *, within: str | None = None, near: str | None = None,
         limit: int = LIMIT) -> list[Candidate]:
    """Streets (or, when only a 省/市/区县 is named, that area) ranked by how sure we are, best first; those inside
    `near` (an area the conversation knows, e.g. the ID's 500108) before the others, none dropped."""
    text = clean(text)
    scope, rest = named_areas(g, text)
    if rest in SUFFIXES:
        rest = ""  # "渝中区街道": only areas were named
    if rest:
        # The start may have been part of a street's own name ("七星刚" starts like 七星区): try the whole text too.
        tries = [(rest, scope, True), (text, set(), True)] if rest != text else [(text, scope, True)]
    else:
        tries = [(text, set(), False)]  # "沙坪坝街道" names a district unless a street has that very name
    candidates: list[Candidate] = []
    # Every reading said exactly comes before any reading with a typo: "中山二路社区" is a 社区, not 中山市 + a typo.
    for close in (False, True):
        for said, named, fuzzy in tries:
            if close and not fuzzy:
                continue
            candidates = _close(g, said) if close else _exact(g, said)
            if not fuzzy:
                candidates = [c for c in candidates if c.place.name == said]  # "重庆" is the city, not 重庆街道
            if candidates and within and not close and fuzzy and not _inside(g, candidates, {within}):
                candidates += _close(g, said)  # 大平 said in 重庆: 大坪街道 there before 大平镇 in 四川
            if candidates:
                scope = named
                break
        if candidates:
            break
    if not candidates:
        # Only areas named: those inside the region known first ("江北区" said in 重庆 is 重庆's, not 宁波's).
        named = [Candidate(g.places[c], "exact", 0.0) for c in sorted(scope)] if not rest else []
        return (_inside(g, named, {within} if within else set()) or named)[:limit]
    for narrow in (scope, {within} if within else set()):
        candidates = _inside(g, candidates, narrow) or candidates
    best = max(c.score for c in candidates)
    keep = 0.1 if best <= 1 else 0  # close matches: those nearly as close; exact ones: the longest name said
    candidates = [c for c in candidates if c.score >= best - keep]
    candidates.sort(key=lambda c: (not (near and near in g.lineage(c.place.code)), -c.score, c.place.code))
    return candidates[:limit]


def _inside(g: Gazetteer, candidates: list[Candidate], narrow: set[str]) -> list[Candidate]:
    return [c for c in candidates if narrow and g.lineage(c.place.code) & narrow]
