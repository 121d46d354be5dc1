"""Kinship words as people say them, and what each says the person named IS ("儿子" is a child)."""

import re

KIN = {
    "老伴": "配偶", "老公": "配偶", "老婆": "配偶", "爱人": "配偶", "丈夫": "配偶", "妻子": "配偶", "媳妇": "配偶", "配偶": "配偶",
    "儿子": "子女", "女儿": "子女", "子女": "子女", "孩子": "子女", "闺女": "子女", "娃": "子女",
    "父亲": "父母", "母亲": "父母", "父母": "父母", "爸": "父母", "妈": "父母", "老汉": "父母", "老娘": "父母",
    "孙子": "孙子女", "孙女": "孙子女", "外孙": "孙子女", "孙子女": "孙子女",
    "爷爷": "祖父母/外祖父母", "奶奶": "祖父母/外祖父母", "外公": "祖父母/外祖父母", "外婆": "祖父母/外祖父母",
    "姥姥": "祖父母/外祖父母", "姥爷": "祖父母/外祖父母", "祖父": "祖父母/外祖父母", "祖母": "祖父母/外祖父母",
    "哥": "兄弟姐妹", "姐": "兄弟姐妹", "弟": "兄弟姐妹", "妹": "兄弟姐妹", "兄弟姐妹": "兄弟姐妹",
    "儿媳": "儿媳", "儿媳妇": "儿媳", "女婿": "女婿",
}
# What old couples call each other ("老头儿", "我家老头", "老婆子", "屋头那个"): the spouse. Never in KIN_PATTERN: "老头"
# is also how a helper points at the old man he files for (actions/members.py WHO, TITLES), so a bare "老头" or "老太婆"
# is the spouse only said as one's own ("我家老头") or as the whole answer to the relation question; never after words
# that make him someone else's ("隔壁老头儿", "那个老头子"). Read by parsing.parse_relation only.
_NOT_OWN = "".join(f"(?<!{w})" for w in ("隔壁", "邻居", "对门", "楼下", "楼上", "那个", "这个", "那位", "这位", "人家", "别人"))
SPOUSE_CALLED = re.compile(
    r"(?:我|俺|我家|俺家|我屋头|我屋里|屋头|屋里)(?:的|那个)?(?:老头|老太婆|老倌|那口子)"
    r"|" + _NOT_OWN + r"(?:老头儿|老头子|老倌儿|那口子)"
    r"|^(?:是|就是)?(?:老头|老太婆|老倌)(?:嘛|噻|哦|啊|哈)?[。.!！]?$"
    r"|(?:我家|俺家|我屋|屋头|屋里)(?:的)?那个(?!人|娃|孩)|当家的")
IN_LAWS = {"婆婆": "儿媳", "公公": "儿媳", "岳父": "女婿", "岳母": "女婿", "丈母娘": "女婿"}
KIN_PATTERN = "|".join(sorted(KIN, key=len, reverse=True))
# Words for a person that are not their name: a title, a way of pointing at someone.
TITLES = ("老人家", "老人", "婆婆", "公公", "大爷", "大妈", "阿姨", "叔叔", "大哥", "大姐", "邻居", "居民", "本人", "自己",
          "申请人", "家人", "亲戚", "老头", "老太太", "老太婆", "老头子", "伯伯", "舅舅", "姑姑", "嬢嬢", "孃孃", "幺爸",
          "老汉", "老太")  # "何老汉", "王老太": what people call an old man or woman (重庆), never a name

# A household member named by a helper from his own side ("我爷爷" when he files for his grandmother): what the member is
# to the APPLICANT, by what the helper is to her (his helper_relation) and what the member is to him. Only what follows
# surely; anything else (his wife to his grandmother) is None, for the caseworker to confirm.
_SEEN_FROM_HELPER = {
    "孙子女": {"祖父母/外祖父母": "配偶", "父母": "子女", "兄弟姐妹": "孙子女"},
    "子女": {"父母": "配偶", "兄弟姐妹": "子女", "子女": "孙子女", "祖父母/外祖父母": "父母"},
    "配偶": {"子女": "子女", "孙子女": "孙子女"},
    "儿媳": {"配偶": "子女", "子女": "孙子女"}, "女婿": {"配偶": "子女", "子女": "孙子女"},
}


def to_applicant(helper_relation: str | None, member_to_helper: str | None) -> str | None:
    """"我爷爷" said by a grandson filing for his grandmother: her 配偶. None when it does not follow."""
    return _SEEN_FROM_HELPER.get(helper_relation or "", {}).get(member_to_helper or "")
