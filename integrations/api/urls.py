from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from integrations.api import views

router = SimpleRouter()
router.register("programs", views.ProgramViewSet, basename="program")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("dependencies", views.DependencyViewSet, basename="dependency")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("status-reports", views.StatusReportViewSet, basename="status-report")
router.register("budget-lines", views.BudgetLineViewSet, basename="budget-line")

app_name = "api"
urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
# Token callers sign in to nothing: the API answers 401 itself rather than redirecting.
for pattern in router.urls:
    pattern.callback = login_not_required(pattern.callback)
    urlpatterns.append(pattern)
