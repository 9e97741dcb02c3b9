from django.urls import include, path

from peili.api.router import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("peili.accounts.urls")),
    path("org/", include("peili.org.urls")),
    path("policy/", include("peili.policy.urls")),
    path("", include("peili.core.urls")),
]
