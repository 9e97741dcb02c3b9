from django.urls import path

from peili.notifications import views

# Mounted at /registrations/notifications/ (config/urls.py): the address 我的通知 always had.
app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
]
