"""Values from patients and therapists are escaped in every HTML e-mail part."""

from pathlib import Path

import pytest

from communication_service.clients.rendering import TEMPLATE_DIR, Renderer, build_environment
from communication_service.domain.templates import SPECS, sample_context

PAYLOAD = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;"
RENDERER = Renderer({"name": PAYLOAD, "address": "a", "email": "e@example.org", "phone": "1"})


def poisoned(value):
    """The same context with the payload appended to every text value."""
    if isinstance(value, str):
        return value + PAYLOAD
    if isinstance(value, dict):
        return {key: poisoned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(poisoned(item) for item in value)
    return value


def test_html_templates_are_autoescaped_and_text_templates_are_not():
    env = build_environment()
    assert env.autoescape("patient_placement_found.html") is True
    assert env.autoescape("patient_placement_found.txt") is False


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_script_in_any_value_is_escaped_in_the_html_part(name):
    rendered = RENDERER.render(name, poisoned(sample_context(name)))
    assert "<script>" not in rendered.html
    assert ESCAPED in rendered.html


def test_no_template_switches_escaping_off():
    for path in Path(TEMPLATE_DIR).glob("*.html"):
        source = path.read_text()
        for marker in ("|safe", "| safe", "autoescape false", "Markup("):
            assert marker not in source, f"{path.name} uses {marker}"
