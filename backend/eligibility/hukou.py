"""Urban or rural 户口: which standard a household is judged on.

The person says it (`hukou: urban|rural`); the older `is_rural` flag still works when `hukou` is not
given. A street's name can suggest it — 乡 and 镇 are mostly rural, 街道 urban — but only as the
question's default: a 镇 resident may hold an urban 户口, so the answer is always the person's.
"""

from typing import Literal

Hukou = Literal["urban", "rural"]


def is_rural(hukou: Hukou | None, is_rural_flag: bool = False) -> bool:
    return hukou == "rural" if hukou else is_rural_flag


def suggest_hukou(street: str | None) -> Hukou | None:
    """"东温泉镇" → rural, "石桥铺街道" → urban, anything else → None (ask without a default)."""
    name = (street or "").strip()
    if name.endswith("街道") or name.endswith("街道办事处"):
        return "urban"
    if name.endswith(("乡", "镇", "民族乡", "苏木")):
        return "rural"
    return None
