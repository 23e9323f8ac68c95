"""``/api/v1/``: the schema, its browsable docs, and the endpoints.

The API answers 401 to anonymous requests itself (DRF exempts its views from the site's
login redirect); the docs pages are for people and send them to the login page.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from targets.api import views

app_name = "api"

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("pillars", views.PillarViewSet, basename="pillar")
router.register("targets", views.TargetViewSet, basename="target")
router.register("units", views.UnitViewSet, basename="unit")
router.register("entries", views.EntryViewSet, basename="entry")

# The docs are a page for people: login_required sends an anonymous visitor to sign in.
# Swagger UI only (drf-spectacular's Redoc page loads fonts and a logo from CDNs), its
# script a separate file (no inline script: ready for a strict Content-Security-Policy).
swagger = SpectacularSwaggerSplitView.as_view(url_name="api:schema")

urlpatterns = [
    path("docs", login_required(swagger), name="docs"),
    path("schema", SpectacularJSONAPIView.as_view(), name="schema"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("entries/batch/", views.EntryBatchView.as_view(), name="entry-batch"),
    *router.urls,
    # Last: any other path is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
