"""Pages of the negotiations app, under /m/<municipality>/negotiations/."""

urlpatterns: list = []
