"""The licence terms an SME meets in a deal, explained in plain words (Japanese first, English second).

Each entry keeps the Japanese term as contracts write it, so an English reader can match it against a
Japanese draft, and an explanation the reader gets in their own language. The deal page links each of
its terms here by its anchor.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LicenceTerm:
    """One term: its anchor, the Japanese term, the term in the reader's language, the explanation."""

    slug: str
    ja: str
    reading: str
    label: str | Promise
    explanation: str | Promise


GLOSSARY: tuple[LicenceTerm, ...] = (
    LicenceTerm(
        "non_exclusive",
        "通常実施権",
        "つうじょうじっしけん",
        _("Non-exclusive licence"),
        _(
            "Permission to use the patent, while the company may also let other companies use it, and use "
            "it itself. The usual kind for SMEs: cheaper, and enough to make and sell your product."
        ),
    ),
    LicenceTerm(
        "exclusive",
        "専用実施権",
        "せんようじっしけん",
        _("Exclusive licence"),
        _(
            "Only your company may use the patent, within the agreed field and area; even the patent "
            "owner may not. It is registered at the Patent Office, costs more, and you can act against "
            "copies yourself."
        ),
    ),
    LicenceTerm(
        "assignment",
        "特許権の譲渡",
        "とっきょけんのじょうと",
        _("Assignment"),
        _("The patent itself is transferred to your company: you become its owner and pay its annual fees."),
    ),
    LicenceTerm(
        "upfront-fee",
        "一時金（イニシャルペイメント）",
        "いちじきん",
        _("Upfront fee"),
        _(
            "A sum paid once when the licence is signed, whatever you later sell. Programmes for SMEs often "
            "keep it low or at zero so that starting costs little."
        ),
    ),
    LicenceTerm(
        "royalty",
        "ランニングロイヤリティ（実施料）",
        "",
        _("Running royalty"),
        _(
            "A share of each sale of the product made with the patent, usually a percentage of the "
            "selling price (for example 3%), paid regularly for as long as the licence runs."
        ),
    ),
    LicenceTerm(
        "minimum-royalty",
        "最低実施料（ミニマムロイヤリティ）",
        "さいていじっしりょう",
        _("Minimum royalty"),
        _(
            "The least you pay each year even if sales are small. It protects the patent owner from a "
            "licence nobody uses; ask for a first year without it while the product is being developed."
        ),
    ),
    LicenceTerm(
        "field-of-use",
        "実施分野",
        "じっしぶんや",
        _("Field of use"),
        _("The products or industries the licence covers, for example “food packaging machines”."),
    ),
    LicenceTerm(
        "territory",
        "実施地域",
        "じっしちいき",
        _("Territory"),
        _("Where you may make and sell under the licence, for example “Japan”."),
    ),
    LicenceTerm(
        "term",
        "契約期間",
        "けいやくきかん",
        _("Term"),
        _("How long the licence lasts; at the latest until the patent expires (20 years from filing)."),
    ),
    LicenceTerm(
        "sublicensing",
        "再実施許諾（サブライセンス）",
        "さいじっしきょだく",
        _("Sublicensing"),
        _("Whether your company may let another company (a subcontractor, a partner) use the patent too."),
    ),
    LicenceTerm(
        "improvements",
        "改良発明の取扱い",
        "かいりょうはつめいのとりあつかい",
        _("Improvements"),
        _(
            "Who owns what you invent on top of the patent. “Grant-back” means you own it but must let "
            "the patent owner use it too."
        ),
    ),
    LicenceTerm(
        "nda",
        "秘密保持契約（NDA）",
        "ひみつほじけいやく",
        _("Non-disclosure agreement (NDA)"),
        _(
            "Signed before the company shows you unpublished know-how: both sides keep what they learn "
            "secret and use it only to evaluate the deal."
        ),
    ),
)
