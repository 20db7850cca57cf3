"""Project-level guarantees: migrations match models, production settings are safe, demo is idempotent."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "kawasaki.settings.production",
    "DJANGO_SECRET_KEY": "p" * 20 + "-production-like-secret-for-the-check-" + "q" * 20,
    "DJANGO_ALLOWED_HOSTS": "ip-matching.example.jp",
    "DATABASE_URL": "postgres://kawasaki:kawasaki@127.0.0.1:5432/kawasaki",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "KAWASAKI_"))
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_no_model_change_without_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"missing migration:\n{out.getvalue()}", pytrace=bool(exit_))


def test_check_deploy_on_production_settings_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_mfa():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "KAWASAKI_REQUIRE_MFA": "false"})
    assert result.returncode != 0
    assert "KAWASAKI_REQUIRE_MFA=false is for the embedded demo only" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from kawasaki.models import AuditEntry, Membership, Municipality, User

    def snapshot():
        with scopes_disabled():
            return (
                sorted(Municipality.objects.values_list("slug", "name_ja")),
                sorted(User.objects.values_list("email", "password")),
                sorted(Membership.objects.values_list("user__email", "municipality__slug", "role")),
                AuditEntry.objects.count(),
            )

    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
    assert [slug for slug, _name in first[0]] == ["kawasaki", "sagamihara"]
    assert "川崎市" in dict(first[0]).values()
    roles = {role for _email, slug, role in first[2] if slug == "kawasaki"}
    assert roles == {"municipality_admin", "coordinator", "company_staff", "sme_member", "reporting"}
    assert "coordinator@kawasaki.example.jp" in out.getvalue()
    assert "kawasaki-demo-2026" in out.getvalue()


def test_security_headers_and_csp(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_templates():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for needle in ("<script>", "<style", " style=", " onclick=", " onload=", " onsubmit="):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
