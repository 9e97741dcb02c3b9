"""The pages of an import, for its app's urls (under the app's namespace):
`*importer_urls("people")` gives `import/`, `import/template.xlsx`, `import/job/`,
`import/job/status/`, `import/job/load/` and `import/job/problems.csv`."""

from __future__ import annotations

from django.urls import URLPattern, path

from peili.imports import views


def importer_urls(key: str) -> list[URLPattern]:
    return [
        path("import/", views.upload(key), name="import"),
        path("import/template.xlsx", views.template(key), name="import_template"),
        path("import/job/", views.job(key), name="import_job"),
        path("import/job/status/", views.job_status(key), name="import_status"),
        path("import/job/load/", views.job_load(key), name="import_load"),
        path("import/job/problems.csv", views.job_problems(key), name="import_problems"),
    ]
