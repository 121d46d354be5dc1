"""Action tests: tracker snapshots from JSON and a fake backend behind the real HTTP client."""

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

RECORDED_ID = "11010519491231002X"  # an ID the fake backend knows, with a phone on record
LOCKED_CODE = "000000"  # a code the fake backend answers with the lock-out (too many wrong codes)
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import SlotSet as RasaSlotSet
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient, set_client
from actions.form_first import ActionReadAnswer

SNAPSHOTS = Path(__file__).with_name("snapshots")
# What GET /policy/offer answers (tests/backend/test_policy.py checks the backend's side of it).
OFFER = {
    "region": "重庆", "default_region": "重庆", "regions": ["重庆", "武汉", "常州"],
    "question_types": ["低保", "特困", "临时救助", "低保边缘", "刚性支出困难", "医疗救助", "教育救助", "住房救助", "就业救助"],
    "aspects": ["条件", "标准", "材料", "流程", "时限", "资产"], "default_type": "低保", "default_aspect": "标准",
    "filing_types": [{"assistance_type": "低保", "subtypes": [], "default_subtype": None},
                     {"assistance_type": "特困", "subtypes": [], "default_subtype": None},
                     {"assistance_type": "临时救助", "subtypes": ["支出型", "急难型"], "default_subtype": "支出型"}],
    "emergency": {"assistance_type": "临时救助", "subtype": "急难型"},
}


def _street(code: str, name: str, district: str, city: str = "重庆市", province: str = "重庆市", *, region: str | None = "重庆",
            office: bool = True) -> dict:
    return {"code": code, "name": name, "level": "street", "full_name": f"{province if province != city else ''}{city}{district}{name}",
            "district": district, "city": city, "province": province, "match": "exact", "community": None, "standards_region": region,
            "office_name": f"{name}社会救助窗口" if office else f"{district}民政局", "office_phone": f"023-00{code[3:]}" if office else "12345",
            "office_hours": "工作日 9:00-17:30", "office_configured": office}


# The gazetteer as GET /areas/search answers it (official codes; tests/backend checks the real search).
STREETS = [_street("500103001", "七星岗街道", "渝中区"), _street("500103003", "解放碑街道", "渝中区"),
           _street("500103004", "两路口街道", "渝中区"), _street("500110003", "古南街道", "綦江区"),
           _street("500110001", "万盛街道", "綦江区"),
           _street("500230001", "城关镇", "丰都县"), _street("610323001", "城关镇", "岐山县", "宝鸡市", "陕西省", region=None),
           _street("110101001", "东华门街道", "东城区", "北京市", "北京市", region=None, office=False)]
DISTRICT = {"code": "500103", "name": "渝中区", "level": "district", "full_name": "重庆市渝中区", "district": None, "city": "重庆市",
            "province": "重庆市", "match": "exact", "community": None, "standards_region": "重庆", "office_name": "渝中区民政局",
            "office_phone": "023-00000103", "office_hours": "工作日 9:00-17:30", "office_configured": True}
TYPOS = {"俩路口": "两路口街道", "两路扣": "两路口街道"}


class UnknownArea(Exception):
    """The backend's 404 for a `within` it does not know."""


def search_areas(params: httpx.QueryParams) -> list[dict]:
    q, within = params["q"], params.get("within")
    if within and within not in ("重庆", "500000", "500103"):
        raise UnknownArea()
    if within == "500103" and q == "街道":
        return [STREETS[0]]
    if q.strip() in ("渝中区", "渝中"):
        return [DISTRICT]
    found = [a for a in STREETS if a["name"].removesuffix("街道") in q]
    found = [a for a in found if a["district"][:2] in q] or found
    if found:
        return found
    close = next((name for typo, name in TYPOS.items() if typo in q), None)
    return [{**a, "match": "close"} for a in STREETS if a["name"] == close]


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8")))


class FakeBackend:
    """Answers like the backend's API; records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.handler: Callable[[httpx.Request], httpx.Response] = self.route
        self.submitted: dict[str, dict] = {}
        # The steps the applicant may take on JZ20261124000009 now (GET /applications/{number}).
        self.available = ["withdraw", "request_change", "add_information"]
        # POST /delegations/held: None answers 404 no_delegation; a dict is the answer.
        self.held: dict | None = None
        # POST /applications/open-check: None answers 204; a text is the 409's message (her case is open).
        self.open_case: str | None = None
        # The phone's saved drafts (backend/drafts), newest first, as GET /drafts/application gives them.
        self.drafts: list[dict] = []
        # The phone's applications (GET /applications/mine).
        self.mine: list[dict] = [{"number": "JZ20261124000009"}]
        # Nobody at work at the office now (GET /on-duty; urgent call-backs and complaints wait for its opening).
        self.night = False
        self.duty_phone: str | None = None  # the street's duty mobile, where one is on file

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def answers(self) -> list[httpx.Request]:
        """The requests other than the offer (fetched once per client, then cached)."""
        return [r for r in self.requests if r.url.path != "/api/v1/policy/offer"]

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def body(self, index: int = -1) -> dict:
        return json.loads(self.requests[index].content)

    def route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/policy/answer":
            return self.policy(request)
        if path == "/policy/offer":
            return httpx.Response(200, json=OFFER)
        if path == "/persons/check-id":
            number = json.loads(request.content)["id_number"]
            if number == "11010519491231002X":
                return httpx.Response(200, json={"valid": True, "message": None, "masked": "110105********002X"})
            return httpx.Response(200, json={"valid": False, "message": "身份证号码的最后一位（校验位）对不上，可能有一位输错了，请再核对一下。", "masked": None})
        if path == "/areas/search":
            try:
                return httpx.Response(200, json=search_areas(request.url.params))
            except UnknownArea:
                return httpx.Response(404, json={"error": {"code": "unknown_area", "message": "没有这个地区。", "details": None}})
        if path == "/delegations/held":
            if self.held is None:
                return httpx.Response(404, json={"error": {"code": "no_delegation", "message": "还没有这位的授权委托。",
                                                           "details": None}})
            return httpx.Response(200, json=self.held)
        if path == "/applications/open-check":
            if self.open_case is None:
                return httpx.Response(204)
            return httpx.Response(409, json={"error": {"code": "application_already_open", "message": self.open_case,
                                                       "details": {"number": "JZ20261124000009"}}})
        if path == "/delegations/paper-link":
            return httpx.Response(201, json={"upload_url": "/api/v1/delegations/paper-link/sealed", "expires_at": "2026-12-07T03:00:00+08:00"})
        if path == "/drafts/application" and request.method == "PUT":
            body = json.loads(request.content)
            saved = {"id": 7, "form": "application", "label": f"{body['kind']} · 某*某", "updated_at": "2026-12-07T02:00:00Z",
                     "updated_said": "12月7日", "kept_until_said": "2027年1月6日", "answers": body["answers"]}
            self.drafts = [saved, *[d for d in self.drafts if d["id"] != 7]]
            return httpx.Response(200, json={k: v for k, v in saved.items() if k != "answers"})
        if path == "/drafts/application":
            return httpx.Response(200, json=self.drafts)
        if path.startswith("/drafts/application/") and request.method == "DELETE":
            self.drafts = [d for d in self.drafts if str(d["id"]) != path.rsplit("/", 1)[1]]
            return httpx.Response(204)
        if path == "/auth/otp/request":
            return httpx.Response(200, json={"sent": True, "message": "验证码已发送"})
        if path in ("/auth/otp/verify", "/delegations") and json.loads(request.content).get("code", (json.loads(
                request.content).get("consent") or {}).get("code")) == LOCKED_CODE:
            # Too many wrong codes: the throttle's answer (backend/auth/throttle.py).
            return httpx.Response(429, json={"error": {"code": "too_many_requests", "details": {"retry_after_seconds": 900},
                                                       "message": "验证码试的次数太多了，为了保护您的信息，请15分钟后再试。"}})
        if path == "/auth/otp/verify":
            ok = json.loads(request.content)["code"] == "123456"
            return httpx.Response(200, json={"access_token": "citizen-token", "expires_in": 7200}) if ok else httpx.Response(
                400, json={"error": {"code": "wrong_code", "message": "验证码不对或已过期，请重新获取。", "details": None}})
        if path == "/delegations/consent-code":
            principal = json.loads(request.content)["principal"]
            # A recorded person (this ID) has another phone on record: the code goes there.
            recorded = "138****0000" if principal["id_number"] == RECORDED_ID else f"{principal['phone'][:3]}****{principal['phone'][-4:]}"
            return httpx.Response(200, json={"message": f"已给{principal['name']}的手机{recorded}发了授权验证码，请本人把验证码告诉您。",
                                             "phone_masked": recorded})
        if path == "/delegations":
            return httpx.Response(201, json={"id": 7, "active": True})
        if path == "/applications" and request.method == "POST":
            key = request.headers["Idempotency-Key"]
            first = key not in self.submitted
            self.submitted.setdefault(key, json.loads(request.content))
            # Its members as filed; one sent without an ID number is to come (身份证号待补).
            members = [{"person_id": i, "name": m["name"], "relation": m.get("relation") or "待核实",
                        "id_pending": not m.get("id_number")} for i, m in enumerate(self.submitted[key]["members"], 1)]
            return httpx.Response(201 if first else 200, json={"number": "JZ20261124000009", "status_label": "已提交，等待受理",
                                                               "step_due_date": "2026-11-27", "step_due_day": "11月27日（星期五）",
                                                               "members": members})
        if path == "/applications/mine":
            return httpx.Response(200, json=self.mine)
        if path.endswith("/progress"):
            return httpx.Response(200, json={
                "summary": "您的低保申请（JZ20261124000009）现在是“已提交，等待受理”。",
                "said": "您的低保申请（JZ20261124000009）：\n✓ 11月24日 提交申请\n→ 现在：已提交，等待受理，由街道（乡镇）办理，预计11月27日（星期五）前办完\n下一步：受理",
                "said_sms": "您的低保申请（JZ20261124000009）：\n→ 现在：已提交，等待受理，预计11月27日（星期五）前办完\n下一步：受理"})
        if path.endswith("/payments"):
            return httpx.Response(200, json=[{"month": "2026-12", "kind": "monthly", "amount": "470", "status": "paid", "paid_on": "2026-12-10",
                                              "month_said": "2026年12月", "amount_said": "470元", "paid_on_said": "12月10日（星期四）"}])
        if path == "/callbacks":
            body = json.loads(request.content)
            if not body.get("phone") and "X-Citizen-Token" not in request.headers:
                return httpx.Response(422, json={"error": {"code": "callback_needs_phone", "details": None,
                                                           "message": "请留一个能接电话的手机号，工作人员才能给您回电话。"}})
            street = bool(body.get("area_code"))
            urgent_now = bool(body.get("urgent")) and not self.night
            return httpx.Response(201, json={
                "id": 1, "reference": "HD000001", "office_name": "七星岗街道社会救助窗口" if street else "政务服务便民热线",
                "office_phone": None if street else "12345", "office_hours": "工作日 9:00-17:30", "office_configured": street,
                "caller": "七星岗街道社会救助窗口" if street else "市民政局社会救助科",
                "due_day": "11月24日（星期二）" if body.get("urgent") else "11月25日（星期三）",
                # backend service_desk/when.py: "今天" while the office is at work, else its next opening
                "promise": ("11月24日（星期二）上午9:00一上班" if self.night else "今天") if body.get("urgent") else "11月25日（星期三）下班前",
                "urgent": bool(body.get("urgent")), "due_today": urgent_now, "duty_phone": self.duty_phone if street else None,
                "duty_told": bool(body.get("urgent") and street), "sms_sent": True,
                "area_code": body.get("area_code")})
        if re.fullmatch(r"/callbacks/HD\d+/call-phone", path):  # another number to call (backend/service_desk/call_phone.py)
            body = json.loads(request.content)
            return httpx.Response(200, json={"reference": path.split("/")[2], "contact": body.get("contact"),
                                             "call_phone_masked": f"{body['call_phone'][:3]}****{body['call_phone'][-4:]}"})
        if path == "/on-duty":
            area = request.url.params.get("area_code")
            return httpx.Response(200, json={
                "area_code": area, "caller": "七星岗街道社会救助窗口" if area else "市民政局社会救助科", "open_now": not self.night,
                "promise": "11月24日（星期二）上午9:00一上班" if self.night else "今天", "office_hours": "工作日 9:00-17:30" if area else None,
                "office_phone": None, "duty_phone": self.duty_phone if area else None})
        if path == "/complaints":
            related = json.loads(request.content).get("related")
            return httpx.Response(201, json={"id": 12, "reference": "TS000012", "due_day": "11月24日（星期二）" if related else "12月1日（星期二）",
                                             "urgent": bool(related), "related": related, "due_today": bool(related) and not self.night,
                                             "promise": ("11月24日（星期二）上午9:00一上班" if self.night else "今天") if related else "12月1日（星期二）下班前",
                                             "handled_by": "渝中区民政局社会救助科"})
        if path == "/applications/JZ20261124000009" and request.method == "GET":
            return httpx.Response(200, json={"number": "JZ20261124000009", "assistance_type": "低保", "status": "submitted",
                                             "status_label": "已提交，等待受理", "step_due_day": "11月27日（星期五）",
                                             "available_actions": self.available})
        if path.startswith("/applications/JZ20261124000009/actions/"):
            action = path.rsplit("/", 1)[1]
            if action not in self.available:
                return httpx.Response(409, json={"error": {"code": "wrong_status", "message": "不能办理这一步。", "details": None}})
            return httpx.Response(200, json={"number": "JZ20261124000009", "status": "withdrawn" if action == "withdraw" else "submitted",
                                             "step_due_day": None if action == "withdraw" else "11月27日（星期五）"})
        if path == "/eligibility/income-kind":
            said = request.url.params["said"]
            if "退休" in said:  # a work unit's pension (rules.yaml): counted
                return httpx.Response(200, json={"kind": "退休金", "recognized": True, "counted": True, "deductible": False})
            excluded = next((k for n, k in (("养老金", "城乡居民基础养老金"), ("抚恤", "优抚金")) if n in said), None)
            return httpx.Response(200, json={"kind": excluded or said, "recognized": excluded is not None,
                                             "counted": excluded is None, "deductible": False})
        if path == "/eligibility/hukou":
            differ = request.url.params["region"] != "常州"
            street = request.url.params.get("street") or ""
            suggested = "urban" if street.endswith("街道") else "rural" if street.endswith(("镇", "乡")) else None
            return httpx.Response(200, json={"matters": differ, "suggested": suggested if differ else None, "urban": "770.00" if differ else "1000.00",
                                             "rural": "630.00" if differ else "1000.00"})
        if path == "/eligibility/precheck":
            body = json.loads(request.content)
            if body.get("region") == "广东":  # a place without figures: nothing measured
                return httpx.Response(200, json={"standard": None, "results": [
                    {"assistance_type": "低保", "eligible": False, "monthly_amount": None,
                     "reason": "暂时没有广东在2026年12月7日执行的标准数据，无法测算，请咨询街道（乡镇）社会救助窗口。"}]})
            income = sum(i["monthly_amount"] for i in json.loads(request.content)["members"][0].get("incomes") or [])
            if income > 1000:
                return httpx.Response(200, json={"standard": "770.00", "results": [
                    {"assistance_type": "低保", "eligible": False, "monthly_amount": None,
                     "reason": "家庭1人，月人均收入1200元，不低于重庆市城市低保标准770元，不符合低保条件。",
                     "plain": f"按您说的，每月{income:g}元，比低保标准770元高，低保一般批不下来。"},
                    {"assistance_type": "低保边缘", "eligible": True, "monthly_amount": None,
                     "reason": "家庭1人，月人均收入1200元，低于低保边缘收入线1155元。",
                     "plain": "您这种算“低保边缘”：收入比低保标准高一点、又不到1155元的困难家庭。不发低保金，但看病、娃儿读书这些可以申请医疗、教育等专项救助。"},
                    {"assistance_type": "特困", "eligible": False, "monthly_amount": None,
                     "reason": "申请人每月收入1200元，不低于特困供养标准1001元。"}]})
            if income > 800:
                return httpx.Response(200, json={"standard": "770.00", "results": [
                    {"assistance_type": "低保", "eligible": False, "monthly_amount": None,
                     "reason": "家庭1人，月人均收入900元，不低于重庆市城市低保标准770元，不符合低保条件。"},
                    {"assistance_type": "特困", "eligible": False, "monthly_amount": None,
                     "reason": "申请人有劳动能力，不符合特困人员条件。"}]})
            return httpx.Response(200, json={"standard": "770.00", "results": [
                {"assistance_type": "低保", "eligible": True, "reason": "家庭1人，月人均收入300元，低于重庆市城市低保标准770元。", "monthly_amount": "470"},
                {"assistance_type": "低保边缘", "eligible": False, "reason": "已符合低保条件。", "monthly_amount": None}]})
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "没有找到。", "details": None}})

    @staticmethod
    def policy(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        known = {"重庆": "重庆市现行低保标准：城市每人每月770元，农村每人每月630元。"}
        # Places the backend finds that have no figures (the areas service knows the whole country).
        elsewhere = {"成都": "四川省成都市", "北京": "北京市"}
        # As the backend: a place named in `said` (this message) wins over `region` (the one held before).
        said = params.get("said") or ""
        region = next((p for p in (*known, *elsewhere) if p in said), None) or params.get("region")
        aspect = params["aspect"]
        base = {
            "assistance_type": params["assistance_type"], "aspect": aspect, "known_regions": ["重庆", "武汉", "常州"],
            "place": None, "offer_precheck": aspect in ("条件", "资产"),
        }
        # As the backend: what a word means, or whether an income counts, whatever type and aspect were sent.
        terms = {"受理": "“受理”就是街道（乡镇）收下了您的申请，正式开始办。", "退休金": "退休金要算进家庭收入。",
                 "委托书": "“授权委托书”是本人签字同意让别人替他办的一张表，社区可以领。"}
        if re.search(r"住哪|没得地方住|没地方住", said):  # as the backend: a night without a bed, before any rule
            return httpx.Response(200, json={**base, "answer": "今晚没地方住的话：救助管理站可以先安排临时住处。晚上可以打110。",
                                             "needs_region": False, "region": None, "term": "急需"})
        term = next((t for t in terms if t in said and re.search(r"意思|是啥|算不算|算收入", said)), None)
        if term:
            return httpx.Response(200, json={**base, "answer": terms[term], "needs_region": False, "region": None,
                                             "term": term})
        if aspect == "材料":
            return httpx.Response(200, json={**base, "answer": "一般要身份证、户口簿。", "needs_region": False, "region": None})
        if region in known:
            return httpx.Response(200, json={**base, "answer": known[region], "needs_region": False, "region": region})
        if region in elsewhere:
            text = f"{elsewhere[region]}的低保标准我这里还没有当地的数据，不敢乱说。低保标准由当地政府定。可以打12345问。"
            return httpx.Response(200, json={**base, "answer": text, "needs_region": False, "region": None,
                                             "place": elsewhere[region]})
        national = "全国的规定是：存款、房产、车辆等财产要符合当地的规定。" if aspect == "资产" else None
        return httpx.Response(200, json={**base, "answer": None, "needs_region": True, "region": None,
                                         "national": national})


@pytest.fixture
def fake_backend() -> Iterator[FakeBackend]:
    fake = FakeBackend()
    set_client(BackendClient("http://backend.test", "service-token-for-tests", transport=httpx.MockTransport(fake)))
    yield fake
    set_client(None)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict:
    return {}


@pytest.fixture
def remote_actions_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's call of the custom slot mapping action (action_read_answer, actions/form_first.py) answered by our
    action server's code in process, so ActionExtractSlots fills what it would fill in the running stack."""
    async def run(self, output_channel, nlg, tracker, domain):  # noqa: ANN001
        assert self.name() == "action_read_answer"
        events = await ActionReadAnswer().run(CollectingDispatcher(), Tracker.from_dict(tracker.current_state()), {})
        return [RasaSlotSet(e["name"], e["value"]) for e in events]
    monkeypatch.setattr(RemoteAction, "run", run)
