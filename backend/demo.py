"""Demo data for `make run` (development only): staff accounts and households in different states.

Idempotent: nothing is added when the demo caseworker already exists. Passwords come from
DEMO_STAFF_PASSWORD (generated into .env on first run) and are printed at start-up.
"""

import os
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications import service
from backend.applications.schemas import ApplicationIn, StepIn
from backend.auth.actor import Actor
from backend.auth.security import hash_password
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.idnumber import check_char
from backend.authorizations.service import sign, signers
from backend.staff.models import StaffUser

STAFF = [
    ("yuzhong_caseworker", "七星岗街道 王芳", "caseworker", "500103"),
    ("yuzhong_reviewer", "渝中区民政局 李强", "reviewer", "500103"),
    ("qijiang_caseworker", "古南街道 周敏", "caseworker", "500110"),
    ("shapingba_caseworker", "小龙坎街道 陈静", "caseworker", "500106"),
    ("shapingba_reviewer", "沙坪坝区民政局 吴刚", "reviewer", "500106"),
    ("admin", "系统管理员", "admin", None),
]


def demo_id(area: str, born: date, seq: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def _citizen(phone: str) -> Actor:
    return Actor(kind="citizen", channel="chat", phone_hash=get_vault().lookup_hash(phone))


def _member(name: str, relation: str, area: str, born: date, seq: int, phone: str | None = None, **kw) -> dict:  # noqa: ANN003
    return {"name": name, "relation": relation, "id_number": demo_id(area, born, seq), "phone": phone, **kw}


def seed_demo(session: Session, password: str) -> list[tuple[str, str, str]]:
    if session.scalars(select(StaffUser).where(StaffUser.username == "yuzhong_caseworker")).first():
        return [(u, n, r) for u, n, r, _ in STAFF]
    staff = {}
    for username, name, role, district in STAFF:
        user = StaffUser(username=username, display_name=name, password_hash=hash_password(password), role=role,
                         district_code=district)
        session.add(user)
        session.flush()
        staff[username] = Actor(kind="staff", channel="api", staff_id=user.id, role=role, district_code=district)

    def file(phone: str, key: str, body: dict, on: date | None = None):  # noqa: ANN202
        # As each channel files: the chat asks no homes or cars (and no 户口 where both standards are equal), forms do.
        said = {"not_asked": ["hukou", "homes", "vehicles"]} if body["channel"] == "chat" else {"hukou": "urban"}
        app, _ = service.submit(session, _citizen(phone), ApplicationIn.model_validate({**said, **body}), key, today=on)
        return app

    def step(app, who: str, action: str, note: str | None = None, on: date | None = None, **data) -> None:  # noqa: ANN001, ANN003
        service.act(session, staff[who], app, action, StepIn(note=note, data=data), today=on)

    def sign_all(app) -> None:  # noqa: ANN001
        # Every member signs the 核对授权书 at the counter: no economic check without it.
        for person in signers(session, app):
            sign(session, app.id, person.id, channel="counter", session_id=None, method="staff_assisted")

    # 1. Submitted, waiting for acceptance.
    file("13800000001", "demo-1", {
        "assistance_type": "低保", "area_code": "500103001", "channel": "chat", "reason": "老伴去世，自己一个人没有收入",
        "members": [_member("张秀英", "本人", "500103", date(1949, 3, 8), 2, "13800000001",
                            incomes=[{"category": "转移净", "kind": "城乡居民基础养老金", "monthly_amount": 180}])],
    })
    # 2. Accepted and being investigated.
    app = file("13800000002", "demo-2", {
        "assistance_type": "低保", "area_code": "500103003", "channel": "web", "reason": "儿子重病，医药费负担重",
        "members": [
            _member("王德明", "本人", "500103", date(1968, 7, 21), 13, "13800000002",
                    incomes=[{"category": "工资性", "kind": "工资", "monthly_amount": 1200}]),
            _member("王小军", "子女", "500103", date(1995, 1, 5), 15, serious_illness=True, labour_ability="none",
                    deductions=[{"kind": "重病刚性支出", "monthly_amount": 600}]),
        ],
        "assets": [{"kind": "存款", "value": 4000}],
    })
    step(app, "yuzhong_caseworker", "accept")
    step(app, "yuzhong_caseworker", "start_investigation")
    step(app, "yuzhong_caseworker", "record_home_visit", investigators=["王芳", "刘洋"])
    # 3. Emergency help paid first, paperwork pending.
    app = file("13800000003", "demo-3", {
        "assistance_type": "临时救助", "subtype": "急难型", "area_code": "500110003", "channel": "sms",
        "reason": "家里失火，暂时没有住处",
        "members": [_member("刘桂兰", "本人", "500110", date(1975, 11, 2), 24, "13800000003")],
    })
    step(app, "qijiang_caseworker", "emergency_aid", "先行发放临时生活费", amount=1500)
    # 4. In 公示.
    app = file("13800000004", "demo-4", {
        "assistance_type": "低保", "area_code": "500103001", "channel": "miniapp", "reason": "下岗后没有稳定收入",
        "members": [
            _member("陈大伟", "本人", "500103", date(1972, 4, 18), 31, "13800000004",
                    incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": 600}]),
            _member("陈思雨", "子女", "500103", date(2012, 9, 1), 42),
        ],
    })
    sign_all(app)
    for action, kw in (("accept", {}), ("start_investigation", {}),
                       ("record_home_visit", {"investigators": ["王芳", "刘洋"]}),
                       ("attach_economic_check", {"results": {"不动产": "无", "车辆": "无", "银行存款": "2100元"}}),
                       ("propose", {"amount": 940})):
        step(app, "yuzhong_caseworker", action, **kw)
    # 5. 特困, decided last month and being paid (dates in the past so the 公示 has run its course).
    start = clock.today() - timedelta(days=45)
    app = file("13800000005", "demo-5", {
        "assistance_type": "特困", "area_code": "500106001", "channel": "counter", "reason": "无儿无女，年老体弱",
        "members": [_member("赵淑芬", "本人", "500106", date(1941, 2, 14), 52, "13800000005", labour_ability="none")],
    }, on=start)
    sign_all(app)
    for days, who, action, note, kw in (
        (1, "shapingba_caseworker", "accept", None, {}),
        (2, "shapingba_caseworker", "start_investigation", None, {}),
        (5, "shapingba_caseworker", "record_home_visit", None, {"investigators": ["陈静", "赵磊"]}),
        (8, "shapingba_caseworker", "attach_economic_check", None, {"results": {"户籍": "一人户", "银行存款": "800元"}}),
        (9, "shapingba_caseworker", "propose", None, {}),
        (17, "shapingba_caseworker", "close_publicity", None, {}),
        (18, "shapingba_reviewer", "spot_check", "县级入户核实，情况属实", {}),
        (21, "shapingba_reviewer", "approve", None, {}),
        (22, "shapingba_caseworker", "start_payment", None, {}),
    ):
        step(app, who, action, note, on=start + timedelta(days=days), **kw)
    # 6. Rejected today, and now in the monitoring database: decided on the day the demo is made, so the 督办 page's
    # approval rate ("this month so far") has a figure on any day of the month (decided 12 days ago, it had none
    # from the 1st to the 12th).
    start = clock.today() - timedelta(days=18)
    app = file("13800000006", "demo-6", {
        "assistance_type": "低保", "area_code": "500103003", "channel": "web", "reason": "收入不稳定",
        "members": [_member("孙强", "本人", "500103", date(1980, 6, 30), 71, "13800000006",
                            incomes=[{"category": "工资性", "kind": "工资", "monthly_amount": 2600}])],
    }, on=start)
    sign_all(app)
    for days, who, action, note, kw in (
        (1, "yuzhong_caseworker", "accept", None, {}),
        (2, "yuzhong_caseworker", "start_investigation", None, {}),
        (4, "yuzhong_caseworker", "record_home_visit", None, {"investigators": ["王芳", "刘洋"]}),
        (6, "yuzhong_caseworker", "attach_economic_check", None, {"results": {"社保": "在职缴费", "工资": "2600元/月"}}),
        (7, "yuzhong_caseworker", "propose", None, {}),
        (15, "yuzhong_caseworker", "close_publicity", None, {}),
        (18, "yuzhong_reviewer", "reject", "家庭月人均收入2600元，高于重庆市城市低保标准770元。", {}),
    ):
        step(app, who, action, note, on=start + timedelta(days=days), **kw)
    # 7. Filed two weeks ago and still not accepted: past its 3-working-day limit (超时督办, red in the queue).
    file("13800000007", "demo-7", {
        "assistance_type": "特困", "area_code": "500103004", "channel": "chat", "reason": "独居老人，腿脚不便",
        "members": [_member("钱玉珍", "本人", "500103", date(1946, 10, 9), 82, "13800000007", labour_ability="none")],
    }, on=clock.today() - timedelta(days=14))
    return [(u, n, r) for u, n, r, _ in STAFF]


def demo_password() -> str:
    return os.environ.get("DEMO_STAFF_PASSWORD") or "jiuzhu-demo"
