"""What an operator copies stays true: every variable the settings read is documented in .env.example,
and the proxy's body limit in docs/operations.md is the one the web process enforces."""

from __future__ import annotations

import math
import re
from pathlib import Path

from kawasaki import uploads

ROOT = Path(__file__).resolve().parents[2]


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return {line.split("=", 1)[0] for line in text.splitlines() if re.match(r"^[A-Z][A-Z0-9_]*=", line)}


def test_every_variable_the_settings_read_is_in_env_example():
    read = set()
    for path in (ROOT / "kawasaki" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.[a-z]+)?\(\s*"([A-Z][A-Z0-9_]*)"', path.read_text(encoding="utf-8")))
    assert {"KAWASAKI_API_FAILED_AUTH_RATE", "KAWASAKI_TRUSTED_CLIENT_IP_HEADER"} <= read
    assert read - _documented() == set()


def test_the_documented_proxy_body_limit_is_the_largest_cap_plus_the_form(settings):
    settings.KAWASAKI_UPLOAD_MAX_BYTES = {
        kind: spec.default_max_bytes for kind, spec in uploads.KINDS.items()
    }
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    documented = {int(mb) for mb in re.findall(r"client_max_body_size (\d+)m", operations)}
    assert documented == {math.ceil(uploads.max_request_bytes() / uploads.MB)}
