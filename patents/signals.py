"""Signals the patents app sends, for apps above it (matching) to listen to without patents knowing them."""

from django.dispatch import Signal

# Sent inside the transaction of a portfolio import that created or updated patents. Bulk writes send
# no post_save, so this is how listeners hear of them. Arguments: portfolio_import, municipality_id.
portfolio_committed = Signal()

# Sent inside the transaction that published seeds (one seed or a bulk publish). Arguments: patents
# (the seeds now published), actor (the user, or None).
seeds_published = Signal()

# Sent inside the transaction of any other bulk write to seeds that bypasses post_save (bulk_create,
# queryset update), so that listeners (matching's index versions) hear of it. Arguments: municipality_id.
seeds_changed = Signal()
