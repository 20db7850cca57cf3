"""What each audit action means, in words: the audit log shows these instead of codes.

Codes are written by services (``audit_log(action="patent.updated", ...)``); a new code without a
label here fails ``tests/kawasaki/test_audit_labels.py``, and the page falls back to the code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # Core
    "municipality.created": _("Municipality set up"),
    "invitation.created": _("Invitation sent"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.revoked": _("Invitation withdrawn"),
    "membership.updated": _("Membership changed"),
    "api_token.issued": _("API token issued"),
    "api_token.revoked": _("API token revoked"),
    # Seeds
    "company.created": _("Company added"),
    "company.updated": _("Company edited"),
    "company.alias_added": _("Company alias added"),
    "patent.updated": _("Seed edited"),
    "patent.import_updated": _("Seed updated by an import"),
    "patent.draft": _("Seed set back to draft"),
    "patent.published": _("Seed published to SMEs"),
    "patent.withdrawn": _("Seed withdrawn"),
    "patent.attachment_added": _("Attachment added to a seed"),
    "patent.attachment_deleted": _("Attachment removed from a seed"),
    "portfolio_import.uploaded": _("Portfolio file uploaded"),
    "portfolio_import.confirmed": _("Portfolio import confirmed"),
    "portfolio_import.committed": _("Portfolio import written"),
    # SMEs
    "sme.created": _("SME added"),
    "sme.updated": _("SME profile edited"),
    "visit.recorded": _("Visit recorded"),
    "next_action.done": _("Follow-up done"),
    "business_plan.created": _("Business plan started"),
    "business_plan.updated": _("Business plan edited"),
    "business_plan.status_changed": _("Business plan status changed"),
    "plan_comment.added": _("Comment on a business plan"),
    "partner.created": _("Partner added"),
    "partner.updated": _("Partner edited"),
    "referral.created": _("Referral to a partner"),
    "referral.outcome_recorded": _("Referral outcome recorded"),
    "seed_interest.sent": _("Interest in a seed sent"),
    "seed_interest.acknowledged": _("Interest in a seed acknowledged"),
    # Screening
    "screening_run.started": _("Screening started"),
    "screening_run.finished": _("Screening finished"),
    "screening_run.shared": _("Screening shared with the company"),
    "screening_run.unshared": _("Screening no longer shared"),
    "screening_candidate.decided": _("Candidate reviewed"),
    "meeting_proposal.created": _("Meeting proposed"),
    "meeting_proposal.status": _("Meeting proposal status changed"),
    # Meetings and deals
    "meeting.created": _("Meeting planned"),
    "meeting.updated": _("Meeting changed"),
    "meeting.cancelled": _("Meeting cancelled"),
    "meeting.held": _("Meeting held"),
    "meeting.invited": _("SMEs invited to a meeting"),
    "meeting.replied": _("Reply to a meeting invitation"),
    "meeting.registered": _("Registered for a symposium"),
    "meeting.unregistered": _("Symposium registration cancelled"),
    "one_on_one.requested": _("One-on-one meeting requested"),
    "one_on_one.scheduled": _("One-on-one meeting scheduled"),
    "negotiation.created": _("Deal opened"),
    "negotiation.moved": _("Deal moved to another stage"),
    "negotiation.note": _("Note on a deal"),
    "negotiation.call": _("Call on a deal"),
    "negotiation.nda": _("NDA recorded"),
    "negotiation.nda_reminder_sent": _("NDA expiry reminder sent"),
    "document.uploaded": _("Document uploaded"),
    "document.commented": _("Comment on a document"),
    "licence_terms.recorded": _("Licence terms recorded"),
    "product.recorded": _("Product recorded"),
    "task.created": _("Task added"),
    "task.done": _("Task done"),
    # Subsidies
    "subsidy_programme.created": _("Subsidy programme added"),
    "subsidy_programme.updated": _("Subsidy programme edited"),
    "subsidy_programme.adopted": _("Subsidy programme adopted from a template"),
    "subsidy_window.created": _("Application window added"),
    "subsidy_window.updated": _("Application window changed"),
    "subsidy_window.deleted": _("Application window deleted"),
    "subsidy_application.created": _("Subsidy application started"),
    "subsidy_application.updated": _("Subsidy application edited"),
    "subsidy_application.status_changed": _("Subsidy application status changed"),
    "subsidy_application.document_added": _("Document added to a subsidy application"),
    "subsidy_application.note_added": _("Note on a subsidy application"),
    "subsidy_application.reminder_sent": _("Deadline reminder sent"),
    "subsidy_calendar_feed.issued": _("Calendar feed issued"),
    "subsidy_calendar_feed.revoked": _("Calendar feed revoked"),
}


def action_label(action: str) -> str:
    """The words for an audit action; the code itself when it has none."""
    return str(ACTION_LABELS.get(action, action))
