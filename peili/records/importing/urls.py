"""Importing learning records from elsewhere (the national portal's or another platform's export)."""

from django.urls import URLPattern, path

from peili.records.importing import views

# The importer's pages, included by peili/records/urls.py under the `records` namespace.
urlpatterns: list[URLPattern] = [
    path("import/", views.upload, name="import"),
    path("import/template.xlsx", views.template, name="import_template"),
    path("import/job/", views.job, name="import_job"),
    path("import/job/status/", views.job_status, name="import_status"),
    path("import/job/load/", views.job_load, name="import_load"),
    path("import/job/problems.csv", views.job_problems, name="import_problems"),
]
