from django.urls import path

from risks import views

urlpatterns = [
    path("risks/", views.risk_list, name="risk-list"),
    path("risks/<int:pk>/", views.risk_detail, name="risk-detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<int:pk>/review/", views.risk_review, name="risk-review"),
    path("risks/<int:pk>/escalate/", views.risk_escalate, name="risk-escalate"),
    path("risks/<int:pk>/close/", views.risk_close, name="risk-close"),
    path("risks/<int:pk>/convert/", views.risk_convert, name="risk-convert"),
    path("programs/<str:code>/risks/new/", views.risk_new, name="risk-new"),
    path("issues/", views.raid_list, {"kind": "issues"}, name="issue-list"),
    path("issues/<int:pk>/", views.raid_detail, {"kind": "issues"}, name="issue-detail"),
    path("decisions/", views.raid_list, {"kind": "decisions"}, name="decision-list"),
    path("decisions/<int:pk>/", views.raid_detail, {"kind": "decisions"}, name="decision-detail"),
    path("assumptions/", views.raid_list, {"kind": "assumptions"}, name="assumption-list"),
    path(
        "assumptions/<int:pk>/",
        views.raid_detail,
        {"kind": "assumptions"},
        name="assumption-detail",
    ),
    path("assumptions/<int:pk>/check/", views.assumption_check, name="assumption-check"),
]
