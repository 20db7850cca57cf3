from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmesConfig(AppConfig):
    """SMEs, coordinator visits, business plans and the partner directory."""

    name = "smes"
    verbose_name = _("SMEs")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import (  # noqa: F401 - register the panels, timeline sources and lookups
            dashboard,
            lookups,
            seed_panels,
            timeline,
        )

        lookups.register()
        _register_jobs()
        register_nav(
            NavItem(_("SMEs"), "sme_list", "smes.view_sme_list", order=20),
            NavItem(_("Our company"), "sme_mine", "smes.view_own_sme", order=20),
            NavItem(_("Business plans"), "plan_list", "smes.view_plan", order=25),
            NavItem(_("Follow-ups"), "followup_list", "smes.view_followups", order=27),
            NavItem(_("Partners"), "partner_list", "smes.view_partner", order=28),
            NavItem(_("Find seeds"), "seed_list", "smes.send_interest", order=15, group="patents"),
            NavItem(_("Your interests"), "interest_mine", "smes.view_own_interests", order=16),
            NavItem(_("Interest from SMEs"), "interest_list", "smes.view_interest_inbox", order=29),
            NavItem(
                _("SMEs' interest in your seeds"),
                "interest_company",
                "smes.view_company_interests",
                order=13,
                group="patents",
            ),
        )


def _register_jobs() -> None:
    """Plan PDF renders for the core's jobs sweep: queue what the broker never got, re-queue stalled ones."""
    from kawasaki.jobs import JobKind, register_job

    from . import pdf, tasks
    from .models import PlanPdf, PlanPdfState

    register_job(
        JobKind(
            model=PlanPdf,
            task_for=lambda row: tasks.render_plan_pdf_task,
            id_kwarg="pdf_id",
            pending=(PlanPdfState.PENDING,),
            running=(PlanPdfState.RENDERING,),
            fail=lambda row, reason: pdf.plan_pdf_fail(pdf=row, reason=reason),
        )
    )
