"""Pages of the matching app: `screening` (search, runs, review, proposals, shared results) and
`meetings` (meetings, symposium registration, scheduling proposals and one-on-one requests)."""
