from django.urls import path

from peili.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
]
