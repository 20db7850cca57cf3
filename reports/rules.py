"""Permission predicates of the reports app: the programme's figures are for coordinators and reporting clients."""

from __future__ import annotations

import rules

from kawasaki.rules import is_coordinator, is_reporting_client

rules.add_perm("reports.view_reports", is_coordinator | is_reporting_client)
