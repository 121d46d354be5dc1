"""居民身份证号码 (GB 11643-1999): check digit, birth date and sex.

18 characters: 6-digit address code, birth date YYYYMMDD, 3-digit sequence (odd = male), check
character. Y = Σ(digit × weight) mod 11 maps to 1 0 X 9 8 7 6 5 4 3 2.
"""

import re
from dataclasses import dataclass
from datetime import date

from backend.core import clock

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")


class InvalidIdNumber(ValueError):
    """Carries a plain Chinese explanation of what is wrong with the number."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # 男 | 女
    area_code: str

    @property
    def masked(self) -> str:
        return f"{self.value[:6]}********{self.value[-4:]}"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize(raw: str) -> str:
    """Full-width digits, spaces and a lower-case x are common in typed and pasted numbers."""
    table = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
    return re.sub(r"[\s\-]", "", raw).translate(table).upper()


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    value = normalize(raw)
    if len(value) != 18:
        raise InvalidIdNumber(f"身份证号码应该是18位，您输入的是{len(value)}位。")
    if not _SHAPE.match(value):
        raise InvalidIdNumber("身份证号码前17位应该都是数字，最后一位是数字或X。")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号码里的出生日期不对，请再核对一下。") from None
    if born.year < 1800 or born > (today or clock.today()):
        raise InvalidIdNumber("身份证号码里的出生日期不对，请再核对一下。")
    if check_char(value[:17]) != value[17]:
        raise InvalidIdNumber("身份证号码的最后一位（校验位）对不上，可能有一位输错了，请再核对一下。")
    return IdNumber(value=value, birth_date=born, sex="男" if int(value[16]) % 2 else "女", area_code=value[:6])


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_PHONE = re.compile(r"^1[3-9][0-9]{9}$")


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s\-]", "", raw)
    value = value.removeprefix("+86").removeprefix("0086")
    if not _PHONE.match(value):
        raise ValueError("手机号码应该是以1开头的11位数字。")
    return value


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"
