from django.urls import path

from integrations import views

urlpatterns = [
    path("import/", views.import_start, name="import-start"),
    path("import/<int:pk>/", views.import_batch, name="import-batch"),
    path("import/templates/<slug:kind>.csv", views.import_template, name="import-template"),
    path("export/", views.export_data, name="export-data"),
    path("account/api/", views.api_tokens, name="api-tokens"),
    path("account/api/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
