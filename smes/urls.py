"""Pages of the smes app, under /m/<municipality>/smes/."""

urlpatterns: list = []
