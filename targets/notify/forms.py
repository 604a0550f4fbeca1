"""The preferences form: one "e-mail me" box per kind of notice, under its area."""

from __future__ import annotations

from typing import Any

from django import forms

from targets.models import NotificationPreference
from targets.notify import kinds as registry


def field_name(code: str) -> str:
    return f"email_{code}"


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, preferences: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas: list[tuple[str, list[tuple[registry.Kind, forms.BoundField]]]] = []
        for area, kinds in registry.areas():
            rows = []
            for kind in kinds:
                name = field_name(kind.code)
                self.fields[name] = forms.BooleanField(
                    label=kind.label,
                    required=False,
                    help_text=kind.text,
                    initial=preferences.get(kind.code) != NotificationPreference.Delivery.OFF,
                )
                rows.append((kind, self[name]))
            self.areas.append((area, rows))

    def switched_off(self) -> set[str]:
        return {
            kind.code
            for kind in registry.all_kinds()
            if not self.cleaned_data.get(field_name(kind.code))
        }
