"""The business plan as a document a city files: WeasyPrint from an HTML template and its own CSS."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .models import PlanComment, PlanVersion

CSS_PATH = Path(settings.BASE_DIR) / "static" / "smes" / "plan_pdf.css"


def plan_version_pdf(*, version: PlanVersion, comments: dict[str, list[PlanComment]], request=None) -> bytes:
    """Render one frozen version with the comments the reader may see. Fonts: Noto CJK (system)."""
    from weasyprint import CSS, HTML

    plan = version.plan
    context = {
        "version": version,
        "plan": plan,
        "sme": plan.sme,
        "municipality": plan.municipality,
        "sections": [
            (key, label, text, comments.get(key, [])) for key, label, text in version.section_items()
        ],
        "printed_at": timezone.localtime(),
    }
    html = render_to_string("smes/plan_pdf.html", context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_PATH))]
    )
