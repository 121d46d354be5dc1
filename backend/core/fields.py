"""Bounded request fields: every value that comes in through the API is finite, short and printable.

Every request schema (and every path, query, header and form parameter) is built from these types, so
one rule covers every door:

- money is finite, at most two decimals, above zero (or zero where "none" is a real answer) and not
  above a cap from the settings (`MAX_AMOUNT_YUAN`, `MAX_ASSET_YUAN`);
- text fits its database column and carries no control characters: PostgreSQL refuses a NUL in text
  and neither database can store a lone surrogate, so either used to be a 500; only free-text notes
  keep line breaks;
- a person's name is a name: no digit, not an ID number, not a pronoun, a kinship word or "不知道"
  (the chat once saved an ID number typed alone as the name, in the clear column and on the SMS);
- ids fit the database's 32-bit integer (PostgreSQL raises on anything larger);
- dates and months lie in a range the calendar arithmetic can handle.

A refusal is a 422 whose details name the field with a plain Chinese problem, never a database error.
"""

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from backend.core.settings import get_settings

CENT = Decimal("0.01")
# PostgreSQL `integer` (every primary key and foreign key here).
MAX_DB_INT = 2**31 - 1

# List sizes. A household of more than 20 people or a member with more than 20 income lines is not a
# real declaration; the limits also keep one request's work (and the JSON body) small.
MAX_MEMBERS = 20
MAX_LINES_PER_MEMBER = 20
MAX_ASSETS = 50
MAX_OBLIGORS = 20
MAX_FRAMES = 20

# ------------------------------------------------------------------------------------------- money


class _Money:
    """A Decimal in yuan, bounded by a setting read at validation time (no settings at import)."""

    def __init__(self, cap_setting: str, *, zero_allowed: bool) -> None:
        self.cap_setting = cap_setting
        self.zero_allowed = zero_allowed

    def cap(self) -> Decimal:
        return getattr(get_settings(), self.cap_setting)

    def _check(self, value: Decimal) -> Decimal:
        if value == 0:
            value = abs(value)  # -0 and 0.00 are the same nothing; store it without a sign
        if value < 0 or (value == 0 and not self.zero_allowed):
            raise PydanticCustomError("money_not_positive", "金额不能是负数。" if self.zero_allowed else "金额必须大于0元。")
        cap = self.cap()
        if value > cap:
            raise PydanticCustomError("money_too_large", "金额不能超过{cap}元，请核对是否多输了几位。", {"cap": f"{cap:,}"})
        if value != value.quantize(CENT):
            raise PydanticCustomError("money_decimals", "金额最多两位小数（精确到分）。")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # allow_inf_nan=False: NaN and ±Infinity (as JSON literals or strings) never get this far.
        decimal = core_schema.decimal_schema(allow_inf_nan=False)
        return core_schema.no_info_after_validator_function(self._check, decimal)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        cap = self.cap()
        maximum = int(cap) if cap == cap.to_integral() else float(cap)
        number: dict[str, Any] = {"type": "number", "maximum": maximum}
        number["minimum" if self.zero_allowed else "exclusiveMinimum"] = 0
        lowest = "0" if self.zero_allowed else "0.01"
        return {
            "anyOf": [number, {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"}],
            "description": f"金额（元），{lowest}到{cap:,}，最多两位小数；也可以写成字符串",
        }


# An amount decided, paid or scheduled: a decision, an advance (先行救助), a month of 渐退期.
Money = Annotated[Decimal, _Money("max_amount_yuan", zero_allowed=False)]
# A declared monthly income or deduction. Zero is allowed on purpose: "no income" is a real answer, and
# the chat form sends the applicant's declared income as one line even when it is 0.
DeclaredMoney = Annotated[Decimal, _Money("max_amount_yuan", zero_allowed=True)]
# A declared asset value. Zero is allowed on purpose: "no savings" is sent as savings 0, and a home or a
# car is counted by number, its value may be left at 0.
AssetValue = Annotated[Decimal, _Money("max_asset_yuan", zero_allowed=True)]

# -------------------------------------------------------------------------------------------- text


def _bad_character(ch: str, *, newline_ok: bool) -> bool:
    if ch == "\n":
        return not newline_ok
    # Cc: C0 and C1 controls and DEL (NUL among them); Cs: lone surrogates, which cannot be encoded.
    return unicodedata.category(ch) in ("Cc", "Cs")


class _Text:
    def __init__(self, max_length: int, *, min_length: int = 0, multiline: bool = False) -> None:
        self.max_length = max_length
        self.min_length = min_length
        self.multiline = multiline

    def _check(self, value: str) -> str:
        if self.multiline:
            value = value.replace("\r\n", "\n")  # a textarea on Windows sends CRLF
        if any(_bad_character(ch, newline_ok=self.multiline) for ch in value):
            raise PydanticCustomError(
                "control_character",
                "内容里有不能识别的控制字符，请删掉后再试。" if self.multiline else "内容里有换行或不能识别的控制字符，请删掉后再试。",
            )
        if len(value) > self.max_length:
            raise PydanticCustomError("text_too_long", "内容太长了，最多{max_length}个字。",
                                      {"max_length": self.max_length})
        if len(value) < self.min_length:
            raise PydanticCustomError("text_too_short", "请填写这一项（至少{min_length}个字）。",
                                      {"min_length": self.min_length})
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, core_schema.str_schema())

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # Escapes, not the characters themselves, so the document stays printable.
        pattern = r"^[^\x00-\x09\x0b-\x1f\x7f-\x9f]*$" if self.multiline else r"^[^\x00-\x1f\x7f-\x9f]*$"
        out: dict[str, Any] = {"type": "string", "maxLength": self.max_length, "pattern": pattern}
        if self.min_length:
            out["minLength"] = self.min_length
        return out


def ShortText(max_length: int, *, min_length: int = 0) -> Any:  # noqa: N802 - reads as a type
    """One line of text (a name, a code, a reason in a few words): no line breaks, no control characters."""
    return Annotated[str, _Text(max_length, min_length=min_length)]


def Text(max_length: int, *, min_length: int = 0) -> Any:  # noqa: N802 - reads as a type
    """Free text (a note, a reason, a complaint): line breaks allowed, other control characters not."""
    return Annotated[str, _Text(max_length, min_length=min_length, multiline=True)]


# Words that point at a person or say the name is not known: never a name, whoever sends them.
NOT_NAMES = frozenset((
    "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "她们", "咱", "咱们", "俺", "人家", "自己", "本人", "别人", "谁",
    "不知道", "不晓得", "不清楚", "不记得", "记不得", "忘了", "没有", "无", "未知", "不详", "是", "是的", "对", "对的", "好", "好的",
    "嗯", "跳过", "申请人", "家人", "老人", "老人家",
))
KINSHIP = ("老伴", "老公", "老婆", "爱人", "丈夫", "妻子", "媳妇", "儿子", "女儿", "孩子", "闺女", "父亲", "母亲", "爸爸", "妈妈", "爸",
           "妈", "老汉", "孙子", "孙女", "外孙", "爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "哥哥", "姐姐", "弟弟", "妹妹",
           "儿媳", "女婿", "婆婆", "公公")
_POINTING = re.compile(r"^(我|你|您|他|她|俺|咱)(们)?(的|家)?(" + "|".join(sorted(KINSHIP, key=len, reverse=True)) + ")?$")


def _check_person_name(value: str) -> str:
    compact = re.sub(r"[\s·•・.]", "", value)
    if any(unicodedata.category(ch) == "Nd" for ch in value):
        raise PydanticCustomError("name_has_digit", "姓名里不能有数字；身份证号码请填在身份证号码一栏。")
    if not compact or not any(ch.isalpha() for ch in compact):
        raise PydanticCustomError("name_not_a_name", "请填写身份证上的姓名。")
    unknown = any(w in compact for w in ("不知道", "不晓得", "不清楚", "不记得", "记不得"))
    if unknown or compact in NOT_NAMES or compact in KINSHIP or _POINTING.match(compact):
        raise PydanticCustomError("name_not_a_name", "“{said}”不是姓名，请填写身份证上的姓名。", {"said": compact})
    return value


class _PersonName(_Text):
    """A person's name: one line that fits persons.name, and a name (see _check_person_name)."""

    def _check(self, value: str) -> str:
        return _check_person_name(super()._check(value))


# The shapes that recur; lengths are those of the database columns they end up in.
PersonName = Annotated[str, _PersonName(64, min_length=1)]  # persons.name: every schema that takes a person's name
Relation = ShortText(16)  # household_members.relation, obligors.relation, delegations.helper_relation
# 18 characters once normalised; typed and pasted numbers carry spaces or dashes.
IdNumberText = ShortText(32)
# 11 digits once normalised; "+86 138-1234-5678" and "0086 …" are accepted.
PhoneText = ShortText(20)
AreaCode = ShortText(12)  # areas.code
ApplicationNumber = ShortText(20)  # applications.number

# ---------------------------------------------------------------------------- numbers, dates, months

# A database id in a path, query or body: larger values cannot exist and PostgreSQL would raise.
DbId = Annotated[int, Ge(1), Le(MAX_DB_INT)]
# Offsets of list endpoints: the same range, so SQLite and PostgreSQL both accept them.
DbOffset = Annotated[int, Ge(0), Le(MAX_DB_INT)]

EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)
# A date somebody types (a visit, "on" for a standard): wide, but year arithmetic around it cannot fail.
SaneDate = Annotated[date, Ge(EARLIEST), Le(LATEST)]

_MONTH = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")


def _check_month(value: str) -> str:
    if not _MONTH.match(value):
        raise PydanticCustomError("bad_month", "月份请写成“2026-11”这样，年份在1900到2099之间。")
    return value


class _Month:
    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_check_month, core_schema.str_schema())

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "pattern": _MONTH.pattern}


# A calendar month, "2026-11".
Month = Annotated[str, _Month()]

# ------------------------------------------------------------------------------- free JSON values

MAX_JSON_DEPTH = 4
MAX_JSON_ITEMS = 50
MAX_JSON_STRING = 2000
# Plain JSON numbers are doubles for most clients; beyond 2^53 an integer no longer round-trips.
MAX_JSON_INT = 2**53


def check_json_value(value: Any, *, depth: int = 0, where: str = "data") -> None:
    """Free-form JSON stored as it is (step data, check results): finite numbers, printable strings,
    bounded size and depth. Raises a PydanticCustomError naming the place."""

    def fail(problem: str) -> None:
        raise PydanticCustomError("bad_json_value", "{where}：{problem}", {"where": where, "problem": problem})

    if depth > MAX_JSON_DEPTH:
        fail("嵌套太深了")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_JSON_INT:
            fail("数字太大了")
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_JSON_INT:
            fail("数字必须是有限的正常数值")
    elif isinstance(value, str):
        if len(value) > MAX_JSON_STRING:
            fail(f"文字太长了，最多{MAX_JSON_STRING}个字")
        if any(_bad_character(ch, newline_ok=True) for ch in value):
            fail("有不能识别的控制字符")
    elif isinstance(value, list):
        if len(value) > MAX_JSON_ITEMS:
            fail(f"最多{MAX_JSON_ITEMS}项")
        for i, item in enumerate(value):
            check_json_value(item, depth=depth + 1, where=f"{where}[{i}]")
    elif isinstance(value, dict):
        if len(value) > MAX_JSON_ITEMS:
            fail(f"最多{MAX_JSON_ITEMS}项")
        for key, item in value.items():
            printable = isinstance(key, str) and not any(_bad_character(ch, newline_ok=False) for ch in key)
            if not printable or len(key) > 64:
                fail("名称太长或有控制字符")
            check_json_value(item, depth=depth + 1, where=f"{where}.{key}")
    else:
        fail("不是JSON数据")


def json_checked(where: str) -> Callable[[Any], Any]:
    """An AfterValidator for a free JSON field."""

    def _validate(value: Any) -> Any:
        check_json_value(value, where=where)
        return value

    return _validate
