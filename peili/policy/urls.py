from django.urls import path

from peili.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.packs, name="packs"),
    path("new/", views.pack_create, name="pack_create"),
    path("compare/", views.compare, name="compare"),
    path("categories/", views.categories, name="categories"),
    path("jurisdictions/new/", views.jurisdiction_create, name="jurisdiction_create"),
    path("jurisdictions/<slug:code>/edit/", views.jurisdiction_edit, name="jurisdiction_edit"),
    path("<int:pk>/", views.pack_detail, name="pack_detail"),
    path("<int:pk>/edit/", views.pack_edit, name="pack_edit"),
    path("<int:pk>/copy/", views.pack_copy, name="pack_copy"),
    path("<int:pk>/history/", views.pack_history, name="pack_history"),
    path("<int:pk>/history/<int:number>/", views.revision_detail, name="revision_detail"),
]
