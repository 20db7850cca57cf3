"""Timeline entries written as sentences (in the writer's language) become a code with parameters, so
that they are shown in the reader's language. A row that cannot be parsed stays as it was; a converted
row keeps its old sentence in params["legacy_text"], which the reverse migration puts back."""

import re

from django.db import migrations

LICENCE_TYPES = {
    "通常実施権": "non_exclusive",
    "Non-exclusive licence": "non_exclusive",
    "専用実施権": "exclusive",
    "Exclusive licence": "exclusive",
    "譲渡": "assignment",
    "Assignment": "assignment",
}
SIDES = {
    "ライセンサー（企業）": "licensor",
    "Licensor (company)": "licensor",
    "ライセンシー（中小企業）": "licensee",
    "Licensee (SME)": "licensee",
    "コーディネーター": "coordinator",
    "Coordinator": "coordinator",
}
DATE = r"(\d{4}-\d{2}-\d{2})"
PATTERNS = [
    ("nda_recorded", re.compile(rf"^秘密保持契約締結（{DATE}）$"), ("date",)),
    ("nda_recorded", re.compile(rf"^NDA signed on {DATE}$"), ("date",)),
    ("product_recorded", re.compile(r"^製品を記録: (.+)$", re.S), ("name",)),
    ("product_recorded", re.compile(r"^Product recorded: (.+)$", re.S), ("name",)),
    ("terms_recorded", re.compile(r"^ライセンス条件を記録: (.+)$"), ("type",)),
    ("terms_recorded", re.compile(r"^Licence terms recorded: (.+)$"), ("type",)),
    ("meeting_held", re.compile(rf"^(.+)（{DATE} 実施）$", re.S), ("meeting", "date")),
    ("meeting_held", re.compile(rf"^(.+) held on {DATE}$", re.S), ("meeting", "date")),
    ("document_uploaded", re.compile(r"^(.+)（第(\d+)版、(.+)）$", re.S), ("title", "version", "side")),
    ("document_uploaded", re.compile(r"^(.+) \(version (\d+), (.+)\)$", re.S), ("title", "version", "side")),
]
KINDS = {
    "nda_recorded": "document",
    "product_recorded": "note",
    "terms_recorded": "document",
    "meeting_held": "meeting",
    "document_uploaded": "document",
}


def parse(kind: str, text: str) -> tuple[str, dict] | None:
    """(code, params) for a sentence the services used to write, None when it is not one of them."""
    for code, pattern, names in PATTERNS:
        if KINDS[code] != kind:
            continue
        match = pattern.match(text)
        if not match:
            continue
        params = dict(zip(names, match.groups(), strict=True))
        if code == "terms_recorded":
            if params["type"] not in LICENCE_TYPES:
                return None
            params["type"] = LICENCE_TYPES[params["type"]]
        if code == "document_uploaded":
            if params["side"] not in SIDES:
                return None
            params["side"] = SIDES[params["side"]]
            params["version"] = int(params["version"])
        return code, params
    return None


def forwards(apps, schema_editor):
    entry_model = apps.get_model("negotiations", "TimelineEntry")
    for entry in entry_model.objects.filter(code="").exclude(text="").iterator():
        parsed = parse(entry.kind, entry.text)
        if parsed is None:
            continue
        code, params = parsed
        entry.code = code
        entry.params = {**params, "legacy_text": entry.text}
        entry.text = ""
        entry.save(update_fields=["code", "params", "text"])


def backwards(apps, schema_editor):
    entry_model = apps.get_model("negotiations", "TimelineEntry")
    for entry in entry_model.objects.exclude(code="").iterator():
        legacy = (entry.params or {}).get("legacy_text")
        if legacy is None:
            continue
        entry.text = legacy
        entry.code = ""
        entry.params = {}
        entry.save(update_fields=["code", "params", "text"])


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0004_timelineentry_code_params")]

    operations = [migrations.RunPython(forwards, backwards)]
