"""Signing in as a benchmark coordinator: password, then the TOTP code (RFC 6238, SHA-1, 6 digits,
30 s), as allauth's forms ask for it. Used by the locust scenario and the page benchmarks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from pathlib import Path

DATASET = Path(__file__).resolve().parent / "dataset.json"


def totp(secret: str, *, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(client, *, email: str, password: str, secret: str, headers: dict | None = None) -> None:
    """Sign in with any client that has get/post returning objects with .text or .content (the
    Django test client or a requests/locust session)."""

    def text(response) -> str:
        return response.text if hasattr(response, "text") else response.content.decode()

    kwargs = {"headers": headers} if headers else {}
    page = client.get("/accounts/login/", **kwargs)
    client.post(
        "/accounts/login/",
        {"login": email, "password": password, "csrfmiddlewaretoken": csrf_token(text(page))},
        **kwargs,
    )
    page = client.get("/accounts/2fa/authenticate/", **kwargs)
    response = client.post(
        "/accounts/2fa/authenticate/",
        {"code": totp(secret), "csrfmiddlewaretoken": csrf_token(text(page))},
        **kwargs,
    )
    status = getattr(response, "status_code", 0)
    if status not in (200, 302):
        raise RuntimeError(f"second factor refused for {email}: {status}")
