from django.urls import path

from review import views

urlpatterns = [
    path("portfolio/", views.review, name="portfolio-review"),
    path("portfolio/kpis/", views.kpis, name="portfolio-kpis"),
    path("portfolio/changes/", views.changes, name="portfolio-changes"),
    path("portfolio/people/", views.people, name="portfolio-people"),
    path("portfolio/objectives/", views.objectives, name="portfolio-objectives"),
]
