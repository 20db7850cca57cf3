"""REST API endpoints of the subsidies app, under /api/v1/."""

urlpatterns: list = []
