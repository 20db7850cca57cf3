"""REST API endpoints of the negotiations app, under /api/v1/."""

urlpatterns: list = []
