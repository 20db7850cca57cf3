"""What each audit action means, in words: the audit log shows these instead of codes.

Codes are written by services (``audit_log(action="patent.updated", ...)``); a new code without a
label here fails ``tests/kawasaki/test_audit_labels.py``, and the page falls back to the code.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

# Each label has the context "audit action": a state called "Meeting held" elsewhere keeps its own
# words (the project catalogue wins over the apps' catalogues for the same msgid without context).

ACTION_LABELS = {
    # Core
    "municipality.created": pgettext_lazy("audit action", "Municipality set up"),
    "invitation.created": pgettext_lazy("audit action", "Invitation sent"),
    "invitation.accepted": pgettext_lazy("audit action", "Invitation accepted"),
    "invitation.revoked": pgettext_lazy("audit action", "Invitation withdrawn"),
    "membership.updated": pgettext_lazy("audit action", "Membership changed"),
    "api_token.issued": pgettext_lazy("audit action", "API token issued"),
    "api_token.revoked": pgettext_lazy("audit action", "API token revoked"),
    # Seeds
    "company.created": pgettext_lazy("audit action", "Company added"),
    "company.updated": pgettext_lazy("audit action", "Company edited"),
    "company.alias_added": pgettext_lazy("audit action", "Company alias added"),
    "patent.updated": pgettext_lazy("audit action", "Seed edited"),
    "patent.import_updated": pgettext_lazy("audit action", "Seed updated by an import"),
    "patent.draft": pgettext_lazy("audit action", "Seed set back to draft"),
    "patent.published": pgettext_lazy("audit action", "Seed published to SMEs"),
    "patent.withdrawn": pgettext_lazy("audit action", "Seed withdrawn"),
    "patent.attachment_added": pgettext_lazy("audit action", "Attachment added to a seed"),
    "patent.attachment_deleted": pgettext_lazy("audit action", "Attachment removed from a seed"),
    "portfolio_import.uploaded": pgettext_lazy("audit action", "Portfolio file uploaded"),
    "portfolio_import.confirmed": pgettext_lazy("audit action", "Portfolio import confirmed"),
    "portfolio_import.committed": pgettext_lazy("audit action", "Portfolio import written"),
    "portfolio_import.retried": pgettext_lazy("audit action", "Portfolio import started again"),
    # SMEs
    "sme.created": pgettext_lazy("audit action", "SME added"),
    "sme.updated": pgettext_lazy("audit action", "SME profile edited"),
    "visit.recorded": pgettext_lazy("audit action", "Visit recorded"),
    "next_action.done": pgettext_lazy("audit action", "Follow-up done"),
    "business_plan.created": pgettext_lazy("audit action", "Business plan started"),
    "business_plan.updated": pgettext_lazy("audit action", "Business plan edited"),
    "business_plan.status_changed": pgettext_lazy("audit action", "Business plan status changed"),
    "plan_comment.added": pgettext_lazy("audit action", "Comment on a business plan"),
    "partner.created": pgettext_lazy("audit action", "Partner added"),
    "partner.updated": pgettext_lazy("audit action", "Partner edited"),
    "referral.created": pgettext_lazy("audit action", "Referral to a partner"),
    "referral.outcome_recorded": pgettext_lazy("audit action", "Referral outcome recorded"),
    "seed_interest.sent": pgettext_lazy("audit action", "Interest in a seed sent"),
    "seed_interest.acknowledged": pgettext_lazy("audit action", "Interest in a seed acknowledged"),
    # Screening
    "screening_run.started": pgettext_lazy("audit action", "Screening started"),
    "screening_run.finished": pgettext_lazy("audit action", "Screening finished"),
    "screening_run.retried": pgettext_lazy("audit action", "Screening started again"),
    "index_build.retried": pgettext_lazy("audit action", "Search index rebuild started again"),
    "screening_run.shared": pgettext_lazy("audit action", "Screening shared with the company"),
    "screening_run.unshared": pgettext_lazy("audit action", "Screening no longer shared"),
    "screening_candidate.decided": pgettext_lazy("audit action", "Candidate reviewed"),
    "glossary_entry.added": pgettext_lazy("audit action", "Screening glossary entry added"),
    "glossary_entry.removed": pgettext_lazy("audit action", "Screening glossary entry removed"),
    "meeting_proposal.created": pgettext_lazy("audit action", "Meeting proposed"),
    "meeting_proposal.status": pgettext_lazy("audit action", "Meeting proposal status changed"),
    # Meetings and deals
    "meeting.created": pgettext_lazy("audit action", "Meeting planned"),
    "meeting.updated": pgettext_lazy("audit action", "Meeting changed"),
    "meeting.cancelled": pgettext_lazy("audit action", "Meeting cancelled"),
    "meeting.held": pgettext_lazy("audit action", "Meeting held"),
    "meeting.invited": pgettext_lazy("audit action", "SMEs invited to a meeting"),
    "meeting.replied": pgettext_lazy("audit action", "Reply to a meeting invitation"),
    "meeting.listing_consent": pgettext_lazy("audit action", "Consent to be listed to other SMEs changed"),
    "meeting.registered": pgettext_lazy("audit action", "Registered for a symposium"),
    "meeting.unregistered": pgettext_lazy("audit action", "Symposium registration cancelled"),
    "one_on_one.requested": pgettext_lazy("audit action", "One-on-one meeting requested"),
    "one_on_one.scheduled": pgettext_lazy("audit action", "One-on-one meeting scheduled"),
    "negotiation.created": pgettext_lazy("audit action", "Deal opened"),
    "negotiation.moved": pgettext_lazy("audit action", "Deal moved to another stage"),
    "negotiation.reopened": pgettext_lazy("audit action", "Deal reopened at an earlier stage"),
    "negotiation.seeds_added": pgettext_lazy("audit action", "Seeds added to an existing deal"),
    "negotiation.note": pgettext_lazy("audit action", "Note on a deal"),
    "negotiation.call": pgettext_lazy("audit action", "Call on a deal"),
    "negotiation.nda": pgettext_lazy("audit action", "NDA recorded"),
    "negotiation.nda_reminder_sent": pgettext_lazy("audit action", "NDA expiry reminder sent"),
    "document.uploaded": pgettext_lazy("audit action", "Document uploaded"),
    "document.commented": pgettext_lazy("audit action", "Comment on a document"),
    "licence_terms.recorded": pgettext_lazy("audit action", "Licence terms recorded"),
    "product.recorded": pgettext_lazy("audit action", "Product recorded"),
    "task.created": pgettext_lazy("audit action", "Task added"),
    "task.done": pgettext_lazy("audit action", "Task done"),
    # Subsidies
    "subsidy_programme.created": pgettext_lazy("audit action", "Subsidy programme added"),
    "subsidy_programme.updated": pgettext_lazy("audit action", "Subsidy programme edited"),
    "subsidy_programme.adopted": pgettext_lazy("audit action", "Subsidy programme adopted from a template"),
    "subsidy_window.created": pgettext_lazy("audit action", "Application window added"),
    "subsidy_window.updated": pgettext_lazy("audit action", "Application window changed"),
    "subsidy_window.deleted": pgettext_lazy("audit action", "Application window deleted"),
    "subsidy_application.created": pgettext_lazy("audit action", "Subsidy application started"),
    "subsidy_application.updated": pgettext_lazy("audit action", "Subsidy application edited"),
    "subsidy_application.status_changed": pgettext_lazy("audit action", "Subsidy application status changed"),
    "subsidy_application.document_added": pgettext_lazy(
        "audit action", "Document added to a subsidy application"
    ),
    "subsidy_application.note_added": pgettext_lazy("audit action", "Note on a subsidy application"),
    "subsidy_application.reminder_sent": pgettext_lazy("audit action", "Deadline reminder sent"),
    # Reports
    "kpi_targets.set": pgettext_lazy("audit action", "KPI targets set"),
    "product_sales.reported": pgettext_lazy("audit action", "Product sales reported"),
    "case_study.saved": pgettext_lazy("audit action", "English case study saved"),
    "subsidy_calendar_feed.issued": pgettext_lazy("audit action", "Calendar feed issued"),
    "subsidy_calendar_feed.revoked": pgettext_lazy("audit action", "Calendar feed revoked"),
    "contact_person.created": pgettext_lazy("audit action", "Contact person added"),
    "contact_person.updated": pgettext_lazy("audit action", "Contact person changed"),
    "contact_person.deleted": pgettext_lazy("audit action", "Contact person removed"),
    "shortlist_entry.added": pgettext_lazy("audit action", "Seed added to a shortlist"),
    "shortlist_entry.removed": pgettext_lazy("audit action", "Seed removed from a shortlist"),
}


def action_label(action: str) -> str:
    """The words for an audit action; the code itself when it has none."""
    return str(ACTION_LABELS.get(action, action))
