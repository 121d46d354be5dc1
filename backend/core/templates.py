"""The two jinja2 environments: sandboxed text for messages, autoescaped HTML for pages."""

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from backend.core import say

BACKEND_DIR = Path(__file__).resolve().parents[1]


def _template_dirs() -> list[str]:
    return sorted(str(p) for p in BACKEND_DIR.glob("*/templates") if p.is_dir())


def _register(env: Environment) -> Environment:
    """The wording filters, all from core/say.py: `day`, `by_day`, `moment`, `full_date`, `yuan`, `times`, `month`,
    `grant`."""
    env.filters.update(day=say.day, by_day=say.by_day, moment=say.moment, full_date=say.full_date, yuan=say.yuan,
                       times=say.times, month=say.month)
    env.filters["grant"] = lambda amount, one_off=False: say.grant(amount, one_off=one_off)
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
