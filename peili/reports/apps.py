from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "peili.reports"
    label = "reports"
    verbose_name = _("首頁與統計報表")
