"""The two jinja2 environments: sandboxed text for messages, autoescaped HTML for pages."""

from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from backend.core.money import yuan

BACKEND_DIR = Path(__file__).resolve().parents[1]


def _template_dirs() -> list[str]:
    return sorted(str(p) for p in BACKEND_DIR.glob("*/templates") if p.is_dir())


def cn_date(value: date | str) -> str:
    """2025-07-01 -> 2025年7月1日"""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _register(env: Environment) -> Environment:
    env.filters["cn_date"] = cn_date
    env.filters["yuan"] = yuan
    return env


@lru_cache
def text_env() -> SandboxedEnvironment:
    """For chat answers and SMS: plain text, strict about missing values, trailing newline trimmed."""
    loader = ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()])
    env = SandboxedEnvironment(
        loader=loader, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
    )
    return _register(env)  # type: ignore[return-value]


@lru_cache
def html_env() -> Environment:
    loader = ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()])
    env = Environment(loader=loader, autoescape=select_autoescape(["html", "j2", "html.j2"]), undefined=StrictUndefined)
    return _register(env)


def render_text(name: str, **context: object) -> str:
    return text_env().get_template(name).render(**context).strip()
