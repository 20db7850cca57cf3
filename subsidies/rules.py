"""Permission predicates of the subsidies app, on the core's roles and the smes app's own-SME check.

Coordinators see and change everything of their municipality; an SME member sees its own SME's
eligibility and applications (never coordinator notes) and may draft and submit them.
"""

from __future__ import annotations

import rules

from kawasaki.rules import is_coordinator, is_reporting_client, is_sme_member
from smes.rules import is_own_sme

rules.add_perm("subsidies.view_programme", is_coordinator)
rules.add_perm("subsidies.manage_programme", is_coordinator)
rules.add_perm("subsidies.view_calendar", is_coordinator)
rules.add_perm("subsidies.manage_feed", is_coordinator)
rules.add_perm("subsidies.view_eligibility", is_coordinator | is_own_sme)
rules.add_perm("subsidies.pick_eligibility", is_coordinator | is_sme_member)
rules.add_perm("subsidies.view_own_eligibility", is_sme_member)
rules.add_perm("subsidies.view_application_list", is_coordinator | is_sme_member)
rules.add_perm("subsidies.view_application", is_coordinator | is_own_sme)
rules.add_perm("subsidies.add_application", is_coordinator | is_own_sme)
rules.add_perm("subsidies.change_application", is_coordinator | is_own_sme)
rules.add_perm("subsidies.submit_application", is_coordinator | is_own_sme)
rules.add_perm("subsidies.decide_application", is_coordinator)
rules.add_perm("subsidies.view_notes", is_coordinator)
rules.add_perm("subsidies.add_note", is_coordinator)
# The API also serves reporting clients: granted amounts feed the municipality's reports.
rules.add_perm("subsidies.view_programme_api", is_coordinator | is_reporting_client)
rules.add_perm("subsidies.view_application_api", is_coordinator | is_reporting_client | is_own_sme)
