from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from programs import views as program_views
from tpmo.views import calendars, home, portfolio, system

urlpatterns = [
    path("", home.home, name="home"),
    path("panels/<slug:name>/", home.home_panel, name="home-panel"),
    path("portfolio/finance/", portfolio.finance, name="portfolio-finance"),
    path(
        "portfolio/dependencies/",
        program_views.portfolio_dependencies,
        name="portfolio-dependencies",
    ),
    path("portfolio/timeline/", program_views.portfolio_timeline, name="portfolio-timeline"),
    path("", include("programs.urls")),
    path("", include("risks.urls")),
    path("", include("review.urls")),
    path("", include("integrations.urls")),
    path("api/", include("integrations.api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", system.PasswordChange.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/calendar/", calendars.calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>/portfolio.ics", calendars.portfolio_feed, name="calendar-portfolio"),
    path("calendar/<str:token>/mine.ics", calendars.my_feed, name="calendar-mine"),
    path(
        "calendar/<str:token>/programs/<str:code>.ics",
        calendars.program_feed,
        name="calendar-program",
    ),
    path("healthz", system.healthz, name="healthz"),
    path("favicon.ico", system.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]

handler400 = "tpmo.views.system.bad_request"
handler403 = "tpmo.views.system.forbidden"
handler404 = "tpmo.views.system.not_found"
handler500 = "tpmo.views.system.server_error"
