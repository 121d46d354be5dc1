"""Which notices go as WeChat template messages, and with what (backend/wechat/data/notices.yaml).

The outbox asks `template_message` when it queues a notice, with the values its SMS text was written
from, and stores the answer with the notice; the dispatcher sends it to a bound, following OpenID.
"""

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Template, TemplateError

from backend.core.settings import get_settings
from backend.core.templates import text_env

DEFAULT_FILE = Path(__file__).with_name("data") / "notices.yaml"
THING_LIMIT = 20

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeTemplate:
    template_id: str
    fields: dict[str, Template]
    url: Template | None


@lru_cache
def notice_templates(path: str | None = None) -> dict[str, NoticeTemplate]:
    """Kinds with a template ID, compiled once per process."""
    raw = yaml.safe_load(Path(path or get_settings().wechat_notice_templates or DEFAULT_FILE).read_text(encoding="utf-8")) or {}
    env = text_env()
    return {
        kind: NoticeTemplate(
            template_id=spec["template_id"],
            fields={name: env.from_string(expr) for name, expr in (spec.get("fields") or {}).items()},
            url=env.from_string(spec["url"]) if spec.get("url") else None,
        )
        for kind, spec in raw.items() if spec.get("template_id")
    }


def _value(name: str, text: str) -> str:
    text = " ".join(text.split())
    return text[:THING_LIMIT] if name.startswith("thing") else text


def template_message(kind: str, context: dict) -> str | None:
    """The template message for a notice of this kind as stored with it (JSON), or None: no template, SMS only."""
    spec = notice_templates().get(kind)
    if spec is None:
        return None
    try:
        data = {name: _value(name, t.render(**context)) for name, t in spec.fields.items()}
        url = spec.url.render(**context).strip() if spec.url else ""
    except TemplateError as exc:  # a mistake in the data file must not hold up the notice: it goes by SMS
        log.warning("wechat template for %s does not render (%s): by SMS", kind, exc)
        return None
    return json.dumps({"template_id": spec.template_id, "data": data, "url": url or None}, ensure_ascii=False)
