from django.urls import URLPattern

# The importer's pages, included by peili/records/urls.py under the `records` namespace.
urlpatterns: list[URLPattern] = []
