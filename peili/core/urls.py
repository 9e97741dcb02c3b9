from django.urls import path

from peili.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
]
