from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.Model):
    """A body whose rules apply to the agencies bound to it: a city, a county, a bureau, or the nation."""

    code = models.SlugField(_("代碼"), max_length=40, unique=True)
    name = models.CharField(_("名稱"), max_length=100)
    is_national_default = models.BooleanField(
        _("全國預設"), default=False, help_text=_("其他轄區沒有當年度政策參數時所採用的預設值。")
    )

    class Meta:
        verbose_name = _("轄區")
        verbose_name_plural = _("轄區")
        ordering = ["-is_national_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_national_default"],
                condition=models.Q(is_national_default=True),
                name="policy_one_national_default",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PolicyPack(models.Model):
    """The rules of one jurisdiction for one year, as a YAML document validated on save.

    `source` is what the administrator wrote (comments kept); `data` is the validated,
    normalised form that rule functions read.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("轄區"), on_delete=models.PROTECT, related_name="packs"
    )
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    title = models.CharField(_("標題"), max_length=200)
    source = models.TextField(_("內容（YAML）"))
    data = models.JSONField(_("驗證後內容"))
    revision = models.PositiveIntegerField(_("版次"), default=1)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("政策參數包")
        verbose_name_plural = _("政策參數包")
        ordering = ["jurisdiction__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="policy_pack_unique_year")]

    def __str__(self) -> str:
        return self.title


class PolicyPackRevision(models.Model):
    """Every saved version of a pack, so that its history can be read and compared."""

    pack = models.ForeignKey(
        PolicyPack, verbose_name=_("政策參數包"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("版次"))
    source = models.TextField(_("內容（YAML）"))
    note = models.CharField(_("修改說明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建立者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("政策參數包版本")
        verbose_name_plural = _("政策參數包版本")
        ordering = ["pack", "-number"]
        constraints = [models.UniqueConstraint(fields=["pack", "number"], name="policy_revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.pack} v{self.number}"
