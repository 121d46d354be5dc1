"""Settings, read from the environment (and an optional `.env` file at the repository root).

Outside development the secrets must be set: a default secret in production is a refused start-up,
not a warning in a log nobody reads. ENVIRONMENT left unset counts as production.
"""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET = "changethis"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=REPO_ROOT / ".env", extra="ignore", env_file_encoding="utf-8")

    # Unset means production: a server started without ENVIRONMENT must not accept the default
    # secrets. `make run` writes ENVIRONMENT=development into .env; the tests set "test".
    environment: Literal["development", "test", "production"] = "production"
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'jiuzhu.db'}"
    # Signs staff tokens and one-time links.
    secret_key: str = DEFAULT_SECRET
    # Encrypts ID numbers and face encodings at rest; keyed hashes for look-up derive from it.
    data_encryption_key: str = DEFAULT_SECRET
    # The action server's credential for calling this backend.
    service_token: str = DEFAULT_SECRET
    # Keys the audit chain's HMACs. Kept outside the database, so whoever can write the tables still
    # cannot rebuild a chain that verifies.
    audit_key: str = DEFAULT_SECRET
    # Where the web chat page forwards messages (Rasa's REST channel).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 30.0
    # SMS: "console" prints messages (embedded default); "twilio" sends through Twilio's API.
    sms_provider: Literal["console", "twilio"] = "console"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    # Only for tests and benchmarks against a local fake Twilio server.
    twilio_api_base: str | None = None
    # WeChat Official Account (公众号), backend/wechat/: with the App ID or secret unset the /wechat endpoints
    # answer 503 and every notice goes by SMS. The API base is only changed for tests (a local fake server).
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_timeout_seconds: float = 5.0
    # Which notices go as template messages, and the template IDs of this account (backend/wechat/data/notices.yaml).
    wechat_notice_templates: str = ""
    # The address Twilio reaches this backend at: status callbacks and signature checks use it.
    public_base_url: str = "http://127.0.0.1:8000"
    # Where the sign-in rate limiter keeps its counts: "memory://" (embedded, one process) or Redis
    # ("redis://host:6379/2") so that every backend process shares them.
    rate_limit_storage_url: str = "memory://"
    # Photos of home visits (backend/documents/storage.py): files on disk, not database blobs.
    documents_dir: str = str(REPO_ROOT / "var" / "documents")
    log_level: str = "INFO"
    log_json: bool = True
    # Upper bounds for money in requests (yuan); every request schema reads them through backend.core.fields.
    # One amount: an income, a deduction, a decided or paid amount, a month of a 渐退期 schedule. 低保 and
    # 特困 pay hundreds a month and a 临时救助 rarely tens of thousands; above 100,000 is a typing error.
    max_amount_yuan: Decimal = Decimal(100_000)
    # One asset (savings, securities, a home, a car). Higher than for amounts: a family's only flat in a
    # big city is honestly worth one to several million and must be declarable as it is.
    max_asset_yuan: Decimal = Decimal(10_000_000)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.sms_provider == "twilio" and not (self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number):
            raise ValueError("SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER")
        if self.environment == "development":
            return self
        weak = [
            name
            for name in ("secret_key", "data_encryption_key", "service_token", "audit_key")
            if getattr(self, name) == DEFAULT_SECRET or len(getattr(self, name)) < 32
        ]
        if weak:
            raise ValueError(
                f"{', '.join(n.upper() for n in weak)} must be set to a strong secret "
                f"(at least 32 characters) when ENVIRONMENT={self.environment}"
            )
        if self.environment == "production" and self.sms_provider == "console":
            # The console provider prints every message, one-time codes included, to the log.
            raise ValueError("SMS_PROVIDER=console prints every SMS (codes included) to the log: set SMS_PROVIDER=twilio "
                             "in production (ENVIRONMENT=development for a local run)")
        return self

    @property
    def wechat_configured(self) -> bool:
        return bool(self.wechat_app_id and self.wechat_app_secret)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
