"""How the desk reads a 急难 report: which application it is (JZ…, the 急难 case) and which call-back (HD…, 回电), and a
short summary from the report's own description before what was added to the call-back later.

A tester's fire in 双龙湖街道: the complaint said "跟您报的急难（编号HD000002）" and the desk showed "急难报告 HD000002",
though HD… is the call-back and the 急难 case is JZ…; the call-back's page strung fragments together ("催办：申请…；转人工；
我儿子的电话改好没得；…") so nobody read at once that a kitchen burned, his wife is in hospital and a deposit is due.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.applications.schemas import EMERGENCY
from backend.policy import needs
from backend.service_desk.models import CallbackRequest, Complaint

APPLICATION_NUMBER = re.compile(r"JZ\d{14}")  # applications.service numbers: JZ + day + six digits
CLAUSE = re.compile(r"[，,。；;！!？?\s]+")
HURT = re.compile(r"伤|在医院|住院|抢救|昏迷|骨折|去世|死了")
# What the report says it needs, beyond the chat's own 急需 list (policy/urgent_needs.yaml): a fire's bill and bed.
NEEDS_SAID = {
    "押金、医药费": re.compile(r"[压押]金|医药费|住院费|医疗费|看病的?钱"),
    "住处": re.compile(r"(睡房|卧室|房子|屋头|家)[^，。；]{0,4}(烧|垮|塌|淹|泡)|没得?地方住|住哪"),
}
HURRY = re.compile(r"^催办：申请JZ\d{14}（[^）]*）$")
NOT_SAID = ("转人工", "找工作人员", "我要找工作人员")  # the chat's handover words: nothing to read


@dataclass(frozen=True)
class ReportSummary:
    happened: str  # the description's first clause ("屋头着火了")
    hurt: list[str] = field(default_factory=list)  # the clauses saying who is hurt ("我老婆手烧伤了在医院头")
    needs: list[str] = field(default_factory=list)  # 押金、医药费, 住处, …


def is_emergency(app: Application | None) -> bool:
    return app is not None and (app.assistance_type, app.subtype) == EMERGENCY


def _application(session: Session, number: str | None) -> Application | None:
    return session.scalar(select(Application).where(Application.number == number)) if number else None


def report_application(session: Session, item: CallbackRequest | Complaint) -> Application | None:
    """The 急难 application (JZ…) a call-back or a complaint is about: a complaint's own number, the number its hurry
    names ("催办：申请JZ…"), or a complaint linked to the call-back that names one."""
    numbers: list[str | None] = []
    if isinstance(item, Complaint):
        numbers.append(item.application_number)
        if item.callback_id:
            callback = session.get(CallbackRequest, item.callback_id)
            numbers += APPLICATION_NUMBER.findall(callback.topic or "") if callback is not None else []
    else:
        numbers += APPLICATION_NUMBER.findall(item.topic or "")
        numbers += list(session.scalars(select(Complaint.application_number).where(
            Complaint.callback_id == item.id, Complaint.application_number.is_not(None)).order_by(Complaint.id)))
    for number in numbers:
        app = _application(session, number)
        if is_emergency(app):
            return app
    return None


def summary(description: str | None, added: str | None = None) -> ReportSummary | None:
    """What happened, who is hurt and what is needed, from the report's own description (needs also from what was added)."""
    clauses = [c for c in CLAUSE.split(description or "") if c]
    if not clauses:
        return None
    said = f"{description}；{added or ''}"
    found = [key for key, pattern in NEEDS_SAID.items() if pattern.search(said)]
    found += [n.key for n in needs.said_in(said) if n.key not in found]
    return ReportSummary(happened=clauses[0], hurt=[c for c in clauses[1:] if HURT.search(c)], needs=found)


def added_lines(topic: str | None) -> list[str]:
    """What the call-back says, one line for each thing added, in the order it came: the hurry of the application
    ("催办：申请JZ…（…）") and the chat's handover words left out (the page names the application and the call-back)."""
    text = re.sub(r"^【急需：[^】]*】", "", topic or "")
    lines = [line.removeprefix("此前：").strip() for line in text.split("；")]
    return [line for line in lines if line and not HURRY.match(line) and line not in NOT_SAID]
