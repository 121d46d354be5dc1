"""Half-filled forms kept for the verified phone that filled them (service.py)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import AfterValidator, BaseModel, Field

from backend.auth.actor import ActorDep
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
from backend.core.fields import DbId, IdNumberText, ShortText, json_checked
from backend.drafts import service

router = APIRouter(prefix="/drafts", tags=["没填完的表 drafts"])
ERRORS: dict[int | str, dict[str, Any]] = {403: {"model": ErrorResponse}, 404: {"model": ErrorResponse},
                                           422: {"model": ErrorResponse}}
Form = Literal["application"]


class DraftIn(BaseModel):
    answers: Annotated[dict[str, Any], AfterValidator(json_checked("answers"))] = Field(
        description="the form's answers as the chat keeps them (stored encrypted, given back as they are)",
        examples=[{"assistance_type": "低保", "filing_for": "other", "applicant_name": "周明富"}])
    kind: ShortText(16) | None = Field(default=None, examples=["低保"], description="the assistance type, for the label")
    applicant_name: ShortText(64) | None = Field(default=None, examples=["周明富"], description="masked in the label")
    applicant_id: IdNumberText | None = Field(default=None, description="one draft per applicant: a new one replaces "
                                                                         "the old one for the same person")


class DraftOut(BaseModel):
    id: int
    form: str
    label: str = Field(examples=["低保 · 周*富"])
    updated_at: Any
    updated_said: str = Field(examples=["12月7日"])
    kept_until_said: str = Field(examples=["2027年1月6日"])
    answers: dict[str, Any] | None = None


class OthersIn(BaseModel):
    applicant_name: ShortText(64) = Field(examples=["周明富"])
    applicant_id: IdNumberText
    kind: ShortText(16) | None = Field(default=None, examples=["特困"],
                                       description="the form's type, once its filing was refused as already open")


class OthersOut(BaseModel):
    others: Literal["application", "draft", "filed"] | None = Field(
        description="null: nobody else is on this person's application; filed: the type asked is in hand, filed by someone else")
    said: str | None = Field(description="what to tell the helper (a person to call offered); null when nobody else")
    phone_masked: str | None = Field(examples=["139****2222"], description="the other helper's phone, masked, when known")


@router.post("/{form}/others", response_model=OthersOut, responses=ERRORS,
             summary="帮办人开始填某人的申请：是否已经有别人在帮她办（别的手机没填完的表，或在办的申请）")
def others(form: Form, body: OthersIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    return service.others(session, actor, form, applicant_name=body.applicant_name, applicant_id=body.applicant_id,
                          kind=body.kind)


@router.put("/{form}", response_model=DraftOut, summary="保存没填完的表（本人验证过的手机）", responses=ERRORS)
def save_draft(form: Form, body: DraftIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    return service.save(session, actor, form, body.answers, kind=body.kind, applicant_name=body.applicant_name,
                        applicant_id=body.applicant_id)


@router.get("/{form}", response_model=list[DraftOut], summary="我没填完的表（最新的在前，读取记入审计）", responses=ERRORS)
def my_drafts(form: Form, session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.mine(session, actor, form)


@router.delete("/{form}/{draft_id}", status_code=204, summary="不要这份没填完的表了（已提交或不办了）", responses=ERRORS)
def drop_draft(form: Form, draft_id: DbId, session: SessionDep, actor: ActorDep) -> Response:
    service.drop(session, actor, form, draft_id)
    return Response(status_code=204)
