import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from patents.importing.messages import ImportProblem
from patents.models import ImportState, Patent, PortfolioImport
from patents.signals import portfolio_committed
from tests.helpers.callbacks import is_index_build
from tests.patents.helpers import (
    TEMPLATE_HEADER_EN,
    confirm_and_commit,
    jsonl,
    problems_of,
    rewrite_zip,
    upload_and_validate,
    xlsx,
)

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    TEMPLATE_HEADER_EN + "\n"
    "JP 7000001 B2,patent,Gear bearing,Combines gear and bearing.,F16H 1/28; F16C19/00,Kawasaki Denki Inc.,"
    "2015-04-01,2035-04-01,granted\n"
    "JP7000002B2,utility model,Small sensor,,G01N25/00,Kawasaki Denki Inc.;Tama Lab,2016/05/02,,pending\n"
)


def patents_of(company):
    with scopes_disabled():
        return {p.number: p for p in Patent.objects.filter(company=company).order_by("number")}


def test_template_csv_utf8_imports_every_field(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "portfolio.csv", GOOD_CSV.encode())
    assert (portfolio_import.state, portfolio_import.error_count) == (ImportState.VALID, 0)
    assert (portfolio_import.file_format, portfolio_import.encoding, portfolio_import.column_set) == (
        "csv",
        "utf-8",
        "template",
    )
    assert (portfolio_import.total_rows, portfolio_import.new_count, portfolio_import.flagged_count) == (
        2,
        2,
        1,
    )
    assert patents_of(company_a) == {}  # validation writes nothing

    confirm_and_commit(portfolio_import, staff_a)
    patents = patents_of(company_a)
    assert list(patents) == ["JP7000001B2", "JP7000002B2"]
    first, second = patents["JP7000001B2"], patents["JP7000002B2"]
    assert (first.kind, first.title, first.abstract) == (
        "patent",
        "Gear bearing",
        "Combines gear and bearing.",
    )
    assert first.ipc_codes == "F16H1/28 F16C19/00"
    assert (first.filing_date, first.expiry_date, first.legal_status) == (
        dt.date(2015, 4, 1),
        dt.date(2035, 4, 1),
        "granted",
    )
    assert (second.kind, second.applicants, second.filing_date) == (
        "utility_model",
        "Kawasaki Denki Inc.\nTama Lab",
        dt.date(2016, 5, 2),
    )
    assert second.needs_completion is True
    assert first.needs_completion is False
    assert first.publication_state == "draft"


def test_japanese_headers_with_bom(company_a, staff_a):
    content = (
        "番号,発明の名称,要約,出願日,種別\nJP7100001B2,歯車軸受,歯車と軸受を一体化。,2020年4月1日,特許\n"
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"\xef\xbb\xbf" + content.encode())
    assert (portfolio_import.state, portfolio_import.encoding) == (ImportState.VALID, "utf-8-sig")
    confirm_and_commit(portfolio_import, staff_a)
    patent = patents_of(company_a)["JP7100001B2"]
    assert (patent.title, patent.filing_date, patent.kind) == ("歯車軸受", dt.date(2020, 4, 1), "patent")


def test_cp932_csv(company_a, staff_a):
    content = "番号,発明の名称,出願人\nJP7200001B2,振動センサ,川崎電機株式会社\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", content.encode("cp932"))
    assert (portfolio_import.state, portfolio_import.encoding) == (ImportState.VALID, "cp932")
    confirm_and_commit(portfolio_import, staff_a)
    assert patents_of(company_a)["JP7200001B2"].applicants == "川崎電機株式会社"


def test_xlsx_with_dates_and_numbers(company_a, staff_a):
    content = xlsx(
        [
            ["番号", "発明の名称", "出願日", "IPC"],
            [7300001, "熱交換器", dt.datetime(2019, 3, 4), "F28D 1/00"],  # noqa: DTZ001 - Excel dates are naive,
        ]
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", content)
    assert (portfolio_import.state, portfolio_import.file_format) == (ImportState.VALID, "xlsx")
    confirm_and_commit(portfolio_import, staff_a)
    patent = patents_of(company_a)["7300001"]
    assert (patent.title, patent.filing_date, patent.ipc_codes) == (
        "熱交換器",
        dt.date(2019, 3, 4),
        "F28D1/00",
    )


def test_jsonl_with_lists(company_a, staff_a):
    content = jsonl(
        {
            "number": "US-1234567-B2",
            "title": "Solar sail",
            "ipc": ["B64G1/40", "B64G1/44"],
            "applicants": ["NASA", "Kawasaki Denki Inc."],
        },
        {"number": "US-1234568-B2", "title": "Gear &apos;bearing&apos;", "abstract": "Text"},
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "p.jsonl", content)
    assert (portfolio_import.state, portfolio_import.file_format) == (ImportState.VALID, "jsonl")
    confirm_and_commit(portfolio_import, staff_a)
    patents = patents_of(company_a)
    assert patents["US-1234567-B2"].ipc_codes == "B64G1/40 B64G1/44"
    assert patents["US-1234568-B2"].title == "Gear 'bearing'"  # HTML entities decoded, as exports need


def test_google_patents_export(company_a, staff_a):
    content = (
        "search URL:,https://patents.google.com/?assignee=Kawasaki\n"
        "id,title,assignee,inventor/author,priority date,filing/creation date,publication date,grant date,"
        "result link,representative figure link\n"
        "US-9876543-B2,Vibration damper,Kawasaki Denki Inc.,Taro Yamada,2014-01-01,2015-01-02,2017-03-04,"
        "2017-03-04,https://patents.google.com/patent/US9876543B2/en,\n"
        "US-20200012345-A1,Heat pipe,KAWASAKI DENKI INC.,Hanako Sato,2018-01-01,2019-01-02,2020-01-09,,"
        "https://patents.google.com/patent/US20200012345A1/en,\n"
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "gp-search.csv", content.encode())
    assert (portfolio_import.state, portfolio_import.column_set) == (ImportState.VALID, "google")
    assert portfolio_import.flagged_count == 2  # Google's export has no abstracts
    confirm_and_commit(portfolio_import, staff_a)
    patents = patents_of(company_a)
    granted, application = patents["US-9876543-B2"], patents["US-20200012345-A1"]
    assert (granted.kind, granted.legal_status, granted.jurisdiction, granted.grant_date) == (
        "patent",
        "granted",
        "US",
        dt.date(2017, 3, 4),
    )
    assert (application.kind, application.legal_status, application.filing_date) == (
        "application",
        "pending",
        dt.date(2019, 1, 2),
    )


def test_jplatpat_export_in_shift_jis(company_a, staff_a):
    content = (
        '"No.","文献番号","出願番号","出願日","公知日","発明の名称","出願人/権利者","FI","ステータス"\n'
        '"1","特許7654321","特願2019-123456","2019/06/01","2021/02/03","軸受装置","川崎電機株式会社",'
        '"F16C19/00,F16C33/58@A","登録"\n'
        '"2","特開2022-012345","特願2020-111111","2020/07/01","2022/01/20","冷却装置","川崎電機株式会社",'
        '"F28D15/02","審査中"\n'
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "jpp.csv", content.encode("cp932"))
    assert problems_of(portfolio_import) == []
    assert (portfolio_import.column_set, portfolio_import.encoding) == ("jplatpat", "cp932")
    confirm_and_commit(portfolio_import, staff_a)
    patents = patents_of(company_a)
    granted, application = patents["特許7654321"], patents["特開2022-012345"]
    assert (granted.kind, granted.legal_status, granted.fi_codes) == (
        "patent",
        "granted",
        "F16C19/00 F16C33/58@A",
    )
    assert (application.kind, application.legal_status, application.publication_date) == (
        "application",
        "pending",
        dt.date(2022, 1, 20),
    )


BAD_CSV = (
    TEMPLATE_HEADER_EN + "\n"
    "JP1,patent,Good row,Text,G01N25/00,,2015-04-01,,granted\n"
    "JP2,gadget,,Text,ZZZ,,2015-13-01,,\n"
    "JP1,patent,Again,Text,,,,,\n"
)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "bad.csv", BAD_CSV.encode())
    assert portfolio_import.state == ImportState.INVALID
    assert problems_of(portfolio_import) == [
        (3, "ipc", "Not a valid IPC code: “ZZZ”."),
        (3, "filing_date", "Not a date: “2015-13-01”. Write it as YYYY-MM-DD."),
        (3, "title", "This value is required."),
        (3, "kind", "Unknown kind “gadget”: use patent, utility model, application or know-how."),
        (4, "number", "Number JP1 appears more than once in this file (first in row 2)."),
    ]
    with translation.override("ja"):
        japanese = [ImportProblem.from_dict(p).text() for p in portfolio_import.errors]
    assert japanese[0] == "IPC 記号として正しくありません:「ZZZ」。"
    assert japanese[2] == "必須の値です。"
    with scope(municipality=company_a.municipality), pytest.raises(ValidationError):
        confirm_and_commit(portfolio_import, staff_a)
    assert patents_of(company_a) == {}


def test_missing_required_column(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"number,abstract\nJP1,text\n")
    assert problems_of(portfolio_import) == [(1, "", "Required column missing: title / 発明の名称.")]


def test_unrecognised_columns(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"foo,bar\n1,2\n")
    assert problems_of(portfolio_import) == [
        (1, "", "Column set not recognised: use the template, a Google Patents or a J-PlatPat export.")
    ]


def test_header_only_file(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"number,title\n")
    assert problems_of(portfolio_import) == [(0, "", "The file has a header row but no data rows.")]


def test_empty_file_is_refused_at_upload(company_a, staff_a):
    with pytest.raises(ValidationError) as error:
        upload_and_validate(company_a, staff_a, "p.csv", b"")
    assert error.value.message_dict == {"file": ["ファイルが空です。"]}


def test_oversized_file_is_refused(company_a, staff_a, settings):
    settings.KAWASAKI_UPLOAD_MAX_BYTES = {
        **settings.KAWASAKI_UPLOAD_MAX_BYTES,
        "portfolio_import": 1024 * 1024,
    }
    with pytest.raises(ValidationError) as error, translation.override("en"):
        upload_and_validate(company_a, staff_a, "p.csv", b"number,title\n" + b"JP1,x\n" * 200_000)
    assert error.value.message_dict == {
        "file": ["The file is too large: portfolio imports may be at most 1 MB."]
    }


def test_unknown_encoding_is_refused(company_a, staff_a):
    # 0x81 starts a cp932 double-byte character and cannot be followed by a space; in UTF-8 it is a stray continuation byte.
    portfolio_import = upload_and_validate(
        company_a, staff_a, "p.csv", b"number,title\nJP1,\x81\x20\x81\x20\n"
    )
    assert problems_of(portfolio_import) == [(0, "", "The file is neither UTF-8 nor Shift_JIS (cp932) text.")]


def test_file_that_breaks_halfway_writes_nothing(company_a, staff_a):
    rows = "".join(f"JP{n},Title {n}\n" for n in range(1, 20_001))
    content = b"number,title\n" + rows.encode() + "JP99999,壊れた\n".encode("cp932") + b"JP100000,End\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", content)
    assert portfolio_import.state == ImportState.INVALID
    assert problems_of(portfolio_import) == [
        (20_002, "", "The text cannot be decoded as utf-8 from this row on.")
    ]
    assert patents_of(company_a) == {}


def test_reimport_of_the_same_file_changes_nothing(company_a, staff_a):
    confirm_and_commit(upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode()), staff_a)
    with scopes_disabled():
        before = {p.number: p.updated_at for p in Patent.objects.all()}
        audit_count = AuditEntry.objects.count()
    again = upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode())
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)
    again = confirm_and_commit(again, staff_a)
    assert (again.state, again.new_count, again.changed_count, again.unchanged_count) == (
        "committed",
        0,
        0,
        2,
    )
    with scopes_disabled():
        assert {p.number: p.updated_at for p in Patent.objects.all()} == before
        assert (
            list(
                AuditEntry.objects.filter(pk__gt=0)
                .exclude(action__startswith="portfolio_import")
                .exclude(action__startswith="screening_run")  # the company's screening after the first commit
                .values_list("action", flat=True)
            )
            == []
        )
        # upload, confirm and commit of the second import: three entries, none about a patent.
        assert AuditEntry.objects.count() == audit_count + 3


def test_changed_row_updates_the_patent_and_audits_the_change(company_a, staff_a):
    confirm_and_commit(upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode()), staff_a)
    changed = GOOD_CSV.replace("Small sensor,,", "Small sensor,Now with an abstract,")
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", changed.encode())
    assert (portfolio_import.new_count, portfolio_import.changed_count, portfolio_import.unchanged_count) == (
        0,
        1,
        1,
    )
    confirm_and_commit(portfolio_import, staff_a)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="patent.import_updated")
        patent = Patent.objects.get(number="JP7000002B2")
    assert entry.changes == {"abstract": {"old": "", "new": "Now with an abstract"}}
    assert (entry.object_id, entry.actor) == (str(patent.pk), staff_a)
    assert patent.abstract == "Now with an abstract"


def test_file_changed_after_validation_writes_nothing(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode())
    with open(portfolio_import.file.path, "ab") as fh:
        fh.write(b"JP7000003B2,patent,Late row,,,,not-a-date,,\n")
    portfolio_import = confirm_and_commit(portfolio_import, staff_a)
    assert portfolio_import.state == ImportState.INVALID
    assert problems_of(portfolio_import) == [
        (0, "", "The file changed after validation; upload it again."),
        (4, "filing_date", "Not a date: “not-a-date”. Write it as YYYY-MM-DD."),
    ]
    assert patents_of(company_a) == {}


def test_formula_cells_are_refused_not_evaluated(company_a, staff_a):
    content = xlsx([["number", "title"], ["JP1", '=HYPERLINK("http://evil.example","x")']])
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", content)
    assert problems_of(portfolio_import) == [
        (2, "title", "Formulas are not accepted: enter the value itself.")
    ]


def test_zip_bomb_is_refused_before_openpyxl(company_a, staff_a):
    content = rewrite_zip(
        xlsx([["number", "title"], ["JP1", "x"]]), add={"xl/media/bomb.bin": b"\0" * 50_000_000}
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", content)
    assert problems_of(portfolio_import) == [
        (0, "", "The spreadsheet part xl/media/bomb.bin is compressed suspiciously well (a zip bomb?).")
    ]


def test_xlsx_with_too_many_entries_is_refused(company_a, staff_a):
    content = rewrite_zip(
        xlsx([["number", "title"], ["JP1", "x"]]), add={f"xl/junk/{n}.bin": b"x" for n in range(1001)}
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", content)
    assert problems_of(portfolio_import)[0][2].startswith("The spreadsheet has 10")


def test_xml_bomb_is_refused(company_a, staff_a):
    base = xlsx([["number", "title"], ["JP1", "x"]])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    content = rewrite_zip(base, replace={"xl/worksheets/sheet1.xml": bomb})
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", content)
    assert problems_of(portfolio_import) == [
        (0, "", "The spreadsheet contains an XML document type declaration, which is refused.")
    ]


def test_not_a_zip_named_xlsx_is_treated_as_text(company_a, staff_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", b"PK\x03\x04garbage")
    assert problems_of(portfolio_import) == [(0, "", "This is not a readable XLSX file.")]


def test_jsonl_line_that_is_not_an_object(company_a, staff_a):
    content = jsonl({"number": "JP1", "title": "x"}) + b"[1, 2]\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.jsonl", content)
    assert problems_of(portfolio_import) == [(2, "", "This line is not a JSON object.")]


def test_import_template_download_round_trips(company_a, staff_a):
    from patents.exports import template_csv

    content = template_csv(language="ja")
    assert content.startswith("\ufeff番号,種別,国・地域,発明の名称".encode())
    portfolio_import = upload_and_validate(company_a, staff_a, "template.csv", content)
    assert (portfolio_import.state, portfolio_import.total_rows) == (ImportState.VALID, 1)


def test_zip_helper_sanity():
    data = rewrite_zip(xlsx([["a"]]), add={"x.bin": b"1"})
    assert "x.bin" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_real_export_quirks_are_normalised():
    from patents.importing.validation import normalise_number, split_codes

    assert split_codes("A21B 1/40 (2006.01); A21D13/0020060101, g01n 25/00") == [
        "A21B1/40",
        "A21D13/00",
        "G01N25/00",
    ]
    assert normalise_number("kr100662232* ") == "KR100662232"
    assert normalise_number("ＪＰ７０００００１Ｂ２") == "JP7000001B2"


def test_commit_that_writes_sends_portfolio_committed_once_and_a_no_op_reimport_sends_nothing(
    company_a, staff_a
):
    heard = []

    def listener(sender, portfolio_import, municipality_id, **kwargs):
        heard.append((sender, portfolio_import.pk, municipality_id))

    portfolio_committed.connect(listener, dispatch_uid="test-listener")
    try:
        first = confirm_and_commit(
            upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode()), staff_a
        )
        again = confirm_and_commit(
            upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode()), staff_a
        )
    finally:
        portfolio_committed.disconnect(dispatch_uid="test-listener")
    assert (first.new_count, again.unchanged_count) == (2, 2)
    assert heard == [(PortfolioImport, first.pk, company_a.municipality_id)]


def test_portfolio_committed_queues_one_index_rebuild_on_commit(city_a, django_capture_on_commit_callbacks):
    # matching listens (patents does not import it): the bulk write's only way to refresh the index.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        portfolio_committed.send(sender=PortfolioImport, portfolio_import=None, municipality_id=city_a.pk)
    # The other callback forgets the dashboard's cached seed counts (patents.signals).
    queued = [c for c in callbacks if is_index_build(c)]
    assert (len(queued), len(callbacks)) == (1, 2)


def test_commit_starts_the_company_screening(company_a, staff_a):
    confirm_and_commit(upload_and_validate(company_a, staff_a, "p.csv", GOOD_CSV.encode()), staff_a)
    with scopes_disabled():
        from matching.models import ScreeningRun

        runs = list(
            ScreeningRun.objects.filter(company=company_a).values_list("parameters", "shared_with_company")
        )
    assert [(p["started_for"], p["consenting_smes_only"], shared) for p, shared in runs] == [
        ("import", True, True)
    ]
