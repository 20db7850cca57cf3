"""The business plan as a document a city files: an HTML template and its own CSS, rendered by the core's
`kawasaki.pdf.render_pdf` (one restricted URL fetcher, the Noto CJK fonts).

Rendering takes about a second, so it runs in the worker (smes.render_plan_pdf) and the result is kept
as a PlanPdf per frozen version and language. A request asks for it with `plan_pdf_request`: a PDF of
the version as it reads now is served at once; otherwise a render is queued and the page shows
"preparing" while htmx polls. What the PDF shows beyond the frozen version (the comments the SME
reads, the applicant's details, the layout) goes into a digest, the stamp; a PDF whose stamp is not the
current one is rendered again, so a new comment is never missing and nothing else triggers a render.

The cached PDF is derived data that can be made again at any time, so its rows are not audited (the
plan's submission and comments are).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from kawasaki.pdf import LAYOUT_FILES, render_pdf

from .models import PlanComment, PlanPdf, PlanPdfState, PlanSection, PlanVersion

STYLESHEET = "smes/plan_pdf.css"
CSS_PATH = Path(settings.BASE_DIR) / "static" / STYLESHEET
TEMPLATE_NAME = "smes/plan_pdf.html"
TEMPLATE_PATH = Path(settings.BASE_DIR) / "templates" / TEMPLATE_NAME


def pdf_language(language: str | None) -> str:
    """One of the configured languages ("en-us" -> "en"); the site's default for anything else."""
    codes = [code for code, _name in settings.LANGUAGES]
    base = (language or "").lower().split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def _shared_comments(version: PlanVersion) -> list[PlanComment]:
    """The comments the PDF prints: the feedback the SME reads, never the internal ones."""
    return list(
        PlanComment.objects.filter(
            municipality=version.municipality, version=version, internal=False
        ).order_by("created_at", "id")
    )


def plan_version_pdf(
    *, version: PlanVersion, comments: list[PlanComment], language: str | None = None
) -> bytes:
    """Render one frozen version with the shared comments, in `language` (default: the active one),
    through the core's renderer (Noto CJK fonts, only our static files may be fetched)."""
    grouped: dict[str, list[PlanComment]] = {key: [] for key in PlanSection.values}
    for comment in comments:
        if not comment.internal:
            grouped.setdefault(comment.section, []).append(comment)
    plan = version.plan
    context = {
        "version": version,
        "plan": plan,
        "sme": plan.sme,
        "municipality": plan.municipality,
        "sections": [
            (key, label, text, grouped.get(key, [])) for key, label, text in version.section_items()
        ],
        "printed_at": timezone.localtime(),
    }
    return render_pdf(
        template_name=TEMPLATE_NAME,
        context=context,
        language=pdf_language(language or translation.get_language()),
        stylesheets=[STYLESHEET],
    )


def plan_pdf_stamp(*, version: PlanVersion, language: str, comments: list[PlanComment] | None = None) -> str:
    """A digest of what the PDF of `version` in `language` would show now, besides the frozen text."""
    comments = _shared_comments(version) if comments is None else comments
    sme = version.plan.sme
    municipality = version.municipality
    parts = {
        "version": version.pk,
        "language": language,
        "comments": [[c.pk, c.section, c.body, c.author_label, c.created_at.isoformat()] for c in comments],
        "sme": [
            sme.name_ja,
            sme.name_kana,
            sme.corporate_number,
            sme.postal_code,
            sme.address,
            sme.industry,
            sme.industry_detail,
            sme.employees,
            sme.capital_jpy,
        ],
        "municipality": [municipality.name_ja, municipality.name_en],
        "layout": [
            p.stat().st_mtime_ns if p.exists() else 0 for p in (TEMPLATE_PATH, CSS_PATH, *LAYOUT_FILES)
        ],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def plan_pdf_is_ready(pdf: PlanPdf, stamp: str) -> bool:
    return bool(
        pdf.state == PlanPdfState.READY
        and pdf.stamp == stamp
        and pdf.file
        and default_storage.exists(pdf.file.name)
    )


def _queue(pdf: PlanPdf) -> None:
    from kawasaki.jobs import enqueue

    from .tasks import render_plan_pdf_task

    # A broker outage must not fail the request: the row keeps enqueued_at empty and the jobs sweep
    # queues it when the broker is back (kawasaki.jobs); the page says background work is paused.
    enqueue(render_plan_pdf_task, job=pdf, municipality_id=pdf.municipality_id, pdf_id=pdf.pk)


def plan_pdf_request(*, version: PlanVersion, language: str | None = None, retry: bool = False) -> PlanPdf:
    """The PDF of the version as it reads now, in `language`; queued for rendering when missing.

    Returns the row: READY with its file when a PDF of the version as it reads now exists, else
    PENDING or RENDERING (a render is queued, once), FAILED (the last render failed) or a render
    whose heartbeat stopped (``is_interrupted``). Only ``retry`` (a person's "try again") queues a
    failed or interrupted render again; polling and page views never do, and a render lost on its
    way is the jobs sweep's to re-queue, not the page's. A frozen version whose shared comments and
    applicant details do not change is rendered once and then always reused.
    Side effect: a render task published after commit.
    """
    language = pdf_language(language)
    stamp = plan_pdf_stamp(version=version, language=language)
    now = timezone.now()
    pdf, created = PlanPdf.objects.get_or_create(
        municipality=version.municipality,
        version=version,
        language=language,
        defaults={"stamp": stamp, "state": PlanPdfState.PENDING, "requested_at": now},
    )
    if created:
        _queue(pdf)
        return pdf
    if plan_pdf_is_ready(pdf, stamp):
        return pdf
    if pdf.stamp == stamp:
        if pdf.state in (PlanPdfState.PENDING, PlanPdfState.RENDERING) and not (retry and pdf.is_interrupted):
            return pdf  # queued or running; a lost one is the sweep's
        if pdf.state == PlanPdfState.FAILED and not retry:
            return pdf
    # Out of date, retried, or its file is gone: ask again, once even if two requests race (the
    # render in flight, if any, then cannot store its file: it was claimed at the old requested_at).
    claimed = PlanPdf.objects.filter(
        pk=pdf.pk, stamp=pdf.stamp, state=pdf.state, requested_at=pdf.requested_at
    ).update(
        stamp=stamp,
        state=PlanPdfState.PENDING,
        requested_at=now,
        error="",
        enqueued_at=None,
        heartbeat_at=None,
        attempts=0,
    )
    if claimed:
        _queue(pdf)
    pdf.refresh_from_db()
    return pdf


def plan_pdf_render(*, pdf: PlanPdf) -> PlanPdf:
    """Render a pending PDF from the version as it reads now and store it (the worker's job).

    The row is claimed (PENDING, or RENDERING when the sweep re-queued an interrupted render, to
    RENDERING) by a conditional update; the file is stored only if the row is still the request
    this render claimed (same ``requested_at``, still RENDERING), so a newer request or a copy that
    finished first wins and this copy deletes its file. A re-run on a finished row changes nothing.
    The file is named by version, language and stamp; the row's previous file is deleted once the
    new one is recorded.
    """
    requested_at = pdf.requested_at
    claimed = PlanPdf.objects.filter(
        pk=pdf.pk, requested_at=requested_at, state__in=(PlanPdfState.PENDING, PlanPdfState.RENDERING)
    ).update(state=PlanPdfState.RENDERING)
    if not claimed:
        pdf.refresh_from_db()
        return pdf
    version = pdf.version
    comments = _shared_comments(version)
    stamp = plan_pdf_stamp(version=version, language=pdf.language, comments=comments)
    content = plan_version_pdf(version=version, comments=comments, language=pdf.language)
    name = (
        f"smes/plans/{version.municipality_id}/{version.plan_id}/"
        f"v{version.number}-{pdf.language}-{stamp[:16]}.pdf"
    )
    saved = default_storage.save(name, ContentFile(content))
    old = pdf.file.name if pdf.file else ""
    with transaction.atomic():
        done = PlanPdf.objects.filter(
            pk=pdf.pk, state=PlanPdfState.RENDERING, requested_at=requested_at
        ).update(stamp=stamp, state=PlanPdfState.READY, file=saved, rendered_at=timezone.now(), error="")
    if not done:
        default_storage.delete(saved)
    elif old and old != saved:
        default_storage.delete(old)
    pdf.refresh_from_db()
    return pdf


def plan_pdf_fail(*, pdf: PlanPdf, reason: str = "") -> None:
    """Mark a render that crashed for good, so that the page stops waiting and offers a retry.

    Conditional: a row that became READY meanwhile (another copy) stays ready.
    """
    PlanPdf.objects.filter(pk=pdf.pk, state__in=(PlanPdfState.PENDING, PlanPdfState.RENDERING)).update(
        state=PlanPdfState.FAILED, error=reason[:500]
    )
