from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from peili.api.router import api
from peili.core.permissions import PUBLIC, requires

urlpatterns = [
    path("favicon.ico", requires(PUBLIC)(RedirectView.as_view(url=static("peili/favicon.svg"))), name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("peili.accounts.urls")),
    path("org/", include("peili.org.urls")),
    path("policy/", include("peili.policy.urls")),
    path("classes/", include("peili.catalog.urls")),
    path("registrations/notifications/", include("peili.notifications.urls")),
    path("registrations/", include("peili.enrolment.urls")),
    path("attendance/", include("peili.attendance.urls")),
    path("records/", include("peili.records.urls")),
    path("surveys/", include("peili.surveys.urls")),
    path("", include("peili.reports.urls")),
    path("", include("peili.core.urls")),
]

# JSON under /api/, Django's pages elsewhere.
handler404 = "peili.api.router.not_found"
handler500 = "peili.api.router.server_error"
