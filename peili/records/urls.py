from django.urls import path  # noqa: F401

from peili.records.importing.urls import urlpatterns as importing

app_name = "records"
urlpatterns = [
    *importing,
]
