"""服务台 · 参考照片 (/staff/desk/references): the ID card photos helpers uploaded wait for a caseworker of the
person's district (confirm or reject with how it was checked), and a reference photo is registered from the
page (a file or the phone's camera) — the API's rules (facecheck.references), CSRF on every post."""

from sqlalchemy import delete, select

from backend.audit.models import AuditEntry
from backend.authorizations.models import AuthorizationSignature
from backend.certification.models import CertificationSchedule
from backend.facecheck import FakeFaceEngine
from backend.facecheck.models import BiometricConsent
from backend.facecheck.service import REFERENCE_CONSENT_VERSION
from backend.staff.models import StaffUser
from tests.backend.staff_pages import sign_in
from tests.backend.test_checks_and_certification import _paying
from tests.backend.test_facecheck_pending_reference import _references, _upload, case  # noqa: F401 - a fixture

PAGE = "/staff/desk/references"


def _consents(world) -> list[BiometricConsent]:  # noqa: ANN001
    world.session.expire_all()
    return world.session.scalars(select(BiometricConsent).order_by(BiometricConsent.id)).all()


def test_a_pending_id_card_photo_is_confirmed_on_the_page(world, case) -> None:  # noqa: ANN001, F811
    number, her = case
    assert _upload(world, number, world.helper, "zhang").status_code == 201
    csrf = sign_in(world.client, "cw_qijiang")  # another district: not listed, not reviewable
    assert "张秀英" not in world.client.get(PAGE).text
    assert world.client.post(f"{PAGE}/{her.id}/review", data={"csrf_token": csrf, "decision": "confirm",
                                                             "reason": "越权"}).status_code == 404
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(PAGE).text
    assert "张秀英" in page and "李红" in page and "网格员" in page
    assert world.client.post(f"{PAGE}/{her.id}/review", data={"decision": "confirm", "reason": "无令牌"}).status_code == 403
    assert _references(world)[0].status == "pending"
    resp = world.client.post(f"{PAGE}/{her.id}/review", follow_redirects=False,
                             data={"csrf_token": csrf, "decision": "confirm", "reason": "入户核实，与户籍照片比对一致"})
    assert resp.status_code == 303
    ref = _references(world)[0]
    assert ref.status == "confirmed" and ref.review_reason == "入户核实，与户籍照片比对一致"
    assert "现在没有等待核实的照片" in world.client.get(PAGE).text
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "face.confirm_reference")).first()


def test_a_reference_photo_is_registered_from_the_page(world, case) -> None:  # noqa: ANN001, F811
    number, her = case
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(PAGE, params={"number": number}).text
    assert "张秀英" in page and "王强" in page and 'capture="user"' in page and "还没有参考照片" in page
    # The consent text and its version are on the form, with a required "本人已同意" and who was present.
    assert "照片本身不保存" in page and REFERENCE_CONSENT_VERSION in page
    assert 'name="consent" value="yes" required' in page and 'name="present" required' in page
    photo = {"image": ("me.jpg", FakeFaceEngine.frame("zhang"), "image/jpeg")}
    refused = world.client.post(f"{PAGE}/{her.id}", data={"number": number, "source": "staff_selfie"}, files=photo)
    assert refused.status_code == 403 and _references(world) == []
    # Without the person's consent ticked: refused, in Chinese, nothing recorded.
    unticked = world.client.post(f"{PAGE}/{her.id}", data={"csrf_token": csrf, "number": number, "source": "staff_selfie",
                                                         "present": "本人、经办人", "consent_text_version": REFERENCE_CONSENT_VERSION},
                                 files=photo)
    assert unticked.status_code == 422 and "本人已同意" in unticked.text and _references(world) == []
    assert _consents(world) == []
    resp = world.client.post(f"{PAGE}/{her.id}", data={"csrf_token": csrf, "number": number, "source": "staff_selfie",
                                                     "present": "本人、女儿王强", "consent": "yes",
                                                     "consent_text_version": REFERENCE_CONSENT_VERSION},
                             files=photo, follow_redirects=False)
    assert resp.status_code == 303, resp.text
    (consent,) = _consents(world)
    assert (consent.person_id, consent.agreed, consent.text_version, consent.channel, consent.present) == (
        her.id, True, REFERENCE_CONSENT_VERSION, "staff", "本人、女儿王强")
    assert consent.recorded_by_staff_id == world.session.scalars(select(StaffUser.id).where(StaffUser.username == "cw_yuzhong")).one()
    (ref,) = _references(world)
    assert ref.person_id == her.id and ref.status == "confirmed" and ref.source == "staff_selfie"
    assert "已经有参考照片" in world.client.get(PAGE, params={"number": number}).text
    csrf = sign_in(world.client, "cw_qijiang")
    assert world.client.get(PAGE, params={"number": number}).status_code == 404
    other = world.client.post(f"{PAGE}/{her.id}", data={"csrf_token": csrf, "number": number, "present": "本人、经办人",
                                                      "consent": "yes", "consent_text_version": REFERENCE_CONSENT_VERSION},
                              files=photo)
    assert other.status_code == 404 and len(_references(world)) == 1


def test_staff_assisted_signing_and_certification_with_the_reason(world, set_today) -> None:  # noqa: ANN001
    app = _paying(world, set_today)
    csrf = sign_in(world.client, "cw_yuzhong")
    world.session.execute(delete(AuthorizationSignature).where(AuthorizationSignature.person_id == app.applicant_person_id))
    world.session.commit()
    page = world.client.get(PAGE, params={"number": app.number}).text
    assert "记录协助签署" in page and "记录协助认证" in page
    refused = world.client.post(f"{PAGE}/{app.number}/sign/{app.applicant_person_id}", data={"note": "无令牌"})
    assert refused.status_code == 403
    no_reason = world.client.post(f"{PAGE}/{app.number}/sign/{app.applicant_person_id}", data={"csrf_token": csrf, "note": ""})
    assert no_reason.status_code == 422
    world.client.post(f"{PAGE}/{app.number}/sign/{app.applicant_person_id}", data={"csrf_token": csrf, "note": "窗口核实本人"})
    signature = world.session.scalars(select(AuthorizationSignature).where(
        AuthorizationSignature.person_id == app.applicant_person_id)).one()
    assert signature.method == "staff_assisted"
    world.client.post(f"{PAGE}/{app.number}/certify/{app.applicant_person_id}", data={"csrf_token": csrf, "note": "入户核实本人健在"})
    schedule = world.session.scalars(select(CertificationSchedule)).one()
    assert schedule.last_method == "staff_assisted"
    notes = [e.detail.get("note") for e in world.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(("authorization.staff_assisted_sign", "certification.staff_assisted"))).order_by(AuditEntry.seq))]
    assert notes[-2:] == ["窗口核实本人", "入户核实本人健在"]  # before: the signatures _paying had witnessed
    csrf = sign_in(world.client, "cw_qijiang")
    assert world.client.post(f"{PAGE}/{app.number}/certify/{app.applicant_person_id}",
                             data={"csrf_token": csrf, "note": "越权"}).status_code == 404


def test_paper_delegations_of_my_district_are_listed_with_who_verified_them(world, case) -> None:  # noqa: ANN001, F811
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/desk/delegations?show=verified").text
    assert "张秀英" in page and "李红" in page and "渝中七星岗-2026-0050" in page and "cw_yuzhong" in page
    sign_in(world.client, "cw_qijiang")
    other = world.client.get("/staff/desk/delegations?show=verified").text
    assert "张秀英" not in other and "本辖区现在没有生效的书面委托书" in other
