"""screen_eval: the production engine over an outside corpus, TREC run format, no database."""

import json
import re

import pytest
from django.core.management import CommandError, call_command

TREC_LINE = re.compile(r"^(\S+) Q0 (\S+) (\d+) (-?\d+\.\d+) (\S+)$")


@pytest.fixture
def files(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(d, ensure_ascii=False)
            for d in [
                {
                    "id": "p1",
                    "title": "Vibration damping mount for small motors",
                    "abstract": "A rubber mount.",
                },
                {"id": "p2", "title": "Solar cell coating", "abstract": None},
                {"id": "p3", "title": "小型モーターの制振構造", "abstract": "モータの振動を減らす。"},
                {"id": "p4", "title": "Drone battery swap station"},
            ]
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"qid": "q1", "query": "reduce motor vibration"})
        + "\n"
        + json.dumps({"qid": "q2", "query": "モーター 振動"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    return corpus, queries, tmp_path / "run.tsv"


def test_screen_eval_writes_valid_trec_run(files):
    # No django_db mark: pytest-django raises on any database access, so this also proves none happens.
    corpus, queries, out = files
    call_command("screen_eval", "--corpus", corpus, "--queries", queries, "--top", "3", "--out", out)
    lines = out.read_text().splitlines()
    parsed = [TREC_LINE.match(line) for line in lines]
    assert all(parsed), lines
    by_query: dict[str, list] = {}
    for m in parsed:
        by_query.setdefault(m.group(1), []).append(
            (int(m.group(3)), m.group(2), float(m.group(4)), m.group(5))
        )
    assert set(by_query) == {"q1", "q2"}
    for hits in by_query.values():
        assert [rank for rank, *_ in hits] == list(range(1, len(hits) + 1))
        scores = [score for _rank, _doc, score, _tag in hits]
        assert scores == sorted(scores, reverse=True)
        assert {tag for *_, tag in hits} == {"kawasaki-bm25"}
        assert len(hits) <= 3
    # With translation both motor-vibration seeds answer either query, in either language.
    assert {doc for _rank, doc, *_ in by_query["q1"][:2]} == {"p1", "p3"}
    assert {doc for _rank, doc, *_ in by_query["q2"][:2]} == {"p1", "p3"}


def test_screen_eval_reports_bad_input(files):
    corpus, queries, out = files
    corpus.write_text('{"id": "x", "title": "ok"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"corpus\.jsonl:2: invalid JSON"):
        call_command("screen_eval", "--corpus", corpus, "--queries", queries, "--out", out)
