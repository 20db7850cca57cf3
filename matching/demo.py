"""Demo screening: one SME-needs run and one portfolio run in Kawasaki, executed at once."""

from kawasaki.demo import demo_step
from patents.models import LargeCompany, Patent, PublicationState
from smes.models import SME

from . import services
from .models import Decision, Direction, ScreeningRun


@demo_step
def demo_screening(context: dict) -> None:
    municipality = context["municipalities"]["kawasaki"]
    coordinator = context["users"]["coordinator"]
    if ScreeningRun.objects.filter(municipality=municipality).exists():
        return
    if not Patent.objects.filter(
        municipality=municipality, publication_state=PublicationState.PUBLISHED
    ).exists():
        return
    sme = SME.objects.filter(municipality=municipality).exclude(needs="").order_by("pk").first()
    if sme is not None:
        run = services.screening_run_start(
            municipality=municipality,
            actor=coordinator,
            direction=Direction.SME_TO_SEEDS,
            query_text="\n".join(t for t in (sme.needs, sme.products) if t),
            sme=sme,
            top_k=10,
        )
        services.screening_run_execute(run=run)
        first = run.candidates.order_by("rank").first()
        if first is not None:
            services.candidate_decide(
                candidate=first,
                actor=coordinator,
                decision=Decision.SHORTLISTED,
                note="デモ: 次回訪問で紹介する",
            )
    company = LargeCompany.objects.filter(municipality=municipality).order_by("pk").first()
    if company is not None:
        run = services.screening_run_start(
            municipality=municipality,
            actor=coordinator,
            direction=Direction.PORTFOLIO,
            company=company,
            top_k=3,
        )
        services.screening_run_execute(run=run)
        services.screening_run_share(run=run, actor=coordinator)
