"""Shortlists: saving hits and candidates for an SME, bulk decisions, the refusal beside the control,
counts in place, the shortlist page and its handouts; meetings named from proposals."""

import io
import subprocess

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from kawasaki.models import AuditEntry
from matching import selectors, services
from matching.models import Decision, Direction, Meeting, MeetingProposal, ShortlistEntry
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_patent, make_sme


@pytest.fixture
def shortlist_run(city_a, coordinator_a):
    company = make_company(city_a, "川崎電機株式会社(サンプル)")
    seeds = [
        make_patent(
            city_a, company, "振動センサー", "振動を測る小型センサー。", plain_summary="機械の揺れを測る部品"
        ),
        make_patent(city_a, company, "振動の減衰装置", "振動を吸収するゴム。"),
    ]
    sme = make_sme(city_a, "多摩川精密株式会社", needs="振動を測りたい")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            sme=sme,
            query_text="振動",
        )
        services.screening_run_execute(run=run)
    return {"run": run, "sme": sme, "seeds": seeds, "company": company}


def url(name, **kwargs):
    return reverse(name, kwargs={"municipality": "city-a", **kwargs})


@pytest.mark.django_db
def test_shortlisting_a_candidate_saves_it_to_the_smes_shortlist_once(shortlist_run, coordinator_a, city_a):
    with scope(municipality=city_a):
        candidate = shortlist_run["run"].candidates.get(patent=shortlist_run["seeds"][0])
        services.candidate_decide(candidate=candidate, actor=coordinator_a, decision=Decision.SHORTLISTED)
        services.candidate_decide(candidate=candidate, actor=coordinator_a, decision=Decision.SHORTLISTED)
        entries = list(selectors.shortlist_of(sme=shortlist_run["sme"]))
        added = AuditEntry.objects.filter(action="shortlist_entry.added").count()
    assert [(e.patent_id, e.candidate_id) for e in entries] == [(shortlist_run["seeds"][0].pk, candidate.pk)]
    assert added == 1


@pytest.mark.django_db
def test_rejecting_without_a_reason_answers_422_beside_the_control_and_changes_nothing(
    client_of, shortlist_run, coordinator_a
):
    client = client_of(coordinator_a)
    with scopes_disabled():
        candidate = shortlist_run["run"].candidates.first()
    with assert_db_unchanged():
        response = client.post(
            url("candidate_decide", run=shortlist_run["run"].pk, pk=candidate.pk),
            {"decision": "rejected", "reject_reason": ""},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="candidate-{candidate.pk}"' in body
    assert 'role="alert"' in body
    assert "hx-swap-oob" not in body


@pytest.mark.django_db
def test_a_decision_updates_the_counts_out_of_band(client_of, shortlist_run, coordinator_a):
    client = client_of(coordinator_a)
    with scopes_disabled():
        candidate = shortlist_run["run"].candidates.first()
    response = client.post(
        url("candidate_decide", run=shortlist_run["run"].pk, pk=candidate.pk),
        {"decision": "shortlisted"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="decision-counts"' in body
    assert 'hx-swap-oob="true"' in body
    assert "(1)" in body.split('data-testid="count-shortlisted"')[1][:80]


@pytest.mark.django_db
def test_bulk_reject_needs_one_reason_and_then_decides_all(client_of, shortlist_run, coordinator_a):
    client = client_of(coordinator_a)
    with scopes_disabled():
        ids = list(shortlist_run["run"].candidates.values_list("pk", flat=True))
    assert len(ids) == 2
    target = url("candidates_bulk_decide", pk=shortlist_run["run"].pk)
    with assert_db_unchanged():
        refused = client.post(target, {"decision": "rejected", "candidates": ids}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert 'data-testid="bulk-error"' in refused.content.decode()
    done = client.post(target, {"decision": "rejected", "reject_reason": "terms", "candidates": ids})
    assert done.status_code == 302
    with scopes_disabled():
        assert set(shortlist_run["run"].candidates.values_list("decision", "reject_reason")) == {
            ("rejected", "terms")
        }
    client.post(target, {"decision": "shortlisted", "candidates": ids})
    with scopes_disabled():
        assert ShortlistEntry.objects.filter(sme=shortlist_run["sme"]).count() == 2


@pytest.mark.django_db
def test_a_quick_search_hit_is_saved_and_the_handouts_show_it(client_of, shortlist_run, coordinator_a):
    client = client_of(coordinator_a)
    sme, seed = shortlist_run["sme"], shortlist_run["seeds"][0]
    page = client.get(url("screening_home"), {"q": "振動", "sme": sme.pk})
    assert f'data-testid="save-{seed.pk}"' in page.content.decode()
    saved = client.post(url("shortlist_add"), {"sme": sme.pk, "patent": seed.pk}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "多摩川精密" in saved.content.decode()
    # Searching again, the saved seed says it is on the shortlist instead of offering a second save.
    again = client.get(url("screening_home"), {"q": "振動", "sme": sme.pk}).content.decode()
    assert f'data-testid="on-shortlist-{seed.pk}"' in again
    assert f'data-testid="save-{seed.pk}"' not in again
    shortlist = client.get(url("shortlist_detail", sme=sme.pk)).content.decode()
    assert "振動センサー" in shortlist
    assert "振動の減衰装置" not in shortlist
    pdf = client.get(url("shortlist_handout", sme=sme.pk, fmt="pdf"), {"for": "sme"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    company_pdf = client.get(
        url("shortlist_handout", sme=sme.pk, fmt="pdf"),
        {"for": "company", "company": shortlist_run["company"].pk},
    )
    assert company_pdf.content.startswith(b"%PDF")
    xlsx = client.get(url("shortlist_handout", sme=sme.pk, fmt="xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "振動センサー"
    assert rows[1][3] == "機械の揺れを測る部品"


@pytest.mark.django_db
def test_another_citys_sme_shortlist_is_a_404(client_of, shortlist_run, coordinator_a, city_b):
    other = make_sme(city_b, "他市製作所")
    client = client_of(coordinator_a)
    assert client.get(url("shortlist_detail", sme=other.pk)).status_code == 404
    with assert_db_unchanged():
        response = client.post(
            url("shortlist_add"), {"sme": other.pk, "patent": shortlist_run["seeds"][0].pk}
        )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_meeting_from_a_proposal_names_sme_company_and_seed(
    client_of, shortlist_run, coordinator_a, city_a
):
    with scope(municipality=city_a):
        candidate = shortlist_run["run"].candidates.get(patent=shortlist_run["seeds"][0])
        services.candidate_decide(candidate=candidate, actor=coordinator_a, decision=Decision.SHORTLISTED)
        proposal = services.meeting_propose(
            municipality=city_a, actor=coordinator_a, kind="one_on_one", candidates=[candidate]
        )
    client = client_of(coordinator_a)
    listing = client.get(url("meetingproposal_list")).content.decode()
    assert url("proposal_schedule", pk=proposal.pk) in listing
    form = client.get(url("proposal_schedule", pk=proposal.pk)).content.decode()
    assert "多摩川精密 × 川崎電機: 振動センサー" in form
    # The page says whom the meeting brings together and leads back to the proposals.
    summary = form.split('data-testid="proposal-summary"')[1].split("</dl>")[0]
    assert "多摩川精密" in summary
    assert "川崎電機" in summary
    assert f'href="{url("meetingproposal_list")}"' in form
    response = client.post(
        url("proposal_schedule", pk=proposal.pk),
        {"title": "", "starts_at": "2027-01-12T10:00", "ends_at": "2027-01-12T11:00", "venue": "会議室"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        meeting = Meeting.objects.get(municipality=city_a)
        assert MeetingProposal.objects.get(pk=proposal.pk).status == "scheduled"
    assert meeting.title == "多摩川精密 × 川崎電機: 振動センサー"
    ics = client.get(url("meeting_ics", pk=meeting.pk)).content.decode()
    assert "SUMMARY:多摩川精密 × 川崎電機: 振動センサー" in ics


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page of a PDF (pdftotext separates pages with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return text.stdout.decode().rstrip("\f").split("\f")


def flat(pages: list[str]) -> str:
    """The pages' text with runs of blanks and line breaks as one space (the layout moves words)."""
    return " ".join(" ".join(pages).split())


@pytest.mark.django_db
def test_the_meeting_booklet_has_a_cover_then_one_seed_per_page(
    client_of, shortlist_run, coordinator_a, city_a
):
    with scope(municipality=city_a):
        candidate = shortlist_run["run"].candidates.get(patent=shortlist_run["seeds"][0])
        services.candidate_decide(candidate=candidate, actor=coordinator_a, decision=Decision.SHORTLISTED)
        proposal = services.meeting_propose(
            municipality=city_a, actor=coordinator_a, kind="one_on_one", candidates=[candidate]
        )
    client = client_of(coordinator_a)
    client.post(
        url("proposal_schedule", pk=proposal.pk),
        {"starts_at": "2027-01-12T10:00", "ends_at": "2027-01-12T11:00", "venue": "川崎市産業振興会館"},
    )
    with scopes_disabled():
        meeting = Meeting.objects.get(municipality=city_a)
    response = client.get(url("meeting_booklet", pk=meeting.pk))
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    cover = pages[0]
    for expected in (
        "多摩川精密 × 川崎電機: 振動センサー",
        "2027",
        "川崎市産業振興会館",
        "多摩川精密株式会社",
    ):
        assert expected in cover
    assert "振動センサー" in pages[1]


@pytest.mark.django_db
def test_a_saved_hit_keeps_why_it_fits_and_the_page_and_handouts_show_it(client_of, city_a, coordinator_a):
    """The reasons are worked out again on the server from the words searched for: band, the needs of
    the text it meets and the bridged words, shown on the shortlist page and on both handouts."""
    company = make_company(city_a, "川崎電機株式会社(サンプル)")
    seed = make_patent(
        city_a, company, "Water purification membrane", "A membrane that removes bacteria from water."
    )
    make_patent(city_a, company, "Solar sail", "A thin sail propelled by sunlight.")
    sme = make_sme(city_a, "多摩川精密株式会社", needs="水を浄化したい")
    with scopes_disabled():
        sme.consent_to_share = True
        sme.save(update_fields=["consent_to_share"])
    client = client_of(coordinator_a)
    words = "水を浄化したい。細菌を取り除きたい"
    page = client.get(url("screening_home"), {"q": words, "sme": sme.pk}).content.decode()
    assert f'<input type="hidden" name="q" value="{words}">' in page
    # A forged reason in the request is not what is kept: only the words searched for count.
    client.post(
        url("shortlist_add"),
        {"sme": sme.pk, "patent": seed.pk, "q": words, "reasons": '{"band": "strong"}'},
        HTTP_HX_REQUEST="true",
    )
    with scopes_disabled():
        entry = ShortlistEntry.objects.get(sme=sme, patent=seed)
    assert entry.reasons["source"] == "search"
    assert entry.reasons["query"] == words
    assert entry.reasons["band"] in {"strong", "possible", "weak"}
    bridged = {(t["synonym_of"], t["bridge"]) for t in entry.reasons["matched_terms"] if t["bridge"]}
    assert ("水", "dictionary") in bridged
    assert [n["need"] for n in entry.reasons["needs_met"]][:1] == ["水を浄化したい"]
    assert entry.fit_summary.startswith("水を浄化したい")

    shortlist = client.get(url("shortlist_detail", sme=sme.pk)).content.decode()
    reasons_html = shortlist.split('data-testid="shortlist-reasons"')[1].split("</td>")[0]
    assert "水 → Water / water" in reasons_html
    assert "「水を浄化したい」" in reasons_html
    sme_pdf = pdf_pages(client.get(url("shortlist_handout", sme=sme.pk, fmt="pdf"), {"for": "sme"}).content)
    assert "水 → Water / water" in flat(sme_pdf)
    company_pdf = client.get(
        url("shortlist_handout", sme=sme.pk, fmt="pdf"), {"for": "company", "company": company.pk}
    ).content
    assert "水 → Water / water" in flat(pdf_pages(company_pdf))
    # An SME that does not share its profile: its needs stay off the company's handout.
    with scopes_disabled():
        sme.consent_to_share = False
        sme.save(update_fields=["consent_to_share"])
    hidden = client.get(
        url("shortlist_handout", sme=sme.pk, fmt="pdf"), {"for": "company", "company": company.pk}
    ).content
    text = flat(pdf_pages(hidden))
    assert "Water purification membrane" in text
    assert "水を浄化したい" not in text


@pytest.mark.django_db
def test_a_hit_saved_without_words_keeps_no_reasons(client_of, shortlist_run, coordinator_a):
    client = client_of(coordinator_a)
    sme, seed = shortlist_run["sme"], shortlist_run["seeds"][1]
    client.post(url("shortlist_add"), {"sme": sme.pk, "patent": seed.pk}, HTTP_HX_REQUEST="true")
    with scopes_disabled():
        entry = ShortlistEntry.objects.get(sme=sme, patent=seed)
    assert (entry.reasons, entry.fit_summary) == ({}, "")
    assert "—" in client.get(url("shortlist_detail", sme=sme.pk)).content.decode()


@pytest.mark.django_db
def test_a_shortlisted_candidate_keeps_its_explanation_as_reasons(shortlist_run, coordinator_a, city_a):
    with scope(municipality=city_a):
        candidate = shortlist_run["run"].candidates.get(patent=shortlist_run["seeds"][0])
        entry = services.candidate_to_shortlist(candidate=candidate, actor=coordinator_a)
    assert entry.reasons["source"] == "candidate"
    assert entry.reasons["band"] == candidate.band
    assert entry.reasons["matched_terms"] == candidate.explanation["matched_terms"]
    assert "振動" in entry.fit_summary
