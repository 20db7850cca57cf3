"""Pages of the subsidies app, under /m/<municipality>/subsidies/."""

urlpatterns: list = []
