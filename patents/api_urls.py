"""REST API endpoints of the patents app, under /api/v1/."""

urlpatterns: list = []
