from django.urls import path

from peili.imports.urls import importer_urls
from peili.org import views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("agencies/<str:code>/edit/", views.agency_edit, name="agency_edit"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("me/", views.my_record, name="my_record"),
    *importer_urls("people"),
]
