"""One translation per word across the product. Django merges every app's catalogue into one per
language (the project's locale/ first, then the apps in INSTALLED_APPS order), so a msgid translated
differently in two apps shows the first app's words on the other's pages. Words that mean different
things in two apps get a context (pgettext: "publication" Withdrawn, "patent" Expired); the rest agree."""

import gettext
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def catalogues() -> dict[str, dict]:
    found = {"locale": ROOT / "locale/ja/LC_MESSAGES/django.mo"}
    for path in sorted(ROOT.glob("*/locale/ja/LC_MESSAGES/django.mo")):
        found[path.parts[len(ROOT.parts)]] = path
    result = {}
    for name, path in found.items():
        if path.exists():
            with path.open("rb") as handle:
                result[name] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return result


def test_every_app_has_a_compiled_catalogue():
    apps = set(catalogues())
    assert {"locale", "patents", "smes", "matching", "negotiations", "subsidies", "reports"} <= apps


def test_two_catalogues_never_translate_the_same_msgid_differently():
    by_msgid: dict = defaultdict(dict)
    for app, catalogue in catalogues().items():
        for msgid, msgstr in catalogue.items():
            if msgid:  # the header
                by_msgid[msgid][app] = msgstr
    disagreements = {
        (msgid.replace("\x04", " | ") if isinstance(msgid, str) else msgid): apps
        for msgid, apps in by_msgid.items()
        if len(set(apps.values())) > 1
    }
    assert disagreements == {}
