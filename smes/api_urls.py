"""REST API endpoints of the smes app, under /api/v1/."""

urlpatterns: list = []
