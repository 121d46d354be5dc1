"""Migration 0008 carries a filled `progress` bag over into the typed columns and tables, and back."""

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import command

from backend.core.db import make_engine
from backend.prestart import alembic_config

BAG = {
    "returns": 1,
    "missing": ["户口簿复印件", "近6个月银行流水"],
    "home_visit": {"investigators": ["李强", "王芳"], "visited_on": "2026-09-29", "video": True},
    "economic_check": {"存款": "无", "车辆": "无"},
    "publicity_from": "2026-10-08",
    "publicity_until": "2026-10-15",
    "proposed_amount": "470",
    "objection_history": ["邻居反映有车"],
    "democratic_review": "评议通过",
    "objection": "又有人反映",
    "spot_check": {"by": "staff:9", "on": "2026-10-16", "note": "抽查无误"},
    "decision": {"outcome": "approved", "amount": "470"},
    "first_payment_month": "2026-11",
    "advance_amount": "300",
    "phase_out": {"from_month": "2026-12", "amounts": ["300", "200", "100"]},
    "suspension_proposed": {"on": "2027-02-05", "reason": "待遇资格认证逾期", "due": "2027-01-20"},
    "economic_check_report": {"people": [{"name": "张秀英"}], "comparison": [], "sources": ["社保"]},
}

NEW_TABLES = ("phase_out_months", "suspension_proposals", "economic_check_reports", "publicity_objections")


def _table(conn: sa.Connection, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=conn)


def _insert_old_application(conn: sa.Connection) -> int:
    now = datetime(2026, 9, 24, 2, tzinfo=UTC)
    person = conn.execute(_table(conn, "persons").insert().values(name="迁移测试", created_at=now)).inserted_primary_key[0]
    household = conn.execute(_table(conn, "households").insert().values(
        area_code="500103001", is_rural=False, created_at=now)).inserted_primary_key[0]
    return conn.execute(_table(conn, "applications").insert().values(
        assistance_type="低保", household_id=household, applicant_person_id=person, area_code="500103001",
        district_code="500103", region="重庆", channel="web", filed_by="test", status="paying", is_open=False,
        submitted_on=date(2026, 9, 24), extended=False, conflict_of_interest=False, spot_check_required=False,
        payments_suspended=False, progress=BAG, created_at=now, version=1,
    )).inserted_primary_key[0]


def _remove(conn: sa.Connection, app_id: int) -> None:
    apps = _table(conn, "applications")
    person, household = conn.execute(sa.select(apps.c.applicant_person_id, apps.c.household_id).where(apps.c.id == app_id)).one()
    for name in NEW_TABLES:
        conn.execute(sa.text(f"DELETE FROM {name} WHERE application_id = :a"), {"a": app_id})
    conn.execute(apps.delete().where(apps.c.id == app_id))
    conn.execute(sa.text("DELETE FROM households WHERE id = :h"), {"h": household})
    conn.execute(sa.text("DELETE FROM persons WHERE id = :p"), {"p": person})


def test_a_filled_progress_bag_arrives_in_the_typed_places_and_comes_back(database_url: str, engine: sa.Engine) -> None:
    cfg = alembic_config(database_url)
    command.downgrade(cfg, "0007")
    db = make_engine(database_url)
    app_id = None
    try:
        with db.begin() as conn:
            app_id = _insert_old_application(conn)
        command.upgrade(cfg, "head")

        with db.connect() as conn:
            app = conn.execute(sa.select(_table(conn, "applications")).where(sa.text(f"id = {app_id}"))).mappings().one()
            assert "progress" not in app
            assert app["returns_count"] == 1 and app["missing_materials"] == ["户口簿复印件", "近6个月银行流水"]
            assert (app["home_visit_on"], app["home_visit_investigators"], app["home_visit_video"]) == (
                date(2026, 9, 29), ["李强", "王芳"], True)
            assert app["economic_check_results"] == {"存款": "无", "车辆": "无"}
            assert (app["publicity_from"], app["publicity_until"]) == (date(2026, 10, 8), date(2026, 10, 15))
            assert app["proposed_amount"] == Decimal("470") and app["advance_amount"] == Decimal("300")
            assert (app["spot_check_by"], app["spot_check_on"], app["spot_check_note"]) == ("staff:9", date(2026, 10, 16), "抽查无误")
            assert app["first_payment_month"] == "2026-11"
            months = conn.execute(sa.text("SELECT month, amount FROM phase_out_months WHERE application_id = :a ORDER BY month"),
                                  {"a": app_id}).all()
            assert [(m, Decimal(str(a))) for m, a in months] == [
                ("2026-12", Decimal(300)), ("2027-01", Decimal(200)), ("2027-02", Decimal(100))]
            proposal = conn.execute(sa.text("SELECT proposed_on, reason, due_on, decided_on FROM suspension_proposals "
                                            "WHERE application_id = :a"), {"a": app_id}).one()
            assert (str(proposal[0]), proposal[1], str(proposal[2]), proposal[3]) == ("2027-02-05", "待遇资格认证逾期", "2027-01-20", None)
            report = conn.execute(sa.select(_table(conn, "economic_check_reports").c.report)
                                  .where(sa.text(f"application_id = {app_id}"))).scalar_one()
            assert report == BAG["economic_check_report"]
            objections = conn.execute(sa.text("SELECT note, is_open, democratic_review FROM publicity_objections "
                                              "WHERE application_id = :a ORDER BY id"), {"a": app_id}).all()
            assert [(n, bool(o), r) for n, o, r in objections] == [("邻居反映有车", False, "评议通过"), ("又有人反映", True, None)]

        # And back: the downgrade rebuilds the bag (the decision comes from the decisions table, absent here).
        command.downgrade(cfg, "0007")
        with db.connect() as conn:
            bag = conn.execute(sa.select(_table(conn, "applications").c.progress).where(sa.text(f"id = {app_id}"))).scalar_one()
        assert bag == {k: v for k, v in BAG.items() if k != "decision"}
        command.upgrade(cfg, "head")
    finally:
        command.upgrade(cfg, "head")
        if app_id is not None:
            with db.begin() as conn:
                _remove(conn, app_id)
        db.dispose()
