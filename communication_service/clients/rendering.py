"""Jinja2 rendering of the catalogue's templates (German, HTML + text, one base layout)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from communication_service.domain.errors import UnknownTemplate
from communication_service.domain.templates import SPECS

TEMPLATE_DIR = Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class Rendered:
    """A rendered e-mail: subject, plain text and HTML."""

    subject: str
    text: str
    html: str


def build_environment() -> Environment:
    """HTML is autoescaped; text parts and subjects are not (they are not markup)."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )


class Renderer:
    """Renders catalogue templates; built once (templates are compiled and cached)."""

    def __init__(self, sender: dict[str, str], env: Environment | None = None) -> None:
        self.env = env or build_environment()
        self.sender = sender
        self._subjects = {name: self.env.from_string(spec.subject) for name, spec in SPECS.items()}

    def render(self, name: str, context: dict[str, Any]) -> Rendered:
        """Subject, text and HTML of one template with `context` (plus the sender)."""
        if name not in SPECS:
            raise UnknownTemplate(name)
        data = {"sender": self.sender, **context}
        subject = " ".join(self._subjects[name].render(data).split())
        data["subject"] = subject
        text = self.env.get_template(f"{name}.txt").render(data)
        html = self.env.get_template(f"{name}.html").render(data)
        return Rendered(subject, _tidy(text), html)

    def page(self, name: str, context: dict[str, Any]) -> str:
        """A public web page of `templates/pages/` (HTML, autoescaped), with the sender."""
        return self.env.get_template(f"pages/{name}.html").render(
            {"sender": self.sender, **context}
        )


def _tidy(text: str) -> str:
    """No runs of blank lines in the plain-text part."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
