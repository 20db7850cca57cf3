"""Meeting pages: the list, plan, change, cancel, invite, reply, hold, one-on-one requests, the .ics and
the seed booklet, scheduling a proposal or a request, and the SMEs' symposium registration.

Mounted under /m/<municipality>/negotiations/ (meeting_urls.py), where they have always been. Every page
checks a municipality-level permission first (403 for a role that has no business here), then fetches
its meeting through the party-filtered selectors (404 for a meeting the user is not party to).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kawasaki.models import Role
from kawasaki.rules import is_coordinator
from kawasaki.views import ServiceFormMixin, TenantObjectMixin, TenantViewMixin
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from .. import forms, selectors
from ..filters import MeetingFilterSet
from ..ics import meeting_ics
from ..models import Meeting, MeetingKind, MeetingStatus, ProposalStatus
from ..rules import party_ids
from ..services import meetings as meeting_services
from ..services import proposals as proposal_services
from ..services import symposiums as symposium_services

# Sections a higher app adds to a meeting's page (negotiations: the follow-up tasks), registered from
# its AppConfig.ready(). Each is called with (view, meeting, page context) and returns None (nothing to
# show) or a dict with the `template` to include, which reads the dict as `section`, and optionally a
# `stylesheet` (a static path) for the page's head.
MeetingSection = Callable[[View, Meeting, dict], dict | None]
MEETING_SECTIONS: list[MeetingSection] = []


def register_meeting_section(section: MeetingSection) -> MeetingSection:
    if section not in MEETING_SECTIONS:
        MEETING_SECTIONS.append(section)
    return section


class MeetingObjectMixin(TenantObjectMixin):
    """A page of one meeting, found among those the user may see."""

    selector = staticmethod(selectors.meetings_visible_to)


class MeetingListView(TenantViewMixin, View):
    """The meetings the user may see, filtered by MeetingFilterSet (as `GET /api/v1/meetings/`)."""

    permission_required = "matching.list_meetings"
    template_name = "matching/meeting_list.html"

    def get(self, request, *args, **kwargs):
        filterset = MeetingFilterSet(
            request.GET or None,
            queryset=selectors.meeting_list(user=request.user, municipality=self.municipality),
            request=request,
        )
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        context = {
            "filterset": filterset,
            "filter_form": filterset.form,
            "meetings": page.object_list,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "is_coordinator": is_coordinator(request.user, self.municipality),
            "can_register": request.user.has_perm("matching.register_symposium", self.municipality),
        }
        if context["is_coordinator"]:
            context["proposals"] = selectors.proposals_of(municipality=self.municipality).filter(
                status=ProposalStatus.PROPOSED
            )
        return render(request, self.template_name, context)


class MeetingCreateView(ServiceFormMixin, TenantViewMixin, View):
    permission_required = "matching.manage_meeting"
    template_name = "matching/meeting_form.html"
    form_class = forms.MeetingForm
    success_message = gettext_lazy("The meeting was planned.")

    def get_form_kwargs(self):
        user, municipality = self.request.user, self.municipality
        return {
            "companies": companies_visible_to(user=user, municipality=municipality),
            "seeds": patents_visible_to(user=user, municipality=municipality),
            "smes": smes_visible_to(user=user, municipality=municipality),
        }

    def perform(self, form):
        return meeting_services.meeting_create(
            municipality=self.municipality, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("meeting_detail", pk=result.pk)


class ScheduleView(ServiceFormMixin, TenantObjectMixin, View):
    """Schedule a screening proposal (kind=proposal) or a symposium's one-on-one request (kind=request)."""

    permission_required = "matching.manage_meeting"
    template_name = "matching/schedule_form.html"
    form_class = forms.ScheduleForm
    success_message = gettext_lazy("The meeting was planned.")

    def get_queryset(self):
        if self.kwargs["kind"] == "proposal":
            return selectors.proposals_of(municipality=self.municipality).filter(
                status=ProposalStatus.PROPOSED
            )
        return selectors.open_requests(municipality=self.municipality)

    def get(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is made
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.get_object(), kind=self.kwargs["kind"], **kwargs)

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if self.kwargs["kind"] != "proposal":
            del form.fields["title"]  # a one-on-one request's meeting is named by the symposium
        return form

    def get_initial(self):
        if self.kwargs["kind"] == "proposal":
            return {"title": proposal_services.proposal_title(proposal=self.get_object())}
        return {}

    def perform(self, form):
        if self.kwargs["kind"] == "proposal":
            return meeting_services.meeting_from_proposal(
                proposal=self.get_object(), actor=self.request.user, **form.cleaned_data
            )
        return symposium_services.one_on_one_schedule(
            request=self.get_object(), actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("meeting_detail", pk=result.pk)


class MeetingDetailView(MeetingObjectMixin, View):
    permission_required = "matching.list_meetings"
    template_name = "matching/meeting_detail.html"

    def get(self, request, *args, **kwargs):
        return self.meeting_response(self.get_object())

    def meeting_response(self, meeting, *, status=200, **bound_forms):
        """The meeting page; `bound_forms` (e.g. a section's task_form) replace the empty ones to show
        their errors. Also called by a section's own view (negotiations' task form) on a refused form."""
        request = self.request
        coordinator = is_coordinator(request.user, self.municipality)
        role, party = party_ids(request.user, self.municipality)
        participants = list(selectors.participants_of(meeting=meeting))
        own = next((p for p in participants if role == Role.SME_MEMBER and p.sme_id == party), None)
        context = {
            "meeting": meeting,
            "is_coordinator": coordinator,
            "participants": selectors.participants_visible_to(
                user=request.user, municipality=self.municipality, meeting=meeting, participants=participants
            ),
            "own_participant": own,
            "seeds": selectors.seeds_of_meeting(meeting=meeting),
            "presenters": selectors.presenters_of(meeting=meeting),
            # Coordinators see every request; an SME its own, so what it asked for stays on record.
            "requests": selectors.requests_of(meeting=meeting)
            if coordinator
            else selectors.requests_of(meeting=meeting).filter(sme_id=party)
            if role == Role.SME_MEMBER
            else None,
            "is_planned": meeting.status == MeetingStatus.PLANNED,
            "registered": sum(1 for p in participants if p.reply == "attending"),
        }
        if coordinator and meeting.status != MeetingStatus.CANCELLED:
            context["hold_form"] = forms.HoldForm(
                auto_id="hold_%s",
                smes=smes_visible_to(user=request.user, municipality=self.municipality).filter(
                    pk__in=[p.sme_id for p in participants]
                ),
                initial={
                    "minutes": meeting.minutes,
                    "attended": [p.sme_id for p in participants if p.attended],
                },
            )
        if (
            meeting.kind == MeetingKind.SYMPOSIUM
            and meeting.status != MeetingStatus.CANCELLED
            and (coordinator or own is not None)
        ):
            context["request_form"] = MeetingDetailView.request_form(self, meeting)
        context.update(bound_forms)
        context["sections"] = [s for s in (add(self, meeting, context) for add in MEETING_SECTIONS) if s]
        if bound_forms:
            messages.error(request, _("Nothing was saved: correct the form marked below."))
        return render(request, "matching/meeting_detail.html", context, status=status)

    def request_form(self, meeting, data=None):
        user, municipality = self.request.user, self.municipality
        presenters = selectors.presenters_of(meeting=meeting)
        return forms.RequestForm(
            data,
            auto_id="request_%s",
            companies=presenters,
            seeds=patents_visible_to(user=user, municipality=municipality).filter(company__in=presenters),
            smes=smes_visible_to(user=user, municipality=municipality).filter(
                pk__in=selectors.participants_of(meeting=meeting).values("sme_id")
            ),
        )


class MeetingIcsView(MeetingObjectMixin, View):
    permission_required = "matching.list_meetings"

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        response = HttpResponse(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


class MeetingBookletView(MeetingObjectMixin, View):
    """The seed booklet of the meeting's seeds, made by the patents app."""

    permission_required = "matching.list_meetings"

    def get(self, request, *args, **kwargs):
        from patents.sheets import booklet_pdf

        meeting = self.get_object()
        seeds = list(selectors.seeds_of_meeting(meeting=meeting).prefetch_related("attachments"))
        if not seeds:
            messages.error(request, _("This meeting has no seeds for a booklet."))
            return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        # The cover names who comes: the participants this reader may see (privacy as on the page).
        participants = selectors.participants_visible_to(
            user=request.user, municipality=self.municipality, meeting=meeting
        )
        attendees = [str(c) for c in (meeting.company, *selectors.presenters_of(meeting=meeting)) if c]
        attendees += [str(p.sme) for p in participants]
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        cover = {
            "title": meeting.title,
            "when": f"{date_format(start, 'DATETIME_FORMAT')} – {date_format(end, 'TIME_FORMAT')}",
            "venue": " / ".join(v for v in (meeting.venue, meeting.online_url) if v),
            "attendees": list(dict.fromkeys(attendees)),
            "agenda": meeting.agenda,
        }
        pdf = booklet_pdf(patents=seeds, municipality=self.municipality, cover=cover)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-booklet.pdf"'
        return response


class MeetingInviteView(MeetingObjectMixin, View):
    permission_required = "matching.manage_meeting"

    def post(self, request, *args, **kwargs):
        meeting = self.get_object()
        try:
            count = meeting_services.meeting_invite(meeting=meeting, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Invitations sent to {n} SMEs.").format(n=count))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class ParticipantMixin(MeetingObjectMixin):
    """The participant a POST is about: the SME named by a coordinator (an answer given by phone), or
    the signed-in SME member's own; 404 when that SME is not a participant."""

    def get_participant(self, meeting):
        if is_coordinator(self.request.user, self.municipality):
            sme_id = self.request.POST.get("sme", "")
            if not sme_id.isdigit():
                messages.error(self.request, _("Choose the SME."))
                return None
        else:
            _role, sme_id = party_ids(self.request.user, self.municipality)
        return get_object_or_404(selectors.participants_of(meeting=meeting), sme_id=sme_id)


class MeetingReplyView(ParticipantMixin, View):
    """An invited SME answers; a coordinator may record the answer an SME gave by phone (POST sme=)."""

    permission_required = "matching.reply_meeting"

    def post(self, request, *args, **kwargs):
        meeting = self.get_object()
        participant = self.get_participant(meeting)
        if participant is None:
            return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        form = forms.ReplyForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.participant_reply(
                    participant=participant, actor=request.user, reply=form.cleaned_data["reply"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you for your reply."))
        else:
            messages.error(request, _("Answer attending or declined."))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingListingView(ParticipantMixin, View):
    """An SME's consent to be listed to the other SMEs of a symposium (or its withdrawal)."""

    permission_required = "matching.reply_meeting"

    def post(self, request, *args, **kwargs):
        meeting = self.get_object()
        participant = self.get_participant(meeting)
        if participant is None:
            return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        listed = request.POST.get("listed") == "yes"
        try:
            meeting_services.participant_listing_set(
                participant=participant, actor=request.user, listed=listed
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Other attending SMEs now see your company on this page.")
                if listed
                else _("Other SMEs no longer see your company on this page."),
            )
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingHoldView(MeetingObjectMixin, View):
    permission_required = "matching.manage_meeting"

    def post(self, request, *args, **kwargs):
        meeting = self.get_object()
        form = forms.HoldForm(
            request.POST,
            smes=smes_visible_to(user=request.user, municipality=self.municipality).filter(
                pk__in=selectors.participants_of(meeting=meeting).values("sme_id")
            ),
        )
        if form.is_valid():
            try:
                meeting_services.meeting_hold(
                    meeting=meeting,
                    actor=request.user,
                    minutes=form.cleaned_data["minutes"],
                    attended_sme_ids=[s.pk for s in form.cleaned_data["attended"]],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The meeting was recorded as held."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingRequestView(MeetingObjectMixin, View):
    """After a symposium: an SME (or the coordinator for it) asks for a one-on-one with a presenter."""

    permission_required = "matching.request_one_on_one"

    def post(self, request, *args, **kwargs):
        meeting = self.get_object()
        data = request.POST.copy()
        role, party = party_ids(request.user, self.municipality)
        if role == Role.SME_MEMBER:
            data["sme"] = str(party)
        form = MeetingDetailView.request_form(self, meeting, data)
        if (
            form.is_valid()
            and meeting.kind == MeetingKind.SYMPOSIUM
            and meeting.status != MeetingStatus.CANCELLED
        ):
            try:
                symposium_services.one_on_one_request(
                    symposium=meeting, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The one-on-one request was recorded."))
        else:
            messages.error(request, _("The request could not be recorded."))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingEditView(ServiceFormMixin, MeetingObjectMixin, View):
    """Change a planned meeting's title, agenda, time, place, capacity, seeds and presenters."""

    permission_required = "matching.manage_meeting"
    template_name = "matching/meeting_edit.html"
    form_class = forms.MeetingEditForm

    def get_form_kwargs(self):
        user, municipality, meeting = self.request.user, self.municipality, self.get_object()
        return {
            "kind": meeting.kind,
            "companies": companies_visible_to(user=user, municipality=municipality),
            "seeds": patents_visible_to(user=user, municipality=municipality),
            "initial": forms.MeetingEditForm.initial_of(meeting),
        }

    def refuse_unless_planned(self):
        meeting = self.get_object()
        if meeting.status == MeetingStatus.PLANNED:
            return None
        messages.error(self.request, _("Only a planned meeting can be changed."))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))

    def get(self, request, *args, **kwargs):
        return self.refuse_unless_planned() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_unless_planned() or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.get_object(), **kwargs)

    @staticmethod
    def when_and_where(meeting) -> tuple:
        return (meeting.starts_at, meeting.ends_at, meeting.venue, meeting.online_url)

    def perform(self, form):
        meeting = self.get_object()
        self.before = self.when_and_where(meeting)
        return meeting_services.meeting_update(meeting=meeting, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        if self.before != self.when_and_where(result):
            return _(
                "The meeting was changed. The SMEs that said they will attend get the new "
                "time or place by e-mail."
            )
        return _("The meeting was saved.")

    def get_success_url(self, result):
        return self.tenant_url("meeting_detail", pk=result.pk)


class MeetingCancelView(ServiceFormMixin, MeetingObjectMixin, View):
    """Cancel a planned meeting with a reason; the SMEs that said they will attend are told by e-mail."""

    permission_required = "matching.manage_meeting"
    template_name = "matching/meeting_cancel.html"
    form_class = forms.MeetingCancelForm
    success_message = gettext_lazy("The meeting was cancelled.")

    def get_context_data(self, **kwargs):
        meeting = self.get_object()
        attending = [p for p in selectors.participants_of(meeting=meeting) if p.reply == "attending"]
        return super().get_context_data(meeting=meeting, attending=attending, **kwargs)

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        if meeting.status != MeetingStatus.PLANNED:
            messages.error(request, _("Only a planned meeting can be cancelled."))
            return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return meeting_services.meeting_cancel(
            meeting=self.get_object(), actor=self.request.user, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self, result):
        return self.tenant_url("meeting_detail", pk=self.get_object().pk)


# --- SME self-service: symposium registration ----------------------------------------------------


class SymposiumListView(TenantViewMixin, View):
    """An SME member's page: the municipality's upcoming symposiums, to register the company or withdraw."""

    permission_required = "matching.register_symposium"
    template_name = "matching/symposium_list.html"

    def get(self, request, *args, **kwargs):
        _role, sme_id = party_ids(request.user, self.municipality)
        places = selectors.registrations_of(sme_id=sme_id, municipality=self.municipality)
        symposiums = list(selectors.symposiums_open_for_registration(municipality=self.municipality))
        for symposium in symposiums:
            symposium.own_reply = places.get(symposium.pk)
            symposium.places_left = (
                None if symposium.capacity is None else max(symposium.capacity - symposium.registered, 0)
            )
        context = {"symposiums": symposiums, "has_sme": sme_id is not None}
        return render(request, self.template_name, context)


class SymposiumRegistrationView(TenantObjectMixin, View):
    """POST: register (action=register) or withdraw (action=unregister) the member's own SME.

    The symposium is looked up before the permission check, so another municipality's id is a 404
    for every role."""

    permission_required = "matching.register_symposium"
    action = "register"

    def get_queryset(self):
        return selectors.symposiums_of(municipality=self.municipality)

    def get_permission_object(self):
        return self.get_object()

    def post(self, request, *args, **kwargs):
        symposium = self.get_object()
        back = redirect(self.tenant_url("symposium_list"))
        _role, sme_id = party_ids(request.user, self.municipality)
        sme = smes_visible_to(user=request.user, municipality=self.municipality).filter(pk=sme_id).first()
        if sme is None:
            messages.error(request, _("Your account is not linked to a company; ask the coordinator."))
            return back
        try:
            if self.action == "register":
                symposium_services.meeting_register(meeting=symposium, actor=request.user, sme=sme)
            else:
                symposium_services.meeting_unregister(meeting=symposium, actor=request.user, sme=sme)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return back
        if self.action == "register":
            messages.success(
                request, _("{sme} is registered for “{title}”.").format(sme=sme, title=symposium.title)
            )
        else:
            messages.success(
                request,
                _("The registration of {sme} for “{title}” was cancelled.").format(
                    sme=sme, title=symposium.title
                ),
            )
        return back
