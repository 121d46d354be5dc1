import importlib.util
import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from backend.core.logging import JsonFormatter, RedactingFilter, redact
from backend.core.settings import DEFAULT_SECRET, Settings

STRONG = "s3cret-value-long-enough-0123456789abcdef"


def test_development_runs_with_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert Settings(_env_file=None, environment="development").secret_key == DEFAULT_SECRET


@pytest.mark.parametrize("environment", ["production", "test"])
def test_default_secrets_are_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY.*must be set"):
        Settings(
            _env_file=None,
            environment=environment,
            secret_key=DEFAULT_SECRET,
            data_encryption_key=STRONG,
            service_token=STRONG,
        )


def test_an_unset_environment_refuses_default_secrets_like_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("ENVIRONMENT", "SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValidationError, match="must be set.*ENVIRONMENT=production"):
        Settings(_env_file=None)


def _stack_module(monkeypatch: pytest.MonkeyPatch, root: Path):  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("stack_under_test", Path(__file__).parents[2] / "scripts" / "stack.py")
    stack = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stack)
    monkeypatch.setattr(stack, "ROOT", root)
    monkeypatch.setattr(stack, "say", lambda msg: None)
    return stack


def test_make_run_says_development_in_dotenv_even_in_an_old_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    old = "SECRET_KEY=kept-as-it-was\nDEMO_STAFF_PASSWORD=mine"  # an earlier version's .env, no final newline
    (tmp_path / ".env").write_text(old, encoding="utf-8")
    stack = _stack_module(monkeypatch, tmp_path)
    stack.ensure_dotenv()
    values = stack.read_dotenv()
    assert values["ENVIRONMENT"] == "development" and values["SECRET_KEY"] == "kept-as-it-was"
    assert values["DEMO_STAFF_PASSWORD"] == "mine"
    stack.ensure_dotenv()  # a second run adds nothing
    assert (tmp_path / ".env").read_text(encoding="utf-8").count("ENVIRONMENT=") == 1


def test_make_run_never_overwrites_a_chosen_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ENVIRONMENT=production\n", encoding="utf-8")
    stack = _stack_module(monkeypatch, tmp_path)
    stack.ensure_dotenv()
    assert stack.read_dotenv()["ENVIRONMENT"] == "production"


def test_tokens_expire_on_the_backend_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta

    from backend.auth.security import issue_token, read_token
    from backend.core import clock

    start = datetime(2026, 11, 3, 9, 0, tzinfo=clock.CHINA)
    monkeypatch.setattr(clock, "now", lambda: start)
    token, expires = issue_token({"sub": "x", "kind": "staff"}, 30)
    assert expires == start + timedelta(minutes=30) and read_token(token)["sub"] == "x"
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=30))
    assert read_token(token) is None


def test_short_secrets_are_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SERVICE_TOKEN"):
        Settings(_env_file=None, environment="production", secret_key=STRONG, data_encryption_key=STRONG, service_token="abc")


TWILIO = {"sms_provider": "twilio", "twilio_account_sid": "AC" + "0" * 32, "twilio_auth_token": STRONG,
          "twilio_from_number": "+8613800000000"}


def test_strong_secrets_are_accepted_in_production() -> None:
    s = Settings(_env_file=None, environment="production", secret_key=STRONG, data_encryption_key=STRONG,
                 service_token=STRONG, audit_key=STRONG, **TWILIO)
    assert s.environment == "production"


def test_the_console_sms_provider_is_refused_in_production() -> None:
    """Issue 21: it prints every SMS, one-time codes included, to the log."""
    with pytest.raises(ValidationError, match="SMS_PROVIDER=console"):
        Settings(_env_file=None, environment="production", secret_key=STRONG, data_encryption_key=STRONG,
                 service_token=STRONG, audit_key=STRONG)
    assert Settings(_env_file=None, environment="test", secret_key=STRONG, data_encryption_key=STRONG,
                    service_token=STRONG, audit_key=STRONG).sms_provider == "console"


@pytest.mark.parametrize("audit_key", [DEFAULT_SECRET, "short"])
def test_a_default_or_short_audit_key_is_refused_in_production(audit_key: str) -> None:
    with pytest.raises(ValidationError, match="AUDIT_KEY"):
        Settings(_env_file=None, environment="production", secret_key=STRONG, data_encryption_key=STRONG,
                 service_token=STRONG, audit_key=audit_key)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("身份证11010519491231002X已提交", "身份证110105********002X已提交"),
        ("id=440524188001010014&x=1", "id=440524********0014&x=1"),
        ("电话13812345678", "电话138****5678"),
        ("+8613912345678 called", "+86139****5678 called"),
        ("金额770元，户数3", "金额770元，户数3"),
    ],
)
def test_redact_masks_id_and_phone_numbers(raw: str, masked: str) -> None:
    assert redact(raw) == masked


def _format(record: logging.LogRecord) -> dict:
    RedactingFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_lines_are_json_and_never_carry_numbers_in_clear() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "applicant %s phone %s", ("11010519491231002X", "13812345678"), None)
    record.path = "/api/v1/persons/11010519491231002X"
    line = _format(record)
    assert "11010519491231002X" not in json.dumps(line, ensure_ascii=False)
    assert "13812345678" not in json.dumps(line, ensure_ascii=False)
    assert line["msg"] == "applicant 110105********002X phone 138****5678"
    assert line["path"] == "/api/v1/persons/110105********002X"


def test_request_logs_leave_numbers_out(session, capsys: pytest.CaptureFixture[str]) -> None:
    from backend.main import create_app

    app = create_app()  # installs the JSON, redacting handler on the (captured) stderr
    TestClient(app).get("/api/v1/policy/standards/13812345678")
    err = capsys.readouterr().err
    access = [json.loads(line) for line in err.splitlines() if '"backend.access"' in line]
    assert access, "the access log should record the request"
    assert access[0]["path"] == "/api/v1/policy/standards/138****5678"
    assert "13812345678" not in err


FACE_TOKEN = "Xk3vQ9fZ2mLr8TnWpA4sYc6dHj0bEuKi"


def test_face_link_tokens_are_masked_in_request_logs(session, capsys: pytest.CaptureFixture[str]) -> None:
    from backend.core.db import get_session
    from backend.main import create_app

    app = create_app()  # installs the JSON, redacting handler on the (captured) stderr
    app.dependency_overrides[get_session] = lambda: (yield session)
    client = TestClient(app)
    client.get(f"/face/{FACE_TOKEN}")
    client.get(f"/api/v1/liveness/sessions/{FACE_TOKEN}")
    client.post(f"/api/v1/liveness/sessions/{FACE_TOKEN}/consent", json={})
    # The test client's own httpx lines name the URL it called; they are not the server's logs.
    lines = [line for line in capsys.readouterr().err.splitlines() if '"logger": "httpx"' not in line]
    paths = [json.loads(line)["path"] for line in lines if '"backend.access"' in line]
    assert paths == ["/face/Xk3…", "/api/v1/liveness/sessions/Xk3…", "/api/v1/liveness/sessions/Xk3…/consent"]
    assert not [line for line in lines if FACE_TOKEN[3:12] in line]


def test_the_log_formatter_masks_a_face_token_in_any_logged_path() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "opened", None, None)
    record.path = f"/face/{FACE_TOKEN}"
    assert _format(record)["path"] == "/face/Xk3…"


def test_uvicorn_access_log_is_off_once_logging_is_configured() -> None:
    from backend.core.logging import configure_logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging()
        assert logging.getLogger("uvicorn.access").disabled
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_failed_sql_does_not_show_its_parameters(session) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    phone = "13812345678"
    insert = text("INSERT INTO audit_head (id, seq, last_hash) VALUES (:id, 0, :last_hash)")
    with pytest.raises(IntegrityError) as caught:
        with session.begin_nested():
            session.execute(insert, {"id": 990001, "last_hash": phone})
            session.execute(insert, {"id": 990001, "last_hash": phone})
    assert phone not in str(caught.value)
    assert session.connection().engine.hide_parameters
