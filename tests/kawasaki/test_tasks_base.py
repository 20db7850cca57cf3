"""The task bases: a municipality's task runs in its scope, and a failed run is marked failed once.

Tasks run eagerly through Celery's ``apply()`` (the same call path as in the worker: the base's
``__call__``, Celery's autoretry, the body) on the test database.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.celery import app
from kawasaki.models import Invitation
from kawasaki.tasks import purge_expired_invitations
from kawasaki.tasks_base import MunicipalityTask, each_municipality
from patents import services as patent_services
from patents.models import ImportState, Patent, PortfolioImport
from patents.tasks import _import_failed, portfolio_import_validate_task, render_sheet_task
from tests.factories import InvitationFactory
from tests.factories.patents import LargeCompanyFactory, PatentFactory

pytestmark = pytest.mark.django_db

# What the probe tasks below saw: the attempt numbers they ran at, and when their job was marked failed.
attempts: list[int] = []
marked_failed_at: list[int] = []


@pytest.fixture(autouse=True)
def _fresh_records():
    attempts.clear()
    marked_failed_at.clear()


def _mark_import_failed(task, *, municipality_id: int, import_id: int, failing_attempts: int) -> None:
    """The patents tasks' own hook, recording when it was called."""
    marked_failed_at.append(task.request.retries)
    _import_failed(task, municipality_id=municipality_id, import_id=import_id)


@app.task(name="tests.tasks_base.count_patents", base=MunicipalityTask, bind=True)
def count_patents(self, *, municipality_id: int) -> tuple[str, int]:
    # Patent has a ScopedManager: this query raises unless the base entered a scope.
    return self.municipality.slug, Patent.objects.count()


@app.task(
    name="tests.tasks_base.flaky_database",
    base=MunicipalityTask,
    bind=True,
    on_final_failure=_mark_import_failed,
)
def flaky_database(self, *, municipality_id: int, import_id: int, failing_attempts: int) -> str:
    """The database is unreachable for the first ``failing_attempts`` runs."""
    attempts.append(self.request.retries)
    if self.request.retries < failing_attempts:
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


@pytest.fixture
def portfolio_import(city_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
    with scope(municipality=city_a):
        return patent_services.portfolio_import_start(
            municipality=city_a,
            actor=None,
            company=company,
            upload=SimpleUploadedFile("p.csv", b"number,title,abstract\nJP1,Seed,Abstract\n"),
            queue=False,
        )


def state_of(portfolio_import) -> str:
    with scopes_disabled():
        return PortfolioImport.objects.get(pk=portfolio_import.pk).state


def test_the_body_runs_in_the_municipality_scope(city_a, city_b):
    with scopes_disabled():
        PatentFactory.create_batch(2, municipality=city_a, company=LargeCompanyFactory(municipality=city_a))
        PatentFactory(municipality=city_b, company=LargeCompanyFactory(municipality=city_b))
    result = count_patents.apply(kwargs={"municipality_id": city_a.pk})
    assert result.successful(), result.traceback
    assert tuple(result.get()) == ("city-a", 2)


def test_a_missing_municipality_returns_none_quietly(city_a):
    result = render_sheet_task.apply(kwargs={"municipality_id": city_a.pk + 1000, "patent_id": 1})
    assert result.successful()
    assert result.get() is None


def test_a_failing_service_marks_the_job_failed(portfolio_import):
    portfolio_import.file.storage.delete(portfolio_import.file.name)  # the validation cannot read it
    result = portfolio_import_validate_task.apply(
        kwargs={"municipality_id": portfolio_import.municipality_id, "import_id": portfolio_import.pk}
    )
    assert result.failed()
    assert isinstance(result.result, FileNotFoundError)
    assert state_of(portfolio_import) == ImportState.FAILED


def test_a_database_error_is_retried_without_marking_the_job_failed(portfolio_import):
    result = flaky_database.apply(
        kwargs={
            "municipality_id": portfolio_import.municipality_id,
            "import_id": portfolio_import.pk,
            "failing_attempts": 2,
        }
    )
    assert result.get() == "done"
    assert attempts == [0, 1, 2]
    assert marked_failed_at == []
    assert state_of(portfolio_import) == ImportState.QUEUED


def test_a_database_error_marks_the_job_failed_once_the_retries_are_spent(portfolio_import):
    result = flaky_database.apply(
        kwargs={
            "municipality_id": portfolio_import.municipality_id,
            "import_id": portfolio_import.pk,
            "failing_attempts": 99,
        }
    )
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert attempts == list(range(flaky_database.max_retries + 1))
    assert marked_failed_at == [flaky_database.max_retries]
    assert state_of(portfolio_import) == ImportState.FAILED


def test_each_municipality_sums_in_each_scope_or_in_the_one_given(city_a, city_b):
    with scopes_disabled():
        InvitationFactory.create_batch(2, municipality=city_a)
        InvitationFactory(municipality=city_b)

    def count_invitations(*, municipality) -> int:
        return Invitation.objects.count()  # scoped: raises outside a scope

    assert each_municipality(count_invitations) == 3
    assert each_municipality(count_invitations, municipality_id=city_b.pk) == 1
    assert each_municipality(count_invitations, municipality_id=city_b.pk + 1000) == 0


def test_purge_expired_invitations_runs_over_every_municipality(city_a, city_b):
    long_ago = timezone.now() - timezone.timedelta(days=60)
    with scopes_disabled():
        InvitationFactory(municipality=city_a, expires_at=long_ago)
        InvitationFactory(municipality=city_b, expires_at=long_ago)
        kept = InvitationFactory(municipality=city_b)
    assert purge_expired_invitations.apply().get() == 2
    with scopes_disabled():
        assert list(Invitation.objects.values_list("pk", flat=True)) == [kept.pk]
