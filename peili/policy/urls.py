from django.urls import path

from peili.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.packs, name="packs"),
]
