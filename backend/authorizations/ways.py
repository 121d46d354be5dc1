"""How each person who has not signed the 核对授权书 can still sign it — a small read for the chat ("他没手机 授权书咋签")
and anyone else who must say it: 刷脸 on his own phone (only when he has one on record), 刷脸 on a helper's phone
(guardian mode: the helper's delegation needs "sign", and a reference face must be on file or an ID card photo sent
first), or 工作人员协助签署 — on paper or by fingerprint at the home visit, or at the window (assisted.witnessed_sign).
A member whose ID number is to come (身份证号待补) has no way until the number is added."""

from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.authorizations.service import signature_status
from backend.facecheck.service import has_reference
from backend.people.models import Person

WAYS = {
    "face_own_phone": "用本人的手机刷脸签",
    "face_helper_phone": "用家属或帮办人的手机，本人对着镜头刷脸签（帮办委托要有“签字”这一项）",
    "staff_home_visit": "入户调查时，工作人员看着本人在纸上签字或按手印",
    "staff_window": "本人到街道（乡镇）社会救助窗口，当面签",
}
ADD_ID_FIRST = "先补上身份证号，才能签"


def ways_to_sign(session: Session, app: Application) -> list[dict]:
    """One row for each person who has not signed: person_id, name, id_pending, has_phone, has_reference (a face
    on file to compare with; without it a face link waits for an ID card photo), ways (keys of WAYS, in the
    order to offer them) and said (the ways in words, or ADD_ID_FIRST)."""
    rows = []
    for s in signature_status(session, app):
        if s["signed"]:
            continue
        person = session.get(Person, s["person_id"])
        has_phone = bool(person.phone_hash)
        if s["id_pending"]:
            ways: list[str] = []
        else:
            ways = (["face_own_phone"] if has_phone else []) + ["face_helper_phone", "staff_home_visit", "staff_window"]
        rows.append({"person_id": person.id, "name": person.name, "id_pending": s["id_pending"], "has_phone": has_phone,
                     "has_reference": has_reference(session, person.id), "ways": ways,
                     "said": [WAYS[w] for w in ways] or [ADD_ID_FIRST]})
    return rows
