"""A person's name, as typed: "我叫王秀英", "她叫李桂兰", "名字是刘淑芬", "阿依古丽·买买提".

A name is 2–20 Han characters or "·" (not first or last), never a digit, never a pronoun, a kinship word,
a title or a filler ("我不晓得", "我老伴", "她们", "是的"). The backend holds the same invariant for every
channel (backend/core/fields.py, PersonName); this is the chat's reading of what was said."""

import re

from actions.answers.kin import IN_LAWS, KIN, TITLES

NAME = re.compile(r"[\u4e00-\u9fff](?:[\u4e00-\u9fff·]{0,18})[\u4e00-\u9fff]")
# "我叫", "她的名字是", "申请人叫", "我奶奶叫": what comes before the name.
LEAD = re.compile(r"^(?:(?:我|他|她|俺|咱)(?:的|家)?(?:" + "|".join(sorted([*KIN, *IN_LAWS], key=len, reverse=True))
                  + r")?|申请人|这位家人|家人|本人)?(?:的)?(?:名字|姓名|全名)?(?:叫做|叫|是|为|：|:)\s*")
# "申请人周德贵", "老人周德贵": a role said right before the name, without 叫 or 是 (a 网格员's whole answer).
ROLE_LEAD = re.compile(r"^(?:申请人|当事人|老人家|老人|本人)(?=[\u4e00-\u9fff·]{2,20}$)")
PRONOUN = re.compile(r"^(我|你|您|他|她|它|咱|俺|人家|自己|本人|大家|别人|谁)")
# Answers that are about something else, or say that the name is not known.
NOT_NAME_WORDS = ("晓得", "知道", "清楚", "记得", "记不", "忘了", "不懂", "不会", "没有", "没得", "莫得", "算了", "跳过",
                  "申请", "低保", "特困", "救助", "身份证", "号码", "手机", "电话", "街道", "收入", "存款", "工作人员",
                  "谢谢", "你好", "您好", "不用", "可以", "好的", "是的", "对的", "什么", "啥子", "为啥", "怎么", "哪个", "这个",
                  "那个", "一下", "名字", "姓名", "帮忙", "不对", "错了", "重新", "不清", "告诉", "不想", "不说",
                  # A cry for help said where the name was asked ("医院喊明天不交就停药", "好久来人"): never a name.
                  "好久", "多久", "来人", "有人", "救命", "医院", "住院", "着火", "失火", "烧了", "烧完", "停药", "不交",
                  "不得", "快点", "赶紧", "马上", "现在", "明天", "今天", "昨天", "晚上", "屋头", "家里", "房子",
                  "要钱", "交钱", "没钱", "莫钱", "咋个", "为什么", "干啥", "能不能", "可不可以", "帮我", "给我",
                  "痛", "疼", "起不来", "哎哟", "哎呀", "老天", "天爷", "菩萨", "求求", "救救", "摔", "流血",
                  # What a message that says everything at once holds besides the name ("一个人住", "身体不好").
                  "一个人", "外地", "打工", "身体", "生活", "困难", "去世", "独居", "方便", "养老金", "退休金",
                  # Health said in the same breath ("有糖尿病，走路都困难" was read back as the applicant's name).
                  "病", "癌", "瘫", "中风", "血压", "血糖", "糖尿", "残疾", "走路", "耳朵", "眼睛", "腿脚", "住院", "药",
                  "身份", "老人", "租",  # "身份正号码" (voice typing), "帮老人代办", "租的房子"
                  "网格", "志愿者", "社工", "民警", "警察",  # who the helper is ("我是网格员"), not his name
                  "代办", "帮办", "代理人",  # a role on the read-back ("代办人名字不对"), never a name
                  "户口", "农村", "城镇", "社区", "小区", "押金", "住哪", "淹",  # facts said where a name was asked
                  "娃儿", "娃娃", "孩子", "小孩", "还小",  # "今晚住哪点 娃儿还小": her children, not her name
                  "岁", "块钱",  # "七十六岁", "八百块钱"
                  # A question or an amount ("有好多钱", "要多少"), or a cry ("呜呜", "娃儿在哭"): never a name.
                  "好多", "多少", "几多", "好些", "呜", "哭",
                  # What she tells the chat to do ("继续", "不是急事", "查进度"): a command, never a name.
                  "继续", "接着", "进度", "急事", "不是", "就是", "取消", "退出", "返回", "人工", "客服", "提交", "确认", "重来",
                  "稍等", "等一下", "等等", "暂停", "开始", "结束", "投诉", "查询", "撤回", "问问", "先不")
# Someone other than the one writing, as people say it: never a name. Said after a helping verb ("帮别人", "替别个", "帮隔壁的",
# "帮人家申请") it answers 给自己还是帮别人: for someone else (parsing.parse_filing_for). 帮, 替 and 给 begin no surname.
OTHERS = ("别人", "别个", "人家", "他人", "旁人", "朋友", "隔壁", "邻居", "街坊", "对门", "楼上", "楼下", "同事", "熟人", "老乡", "亲戚")
# "另外一个", "一个婆婆", "下一位": someone counted, not named ("那我再帮另外一个办 陈秀英 …" kept "另外一个" as her name).
COUNTED = re.compile(r"^(另外|另一|下一|再一|一)(个|位|户|家|名)")
HELPS_SOMEONE = re.compile(r"(?:帮|替|给|代|为)(?:" + "|".join(OTHERS) + r")|(?:帮|替)人")
# Words no Chinese name holds: a sentence ends with them ("烧完了 啥子都莫得了").
SENTENCE_CHARS = re.compile(r"[了嘛吗呢吧啊呀噻哟喊]")
FILLERS = re.compile(r"^(是|对|嗯|哦|啊|好|行|要得|对头|没|不|无|莫|啥|喂|哈|呃|额|唉|哎)+$")


def parse_name(text: str) -> str | None:
    """The name in an answer, or None when the answer is not a name."""
    t = re.sub(r"\s+", "", str(text or "")).strip("，。,.!！?？~～、；;")
    t = t.replace("•", "·").replace("・", "·").replace("．", "·")
    stripped = LEAD.sub("", t, count=1)
    if stripped != t and stripped:
        t = stripped
    else:
        t = ROLE_LEAD.sub("", t, count=1)
    t = re.sub(r"(呀|啊|哦|哈|嘛|呢|的)$", "", t) if len(t) > 2 else t
    if not NAME.fullmatch(t) or "··" in t or t.endswith("的"):
        return None  # "身份证上的名字我不晓得": "上的" was once read back as the name
    if len(t) > 4 and "·" not in t:
        return None  # "腿好痛起不来": a name without "·" has at most four characters (欧阳娜娜)
    if t[0] in "帮替给" or HELPS_SOMEONE.match(t) or t.startswith(OTHERS) or COUNTED.match(t) or t.startswith("另外"):
        return None  # "帮别人", "帮我妈", "替别个", "朋友": whom she helps, never a name
    if PRONOUN.match(t) or FILLERS.match(t) or any(w in t for w in NOT_NAME_WORDS) or re.search(r"[我你您他她]", t) \
            or SENTENCE_CHARS.search(t):
        return None
    if _kin_or_title(t) or re.fullmatch(r"[零〇一二两三四五六七八九十百千万几]+", t):
        return None  # "八百", "七十六": a figure, not a name
    return t


def _kin_or_title(t: str) -> bool:
    """"老伴", "我奶奶" (already refused as a pronoun), "老汉", "王婆婆": a way of naming, not a name."""
    words = (*KIN, *IN_LAWS, *TITLES)
    if t in words or t.removeprefix("老") in words:
        return True
    # A surname and a title ("王婆婆", "李大爷", "张阿姨"): what neighbours call her, not her name.
    return any(t.endswith(w) and len(t) - len(w) <= 1 for w in (*TITLES, "爷爷", "奶奶", "婆婆", "嬢嬢"))


# The commonest surnames (about 85 % of people): a name that starts with none of them and is a place's name ("七星岗",
# said where the applicant's name was asked) is looked up before it is kept (actions/streets.py names_a_place).
COMMON_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
                            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
                            "孔向汤欧司诸上文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌")


# What a helper goes by ("叫我小陈就行", "我是她孙子小陈", "陈哥", "老李", "张阿姨", "王师傅"): enough for the caseworker to
# ask for him, so taken for a helper's own name (a tester's "我是她孙子 叫我小陈就行" got "没太明白"); never for an
# applicant, whose name is the one on her ID card (parse_name).
CALLED = re.compile(r"^(?:叫我|喊我|称呼我|我叫|我是)")
ADDRESS = re.compile(r"(?:[小老阿](?P<s1>[\u4e00-\u9fff])|(?P<s2>[\u4e00-\u9fff])(?:大哥|大姐|阿姨|叔叔|嬢嬢|孃孃|师傅|老师|先生|"
                     r"女士|哥|姐|叔|姨|嬢|孃))$")
ENDING = re.compile(r"(就行|就可以|就好|就是了|就得|就是|嘛|吧|哈|噻|哦|呀|了)+$")


def address_name(text: str) -> str | None:
    """The form of address a helper gives for himself, alone or after 叫我/我是 ("我是她孙子 叫我小陈就行" → 小陈)."""
    for clause in re.split(r"[\s，,。；;!！?？]+", str(text or "")):
        said = ENDING.sub("", clause)
        m = ADDRESS.search(said)
        if m and (m.group("s1") or m.group("s2")) in COMMON_SURNAMES and (m.start() == 0 or CALLED.match(said)):
            return m.group(0)
    return None
