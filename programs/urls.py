from django.urls import path

from programs import views
from tpmo.views import programs as program_pages

urlpatterns = [
    path("programs/", program_pages.program_list, name="program-list"),
    path("programs/<str:code>/", program_pages.program_detail, name="program-detail"),
    path(
        "programs/<str:code>/status/new/",
        views.status_report_new,
        {"level": "program"},
        name="program-status-new",
    ),
    path(
        "programs/<str:code>/retrospectives/new/",
        views.retrospective_new,
        name="retrospective-new",
    ),
    path("projects/<str:code>/", program_pages.project_detail, name="project-detail"),
    path(
        "projects/<str:code>/status/new/",
        views.status_report_new,
        {"level": "project"},
        name="project-status-new",
    ),
    path("projects/<str:code>/counters/", views.project_counters, name="project-counters"),
    path("projects/<str:code>/actuals/", views.project_actuals, name="project-actuals"),
    path("milestones/", views.milestone_list, name="milestone-list"),
    path("programs/<str:code>/timeline/", views.program_timeline, name="program-timeline"),
    path(
        "programs/<str:code>/dependencies/",
        views.program_dependencies,
        name="program-dependencies",
    ),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/row/", views.milestone_row, name="milestone-row"),
    path("dependencies/new/", views.dependency_new, name="dependency-new"),
    path("dependencies/<int:pk>/edit/", views.dependency_edit, name="dependency-edit"),
    path("actions/<int:pk>/done/", views.action_item_done, name="action-done"),
    path("impact/", views.impact, name="impact"),
]
