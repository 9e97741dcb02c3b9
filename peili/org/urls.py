from django.urls import path

from peili.org import views, views_import

app_name = "org"
urlpatterns = [
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("agencies/<str:code>/edit/", views.agency_edit, name="agency_edit"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("me/", views.my_record, name="my_record"),
    path("import/", views_import.upload, name="import"),
    path("import/template.xlsx", views_import.template, name="import_template"),
    path("import/job/", views_import.job, name="import_job"),
    path("import/job/status/", views_import.job_status, name="import_status"),
    path("import/job/load/", views_import.job_load, name="import_load"),
    path("import/job/problems.csv", views_import.job_problems, name="import_problems"),
]
