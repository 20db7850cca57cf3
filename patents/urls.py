"""Pages of the patents app, under /m/<municipality>/patents/."""

urlpatterns: list = []
