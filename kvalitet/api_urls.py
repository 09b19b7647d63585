"""REST-API:t, versionerat under /api/v1/."""

app_name = "api"

urlpatterns = []
