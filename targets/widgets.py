"""HTML written in Python rather than by Django's templates: `escaped` (a value as a template
prints it), and form widgets.

Django writes a `<select>` by a template that includes one template per option, and another for
each element's attributes: the scorecards' filters (some 60 options, on every scorecard page,
cached or not) made 130 template includes a page, a third of the page's template work outside
the rows. `Select` writes the same HTML, byte for byte, in Python.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString, mark_safe


def escaped(value: Any) -> str:
    """A value as a template prints it (`{{ value }}`, autoescaped): safe text as it is,
    anything else escaped as Django escapes it; without `conditional_escape`'s checks for lazy
    text, which cost more than the escaping where thousands of cells are written in Python (the
    scorecards' rows, these selects)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False left out, True as a bare attribute."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"')
    return "".join(out)


class Select(forms.Select):
    """`forms.Select`, written as django/forms/widgets/select.html and select_option.html write
    it (the same bytes), without a template per option."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escaped(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{escaped(option['label'])}</option>\n"  # the option template's last line
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part escaped above
