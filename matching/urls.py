"""Pages of the matching app, under /m/<municipality>/matching/."""

urlpatterns: list = []
