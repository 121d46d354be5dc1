from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.core.fields import AreaCode, IdNumberText, PersonName, PhoneText, Relation, ShortText

HelperKind = Literal["relative", "grid_worker", "volunteer", "community_police", "staff"]
Scope = Literal["apply", "query", "sign", "certify", "notices", "withdraw"]

HELPER_KIND_LABELS = {
    "relative": "亲属", "grid_worker": "网格员", "volunteer": "志愿者", "community_police": "社区民警", "staff": "工作人员",
}


class PrincipalIn(BaseModel):
    name: PersonName = Field(examples=["张秀英"])
    id_number: IdNumberText = Field(examples=["11010519491231002X"])
    phone: PhoneText | None = Field(default=None, description="本人手机（用于接收授权验证码）", examples=["13812345678"])


class HeldIn(BaseModel):
    principal: PrincipalIn
    scope: Literal["apply", "query", "sign", "certify", "notices"] = "apply"


class HelperIn(BaseModel):
    name: PersonName = Field(examples=["李红"])
    phone: PhoneText = Field(examples=["13987654321"])
    kind: HelperKind = Field(examples=["relative"])
    relation: Relation | None = Field(default=None, examples=["女儿"])
    own_phones: list[PhoneText] = Field(default_factory=list, max_length=5,
                                        description="帮办人在这次对话里登录用过或说是自己的号码：不能当本人的手机")


class ConsentCodeIn(BaseModel):
    principal: PrincipalIn
    helper: HelperIn


class DelegationIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "principal": {"name": "张秀英", "id_number": "11010519491231002X", "phone": "13812345678"},
        "helper": {"name": "李红", "phone": "13987654321", "kind": "relative", "relation": "女儿"},
        "scope": ["apply", "query", "notices"],
        "consent": {"method": "otp", "code": "123456"},
        "valid_days": 365,
    }]})

    principal: PrincipalIn
    helper: HelperIn
    scope: list[Scope] = Field(default_factory=lambda: ["apply", "query", "sign", "certify", "notices"], min_length=1,
                               max_length=5)
    consent: "OtpConsent | PaperConsent"
    valid_days: int = Field(default=365, ge=1, le=1095)


class OtpConsent(BaseModel):
    method: Literal["otp"]
    code: ShortText(8) = Field(examples=["123456"])


class PaperConsent(BaseModel):
    method: Literal["paper"]
    # Stored after "书面授权委托书 " in delegations.consent_evidence (255).
    form_reference: ShortText(128, min_length=1) = Field(description="书面授权委托书的编号或存档位置", examples=["渝中七星岗-2026-0031"])
    area_code: AreaCode | None = Field(default=None, description="本人居住的街道（乡镇）代码；系统里还没有本人的申请时必填",
                                       examples=["500103001"])


DelegationIn.model_rebuild()


class DelegationOut(BaseModel):
    id: int
    principal_name: str
    helper_name: str
    helper_kind: str
    helper_kind_label: str = Field(examples=["亲属"])
    helper_relation: str | None
    scope: list[str]
    consent_method: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    status: str = Field(description="pending 等待工作人员核验（核验前不能用）| verified 已核验 | rejected 未通过核验",
                        examples=["verified"])
    active: bool


SCOPE_LABELS = {"apply": "申请救助", "query": "查询进度", "sign": "刷脸签核对授权书", "certify": "刷脸做待遇资格认证",
                "notices": "接收短信通知", "withdraw": "撤回您的救助申请（只这一次）"}


class ScopeCodeIn(BaseModel):
    scope: Scope = Field(examples=["certify"])


class ScopeAddIn(BaseModel):
    """The principal's consent to one more scope: the code sent to their phone on record (the helper
    submits it), or a paper form a caseworker of the principal's district has seen."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"scope": "certify", "consent": {"method": "otp", "code": "123456"}}]})

    scope: Scope
    consent: OtpConsent | PaperConsent


class RevokeIn(BaseModel):
    reason: ShortText(128) = Field(default="本人撤销")


class PendingPaperOut(BaseModel):
    """A paper form a helper submitted, waiting for a caseworker of the principal's district."""

    id: int
    principal_name: str
    helper_name: str
    helper_kind_label: str = Field(examples=["网格员"])
    helper_relation: str | None
    scope: list[str]
    form_reference: str = Field(examples=["书面授权委托书 渝中七星岗-2026-0031"])
    form_photo_url: str = Field(description="委托书照片（查看会记入审计）", examples=["/api/v1/delegations/7/form-photo"])
    submitted_at: datetime
    due_on: date = Field(description="应在这天之前核验（3个工作日）")


class VerifyPaperIn(BaseModel):
    note: ShortText(200, min_length=2) = Field(description="怎么核验的，例如打电话问了本人、入户看了原件",
                                               examples=["电话联系本人确认，签字与户籍档案一致"])


REJECT_REASON_MAX = 60  # the reason goes to the helper by SMS (two segments at most)


class RejectPaperIn(BaseModel):
    reason: ShortText(REJECT_REASON_MAX, min_length=2) = Field(description="为什么没通过（会用短信告诉帮办人，60字以内）",
                                                 examples=["照片看不清本人签字，请重新拍照提交"])
