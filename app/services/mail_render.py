"""Rendering a mail from its templates (`email/<name>.txt`, and `.html` when present), once:
the outbox renders each message with it, and a fan-out renders one per language and fills
in each recipient's own link (`Rendered.with_text`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import escape


@dataclass(frozen=True)
class Rendered:
    """A message's subject and bodies, rendered once (a fan-out reuses them per language)."""
    subject: str
    text: str
    html: str | None

    def with_text(self, slot: str, value: str) -> Rendered:
        """The same message with `slot` replaced by `value` (one recipient's own link)."""
        html = self.html.replace(slot, str(escape(value))) if self.html else self.html
        return Rendered(self.subject, self.text.replace(slot, value), html)


def render(template: str, subject: str, **context) -> tuple[str, str | None]:
    """The text (and HTML, when the template has one) of `email/<template>`."""
    context.setdefault("subject", subject)
    return (render_template(f"email/{template}.txt", **context),
            _render_optional(f"email/{template}.html", context))


def _render_optional(name: str, context: dict) -> str | None:
    from jinja2 import TemplateNotFound

    try:
        return render_template(name, **context)
    except TemplateNotFound:
        return None
