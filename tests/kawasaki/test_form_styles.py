"""Every text-like input a form of the site renders gets the site's field style (a meeting's date and
time fields once rendered as bare, unpadded browser defaults)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings

# Inputs the browser draws itself (boxes, files, buttons) keep their own look.
OWN_LOOK = {"checkbox", "radio", "file", "hidden", "submit", "button", "range", "color", "image"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _styled_types() -> set[str]:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rule = next(line for line in css.splitlines() if 'input[type="text"]' in line and line.endswith("{"))
    styled = set(re.findall(r'input\[type="([a-z-]+)"\]', rule))
    return styled | ({"select"} if re.search(r"(^|, )select(,| \{)", rule) else set())


def test_every_form_input_type_is_styled():
    for config in apps.get_app_configs():
        if not config.name.startswith(
            ("kawasaki", "patents", "smes", "matching", "negotiations", "subsidies", "reports")
        ):
            continue
        try:
            importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
    used = {}
    for form_class in set(_subclasses(forms.BaseForm)):
        if form_class.__module__.split(".")[0] not in {
            "kawasaki",
            "patents",
            "smes",
            "matching",
            "negotiations",
            "subsidies",
            "reports",
        }:
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            input_type = getattr(field.widget, "input_type", None)
            if input_type and input_type not in OWN_LOOK:
                used.setdefault(input_type, f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert "datetime-local" in used  # the meeting forms: the test looks where it should
    missing = {t: where for t, where in used.items() if t not in _styled_types()}
    assert missing == {}
