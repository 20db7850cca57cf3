"""50 signed-in coordinators over the page mix of issue 13 (see benchmarks/README.md, "Load test").

    uv sync --frozen --group load   # locust is in its own dependency group; CI does not install it
    .venv/bin/locust -f benchmarks/load/locustfile.py Coordinator --host http://127.0.0.1:PORT \\
        --users 50 --spawn-rate 5 --run-time 5m --headless --csv /tmp/load
    .venv/bin/locust -f benchmarks/load/locustfile.py ReportReader --host http://127.0.0.1:PORT \\
        --users 5 --spawn-rate 5 --run-time 2m --headless --csv /tmp/report

Each simulated coordinator signs in once (password, then the TOTP code; the accounts come from
build_dataset.py's dataset.json) and then, with 5-15 s of thinking between requests, opens the
dashboard, the seed list (paged, and searched), a seed, an SME, the quick search in Japanese and in
English, the deal board, the KPI page and API lists (with the coordinator's API key).

`ReportReader` is the annual report PDF at 5 concurrent users: each signs in the same way and asks for
the report again as soon as the last one arrived (no thinking time), for this or an earlier fiscal year.

Production settings mark the session and CSRF cookies Secure; this scenario talks plain HTTP to
gunicorn (with X-Forwarded-Proto: https, as the TLS proxy would send), so it keeps the cookies
itself and sends them on every request.
"""

from __future__ import annotations

import datetime
import itertools
import json
import random
import sys
from pathlib import Path

from locust import HttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from signin import DATASET, csrf_token, totp

DATA = json.loads(DATASET.read_text())
SLUG = DATA["municipality"]
_accounts = itertools.count()
PROXY = {"X-Forwarded-Proto": "https"}

SEARCH_WORDS = ["sensor", "battery", "semiconductor", "vibration", "coating", "motor", "laser", "polymer"]
QUICK_JA = [
    "工場の騒音を減らしたい",
    "錆びない金属部品を作りたい",
    "電池を長持ちさせたい",
    "水をきれいにする装置",
]
QUICK_EN = ["reduce vibration in machine tools", "corrosion resistant coating", "low power wireless sensor"]


class SignedIn(HttpUser):
    """A coordinator of the data set, signed in with password and TOTP; the plumbing both scenarios use."""

    abstract = True

    def on_start(self) -> None:
        number = next(_accounts) % len(DATA["coordinators"])
        self.email = DATA["coordinators"][number]
        self.api_key = DATA.get("api_keys", [None] * (number + 1))[number]
        self.cookies: dict[str, str] = {}
        page = self._get("/accounts/login/", name="sign in")
        self._post(
            "/accounts/login/",
            {"login": self.email, "password": DATA["password"], "csrfmiddlewaretoken": csrf_token(page.text)},
            name="sign in",
        )
        page = self._get("/accounts/2fa/authenticate/", name="sign in")
        response = self._post(
            "/accounts/2fa/authenticate/",
            {"code": totp(DATA["totp_secret"]), "csrfmiddlewaretoken": csrf_token(page.text)},
            name="sign in",
        )
        if response.status_code != 302:
            # The form again: the code was refused (a TOTP code is accepted once per 30 s and account).
            raise RuntimeError(f"{self.email}: second factor refused ({response.status_code})")

    # -- plumbing: cookies kept by hand (Secure cookies over plain HTTP), no redirects followed ------

    def _headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # Django's CSRF check on an HTTPS request wants an HTTPS referer of the same host.
        referer = "https://" + self.host.split("://", 1)[-1].rstrip("/") + "/"
        return {**PROXY, **({"Cookie": cookie} if cookie else {}), "Referer": referer}

    def _keep(self, response) -> None:
        for name, value in response.cookies.items():
            self.cookies[name] = value

    def _get(self, path: str, *, name: str, **kwargs):
        response = self.client.get(path, headers=self._headers(), name=name, allow_redirects=False, **kwargs)
        self._keep(response)
        return response

    def _post(self, path: str, data: dict, *, name: str):
        response = self.client.post(
            path, data=data, headers=self._headers(), name=name, allow_redirects=False
        )
        self._keep(response)
        return response

    def page(self, path: str, name: str, **kwargs) -> None:
        with self.client.get(
            path, headers=self._headers(), name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")

    def m(self, path: str) -> str:
        return f"/m/{SLUG}/{path}"


class Coordinator(SignedIn):
    """The page mix of a coordinator's day, 5-15 s of thinking between requests."""

    wait_time = between(5, 15)

    # -- the page mix ---------------------------------------------------------------------------

    @task(4)
    def dashboard(self) -> None:
        self.page(self.m(""), "dashboard")

    @task(4)
    def seed_list(self) -> None:
        self.page(self.m(f"patents/?page={random.randint(1, 2000)}"), "seed list, paged")

    @task(3)
    def seed_search(self) -> None:
        self.page(self.m(f"patents/?q={random.choice(SEARCH_WORDS)}"), "seed list, search")

    @task(3)
    def seed_detail(self) -> None:
        self.page(self.m(f"patents/{random.choice(DATA['seed_ids'])}/"), "seed detail")

    @task(2)
    def sme_detail(self) -> None:
        self.page(self.m(f"smes/{random.choice(DATA['sme_ids'])}/"), "SME detail")

    @task(2)
    def quick_search_ja(self) -> None:
        self.page(self.m("matching/"), "quick search (ja)", params={"q": random.choice(QUICK_JA)})

    @task(2)
    def quick_search_en(self) -> None:
        self.page(self.m("matching/"), "quick search (en)", params={"q": random.choice(QUICK_EN)})

    @task(2)
    def kanban(self) -> None:
        self.page(self.m("negotiations/"), "deal board")

    @task(1)
    def kpi(self) -> None:
        self.page(self.m("reports/"), "KPI page")

    @task(2)
    def api_lists(self) -> None:
        if not self.api_key:
            return
        for path, name in (("/api/v1/patents/?q=sensor", "API patents"), ("/api/v1/smes/", "API SMEs")):
            with self.client.get(
                path,
                headers={**PROXY, "Authorization": f"Token {self.api_key}"},
                name=name,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code} for {path}")


class ReportReader(SignedIn):
    """Five coordinators downloading the annual report PDF back to back (issue 13: p95 <= 3 s)."""

    wait_time = constant(0)

    @task
    def annual_report(self) -> None:
        # This fiscal year (April to March) or one of the two before, whose sales are in.
        today = datetime.date.today()
        current = today.year if today.month >= 4 else today.year - 1
        params = {"fy": random.choice([current, current - 1, current - 2])}
        with self.client.get(
            self.m("reports/annual-report.pdf"),
            headers=self._headers(),
            name="annual report PDF",
            params=params,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"{response.status_code} for the annual report")
