from django.urls import path

from peili.imports.urls import importer_urls
from peili.records import views

app_name = "records"
urlpatterns = [
    path("", views.transcript, name="transcript"),
    path("transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("transcript.xlsx", views.transcript_xlsx, name="transcript_xlsx"),
    path("people/<int:person_id>/", views.person_transcript, name="person_transcript"),
    path("people/<int:person_id>/transcript.pdf", views.person_transcript_pdf, name="person_transcript_pdf"),
    path("people/<int:person_id>/transcript.xlsx", views.person_transcript_xlsx, name="person_transcript_xlsx"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("compliance/remind/", views.remind, name="remind"),
    *importer_urls("records"),
]
