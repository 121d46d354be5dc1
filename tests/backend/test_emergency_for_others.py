"""A neighbour's 急难 report for 刘婆婆 (80, alone, no phone, a kitchen fire, nowhere to sleep tonight), the backend's
side: the call-back record the street's staff read ("群众说的") said "/request_human" and nothing else. Now a button's
payload is never kept as what was said; the needs the words say are named first (backend/policy/needs.py); and what
the same phone says while its call-back is open (the report after "找工作人员", "那她今晚睡哪点嘛" after the report) is
added to that record, never dropped."""

from backend.core.settings import get_settings
from backend.service_desk.service import TOPIC_MAX
from tests.backend.world import staff_headers

CHAT = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}
TONGYUANJU = "500108001"
NEIGHBOUR = "13952718346"
# What the chat sends for 黄大姐's report (tests/actions/test_emergency_for_others.py builds it from the conversation).
REPORT = ("【急难·邻居代报，本人未确认】当事人隔壁刘婆婆（大家平时的叫法，不是身份证上的名字）；"
          "没有身份证号（身份证不晓得）；本人没有手机；急需：她八十岁勒 一个人住 今晚没得地方住 又没钱；报告人是当事人的邻居，回电打报告人这个号"
          "｜说的：着火勒 咋个办；不是我 是隔壁刘婆婆屋头着火勒 帮她报")


def _book(world, topic: str | None, *, urgent: bool = True, phone: str = NEIGHBOUR) -> dict:  # noqa: ANN001
    booked = world.client.post("/api/v1/callbacks", headers=CHAT, json={"phone": phone, "area_code": TONGYUANJU,
                                                                        "urgent": urgent, "topic": topic})
    assert booked.status_code == 201, booked.text
    return booked.json()


def _desk(world) -> dict[str, str | None]:  # noqa: ANN001
    """The call-backs the 南岸区 desk sees: reference → what the staff read."""
    nanan = staff_headers(world.session, "nanan-desk", "caseworker", TONGYUANJU[:6])
    return {d["reference"]: d["topic"] for d in world.client.get("/api/v1/service-desk", headers=nanan).json()
            if d["kind"] == "callback"}


def test_a_button_payload_is_never_what_the_staff_read(world) -> None:  # noqa: ANN001
    booked = _book(world, "/request_human", urgent=False)
    assert _desk(world)[booked["reference"]] is None  # "没有说明事由", never "/request_human"


def test_the_neighbours_report_reaches_the_desk_whole_with_the_needs_named(world) -> None:  # noqa: ANN001
    booked = _book(world, REPORT)
    topic = _desk(world)[booked["reference"]]
    assert topic.startswith("【急需：住处】【急难·邻居代报")  # a night without a bed, first (backend/policy/needs.py)
    for fact in ("刘婆婆", "叫法", "没有身份证号", "本人没有手机", "八十岁", "一个人住", "没钱", "报告人是当事人的邻居", "着火"):
        assert fact in topic, fact
    assert len(topic) <= TOPIC_MAX


def test_what_is_said_after_the_report_is_added_to_its_open_call_back(world) -> None:  # noqa: ANN001
    booked = _book(world, REPORT)
    again = _book(world, "【急难·补充】急需：那她今晚睡哪点嘛 八十岁勒")
    assert again["existing"] and again["reference"] == booked["reference"]  # one call-back for the phone, not two
    topic = _desk(world)[booked["reference"]]
    assert "那她今晚睡哪点嘛 八十岁勒" in topic and "当事人隔壁刘婆婆" in topic and len(topic) <= TOPIC_MAX
    assert topic.count("【急需") == 1


def test_a_report_after_a_plain_call_back_comes_first_and_keeps_the_first_words(world) -> None:  # noqa: ANN001
    """The tester's own order: "找工作人员" first (a plain call-back), then the report for the same phone."""
    booked = _book(world, "想问一下临时救助", urgent=False)
    _book(world, REPORT)
    topic = _desk(world)[booked["reference"]]
    assert topic.startswith("【急需：住处】【急难·邻居代报") and topic.endswith("此前：想问一下临时救助")
