"""manage.py build_translation_table: the install step that production runs at web start-up."""

from io import StringIO

from django.core.management import call_command

from matching.engine.translate import TranslationTable


def test_builds_the_table_once_and_leaves_an_existing_one_alone(tmp_path, monkeypatch):
    target = tmp_path / "jmdict.sqlite3"
    monkeypatch.setenv("KAWASAKI_TRANSLATION_TABLE", str(target))
    out = StringIO()
    call_command("build_translation_table", stdout=out)
    assert target.exists()
    assert "vibration" in TranslationTable(target).ja_en("振動")
    built = target.stat().st_mtime_ns

    again = StringIO()
    call_command("build_translation_table", stdout=again)
    assert "exists" in again.getvalue()
    assert target.stat().st_mtime_ns == built
