"""The reports app's forms: the year's targets, a product's yearly sales."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Figure


class KpiTargetsForm(forms.Form):
    """One optional target per funnel figure; empty clears it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for figure, label in Figure.choices:
            self.fields[figure] = forms.IntegerField(
                label=label, min_value=0, max_value=1_000_000, required=False
            )

    def targets(self) -> dict[str, int | None]:
        return {figure: self.cleaned_data.get(figure) for figure in Figure.values}


class ProductSalesForm(forms.Form):
    """A product's sales in one fiscal year, as the SME reports them."""

    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    sales_yen = forms.IntegerField(label=_("Sales (yen)"), min_value=0, max_value=10**13)
    royalty_base_yen = forms.IntegerField(
        label=_("Royalty base (yen)"),
        min_value=0,
        max_value=10**13,
        help_text=_("The part of the sales the running royalty is paid on (usually the net sales)."),
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, _("FY%(year)d") % {"year": y}) for y in years]


class CaseStudyForm(forms.Form):
    """The English title and text of a product's case study."""

    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    text_en = forms.CharField(
        label=_("Case study in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the SME made from the licensed seed and what it changed, for the English annual report."
        ),
    )
