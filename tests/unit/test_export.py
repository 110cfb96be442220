"""Score sheets: every reviewer merged, gates named, files that Excel, WPS and
a Markdown 通报 read correctly, and review files never touched."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import openpyxl
import pytest

from shenyue.analysis.findings import Finding
from shenyue.analysis.similarity.result import CopySummary, Shares, SourceShare
from shenyue.cli import main
from shenyue.model.report import Document, Report
from shenyue.review import ExportError, OutputExistsError, ReviewStore, load_all_reviews, load_rubric
from shenyue.review.export import (
    build_score_sheet,
    collect_score_sheet,
    copy_shares,
    display_width,
    render_csv,
    summary_path,
    views,
    write_export,
)

COPY = CopySummary(  # what the similarity layer sets as report.copy
    peer_share=0.25,
    same_unit_share=0.0,
    common_share=0.125,
    sources=[SourceShare("乙街道.txt", 120, "peer")],
    sections={"overview": Shares(peer_share=0.5)},
)
COMMENT = '总体尚可，但"监督保障"缺失, 逗号\n第二行 | 竖线\n=SUM(A1) 不是公式'


def make_report(folder: Path, rel: str, text: str, *, unit: str, year: int, findings=(), copy=None) -> Report:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    doc = Document(path, rel, text, "utf-8", hashlib.sha256(data).hexdigest(), len(data), "txt")
    return Report(doc=doc, unit=unit, year=year, findings=list(findings), copy=copy)


@pytest.fixture
def team(tmp_path):
    """Three reports, two reviewers; one report has three placeholder hits."""
    folder = tmp_path / "reports"
    folder.mkdir()
    placeholders = [Finding("placeholders", "error", i, i + 2) for i in (0, 10, 20)]
    reports = [
        make_report(
            folder,
            "a/甲区.txt",
            "甲区2024年政府信息公开工作年度报告",
            unit="甲区人民政府",
            year=2024,
            findings=placeholders + [Finding("title_missing", "info")],
            copy=COPY,
        ),  # fmt: skip
        make_report(
            folder,
            "乙街道.txt",
            "乙街道2024年报告",
            unit="乙街道办事处",
            year=2024,
            findings=[Finding("section_empty", "error", 0, 4), Finding("section_order", "warning", 5, 8)],
        ),  # fmt: skip
        make_report(folder, "丙镇.txt", "丙镇报告，无人评审", unit="丙镇", year=2023),
    ]
    rubric = load_rubric(folder)
    zhang = ReviewStore(folder, "张三").open(reports[0])
    li = ReviewStore(folder, "李四").open(reports[0])
    for c in rubric.criteria:
        zhang.set_score(c.id, c.max)
        li.set_score(c.id, c.max - 2 if c.max > 5 else c.max)
    zhang.set_comment("overall", COMMENT)
    zhang.set_comment("timeliness", "按时")
    li.dismiss_finding("placeholders", 0, 2, "误报")  # 李四: only two hits left, no gate
    li.set_status("done")
    wang = ReviewStore(folder, "王五").open(reports[1])
    wang.set_score("timeliness", 7.5)
    wang.toggle_flag()
    return folder, reports, rubric


def review_bytes(folder: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (folder / "reviews").rglob("*") if p.is_file()}


# ---------------------------------------------------------------- merging


def test_rows_per_report_and_reviewer_with_gates_applied_and_named(team):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric, lang="zh")
    rows = {(r.report, r.reviewer): r for r in sheet.rows}
    assert set(rows) == {("a/甲区.txt", "张三"), ("a/甲区.txt", "李四"), ("乙街道.txt", "王五")}

    zhang = rows[("a/甲区.txt", "张三")]
    assert (zhang.unit, zhang.year, zhang.status) == ("甲区人民政府", 2024, "in-progress")
    assert zhang.raw == 100 and zhang.total == 60 and "模板未填写完整" in zhang.gates
    assert zhang.scores["timeliness"] == 10  # the reviewer's number, not the gate's
    assert zhang.findings == {"error": 3, "warning": 0, "info": 1} and zhang.dismissed == 0
    # counts are not shares; common wording has its own column, never inside the peer share
    assert zhang.copy == {"peer_share": 0.25, "same_unit_share": 0.0, "common_share": 0.125}
    assert zhang.copy_source == "乙街道.txt (120)"
    assert ("总评", COMMENT) in zhang.comments and zhang.comments[0] == ("按时发布", "按时")

    li = rows[("a/甲区.txt", "李四")]
    assert li.total == li.raw == 86 and li.gates == "" and li.status == "done"
    assert li.findings["error"] == 2 and li.dismissed == 1

    wang = rows[("乙街道.txt", "王五")]
    assert wang.total == 7.5 and wang.missing == 8 and wang.flags == ["需复核"]


def test_summary_per_report_shows_where_reviewers_disagree(team):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric)
    summary = {s.report: s for s in sheet.summary}
    assert set(summary) == {"a/甲区.txt", "乙街道.txt", "丙镇.txt"}  # unreviewed reports are listed too
    a = summary["a/甲区.txt"]
    assert sorted(a.reviewers) == ["张三", "李四"] and a.done == 1
    assert (a.mean, a.minimum, a.maximum, a.total_spread) == (73, 60, 86, 26)
    assert a.spread["timeliness"] == 2 and a.spread["other_matters"] == 0
    b = summary["乙街道.txt"]
    assert b.spread["timeliness"] is None  # one reviewer: no spread
    assert summary["丙镇.txt"].reviewers == [] and summary["丙镇.txt"].mean is None


def test_a_renamed_report_is_matched_by_hash_and_a_vanished_one_is_kept(team):
    folder, reports, rubric = team
    renamed = make_report(folder, "新名字.txt", reports[0].text, unit="甲区人民政府", year=2024)
    (folder / "a" / "甲区.txt").unlink()
    sheet = collect_score_sheet(folder, [renamed, reports[2]], rubric, lang="en")
    reports_in_rows = {(r.report, r.reviewer) for r in sheet.rows}
    assert ("新名字.txt", "张三") in reports_in_rows and ("新名字.txt", "李四") in reports_in_rows
    assert any("renamed" in n for n in sheet.notes)
    vanished = [r for r in sheet.rows if r.reviewer == "王五"][0]
    assert vanished.report_missing and vanished.findings is None
    assert any("no longer in the folder" in n for n in sheet.notes)


def test_unreadable_review_files_are_reported_and_the_rest_is_exported(team):
    folder, reports, rubric = team
    bad = folder / "reviews" / "赵六" / "丙镇.txt.toml"
    bad.parent.mkdir(parents=True)
    bad.write_text("scores = [", encoding="utf-8")
    sheet = collect_score_sheet(folder, reports, rubric)
    assert len(sheet.rows) == 3 and len(sheet.problems) == 1 and sheet.problems[0].path == bad
    assert bad.read_text(encoding="utf-8") == "scores = ["  # exporting never moves or fixes a file
    notes = views(sheet, "zh")[2].rows
    assert any(str(bad) in n[0] for n in notes)


# ---------------------------------------------------------------- the three formats


def test_csv_opens_in_excel_with_chinese_text_and_exact_comments(team, tmp_path):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric, lang="zh")
    out = tmp_path / "out" / "scores.csv"
    written = write_export(sheet, out, "csv", lang="zh")
    assert written == [out, summary_path(out)]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel and WPS detect UTF-8
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[:5] == ["报告", "单位", "年度", "评审人", "状态"]
    assert "按时发布 (10)" in header
    body = {(r[0], r[3]): dict(zip(header, r)) for r in rows[1:]}
    zhang = body[("a/甲区.txt", "张三")]
    assert zhang["按时发布 (10)"] == "10" and zhang["单位"] == "甲区人民政府"
    total_col = next(h for h in header if h.startswith("总分"))
    assert zhang[total_col] == "60" and "模板未填写完整" in zhang["否决/封顶"]
    assert f"【总评】{COMMENT}" in zhang["评语"]  # commas, quotes, | and newlines intact
    assert body[("乙街道.txt", "王五")]["按时发布 (10)"] == "7.5"
    assert zhang["与其他单位雷同（%）"] == "25" and zhang["与本单位往年雷同（%）"] == "0"
    assert zhang["主要雷同来源（字数）"] == "乙街道.txt (120)"
    assert body[("乙街道.txt", "王五")]["与其他单位雷同（%）"] == ""  # no copy data for that report

    with open(summary_path(out), encoding="utf-8-sig", newline="") as handle:
        summary = list(csv.DictReader(handle))
    a = next(r for r in summary if r["报告"] == "a/甲区.txt")
    assert (a["评审人数"], a["平均总分"], a["最低总分"], a["最高总分"]) == ("2", "73", "60", "86")


def test_csv_cells_that_look_like_formulas_stay_text():
    rubric = load_rubric()
    sheet = build_score_sheet(rubric, [], [])
    view = views(sheet)[0]
    view.rows = [['=HYPERLINK("x")', "+1", "-2", "@a", "普通", 5] + [None] * (len(view.columns) - 6)]
    rows = list(csv.reader(io.StringIO(render_csv(view).decode("utf-8-sig"))))
    assert rows[1][:6] == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@a", "普通", "5"]


def test_xlsx_has_a_sheet_per_view_frozen_headers_numbers_and_cjk_widths(team, tmp_path):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric, lang="zh")
    out = tmp_path / "scores.xlsx"
    write_export(sheet, out, "xlsx", lang="zh")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["评分明细", "汇总", "说明"]
    ws = book["评分明细"]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    rows = {(r[0], r[3]): dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    zhang = rows[("a/甲区.txt", "张三")]
    assert zhang["按时发布 (10)"] == 10 and isinstance(zhang["按时发布 (10)"], (int, float))
    assert zhang["年度"] == 2024 and isinstance(zhang["年度"], int)
    assert f"【总评】{COMMENT}" in zhang["评语"]
    assert rows[("乙街道.txt", "王五")]["按时发布 (10)"] == 7.5
    # A column of Chinese unit names is wider than the report-year column.
    unit_col = openpyxl.utils.get_column_letter(header.index("单位") + 1)
    year_col = openpyxl.utils.get_column_letter(header.index("年度") + 1)
    assert (
        ws.column_dimensions[unit_col].width >= display_width("乙街道办事处") > ws.column_dimensions[year_col].width - 2
    )
    summary = book["汇总"]
    assert summary.freeze_panes == "B2"
    s_header = [c.value for c in summary[1]]
    a = next(dict(zip(s_header, r)) for r in summary.iter_rows(min_row=2, values_only=True) if r[0] == "a/甲区.txt")
    assert a["平均总分"] == 73 and a["按时发布 极差"] == 2


def test_copy_shares_accepts_the_shapes_the_similarity_layer_and_app_produce():
    assert copy_shares(COPY) == {"peer_share": 0.25, "same_unit_share": 0.0, "common_share": 0.125}
    assert copy_shares({"share": 0.4, "shares": {"peer": 0.3, "same_unit": 0.1}}) == {
        "share": 0.4,
        "peer": 0.3,
        "same_unit": 0.1,
    }
    assert copy_shares(0.2) == {"share": 0.2}
    assert copy_shares(None) == {} and copy_shares("x") == {} and copy_shares({"n_spans": 3}) == {}


def test_display_width_counts_cjk_double():
    assert display_width("abc") == 3 and display_width("中文") == 4 and display_width("ab\n中文字") == 6


def table_cells(line: str) -> list[str]:
    assert line.startswith("| ") and line.endswith(" |")
    return re.split(r"(?<!\\)\|", line[1:-1])


def test_markdown_tables_keep_their_shape_with_pipes_and_newlines_in_comments(team, tmp_path):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric, lang="zh")
    out = tmp_path / "通报.md"
    write_export(sheet, out, "md", lang="zh")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 评分表：")
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    # the summary (a line per report), then one table per reviewed report: criteria as rows, a column
    # per reviewer (and the spread when there are several) -- narrow enough to paste
    assert len(tables) == 1 + 2
    summary, jia, yi = tables
    assert len(summary) == 2 + 3
    assert table_cells(jia[0]) == [" 评分项 ", " 张三 ", " 李四 ", " 极差 "] and table_cells(yi[0])[1:] == [" 王五 "]
    assert len(jia) >= 2 + len(rubric.criteria) and all(len(table_cells(line)) <= 10 for t in tables for line in t)
    assert any(line.startswith("| 按时发布 (10) | 10 | 8 | 2 |") for line in jia)
    for table in tables:
        widths = {len(table_cells(line)) for line in table}
        assert len(widths) == 1  # every row has as many cells as the header
        assert set(table[1].replace(" ", "")) <= set("|-:")
    assert "第二行 \\| 竖线" in text and "<br>" in text
    assert "## 汇总" in text and "## 说明" in text and "### 甲区人民政府 2024 (a/甲区.txt)" in text


# ---------------------------------------------------------------- safety


def test_exporting_never_changes_a_review_file(team, tmp_path):
    folder, reports, rubric = team
    before = review_bytes(folder)
    sheet = collect_score_sheet(folder, reports, rubric)
    for fmt in ("csv", "xlsx", "md"):
        write_export(sheet, tmp_path / f"s.{fmt}", fmt)
    assert review_bytes(folder) == before


def test_an_existing_output_is_refused_unless_forced(team, tmp_path):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric)
    out = tmp_path / "s.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError) as info:
        write_export(sheet, out, "xlsx")
    assert out.read_bytes() == b"keep me" and "--force" in info.value.message("en")
    write_export(sheet, out, "xlsx", force=True)
    assert out.read_bytes().startswith(b"PK")
    summary_path(tmp_path / "c.csv").write_text("old", encoding="utf-8")
    with pytest.raises(OutputExistsError):  # the CSV summary file counts too
        write_export(sheet, tmp_path / "c.csv", "csv")
    assert not (tmp_path / "c.csv").exists()


def test_outputs_that_would_clobber_reviews_or_become_reports_are_refused(team):
    folder, reports, rubric = team
    sheet = collect_score_sheet(folder, reports, rubric)
    reviews = folder / "reviews"
    target = next(reviews.rglob("*.toml"))
    with pytest.raises(ExportError) as info:
        write_export(sheet, target.with_suffix(".csv"), "csv", force=True, folder=folder, reviews_root=reviews)
    assert info.value.key == "export.error.inside_reviews"
    with pytest.raises(ExportError) as info:
        write_export(sheet, folder / "通报.md", "md", folder=folder, reviews_root=reviews)
    assert info.value.key == "export.error.read_as_report"
    assert not (folder / "通报.md").exists()


# ---------------------------------------------------------------- shenyue export


def test_cli_export_merges_reviewers_of_scanned_reports(samples_copy, tmp_path, capsys):
    for name, score in (("张三", 8), ("李四", 6.5)):
        ReviewStore(samples_copy, name).open("zhongshan-city-2021.txt").set_score("timeliness", score)
    before = review_bytes(samples_copy)
    out = tmp_path / "scores.csv"
    assert main(["export", str(samples_copy), "--format", "csv", "-o", str(out), "--lang", "zh"]) == 0
    assert "2 位评审人" in capsys.readouterr().out
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    got = {(r["报告"], r["评审人"]): r for r in rows}
    assert got[("zhongshan-city-2021.txt", "李四")]["按时发布 (10)"] == "6.5"
    assert got[("zhongshan-city-2021.txt", "张三")]["单位"] == "中山市"
    assert got[("zhongshan-city-2021.txt", "张三")]["年度"] == "2021"
    share = got[("zhongshan-city-2021.txt", "张三")]["与其他单位雷同（%）"]  # the similarity layer ran
    assert 0 <= float(share) <= 100
    assert review_bytes(samples_copy) == before

    quick = tmp_path / "quick.csv"
    assert main(["export", str(samples_copy), "--no-copy", "-o", str(quick), "--lang", "zh"]) == 0
    with open(quick, encoding="utf-8-sig", newline="") as handle:
        assert "与其他单位雷同（%）" not in next(csv.reader(handle))

    assert main(["export", str(samples_copy), "-o", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--force" in err
    assert main(["export", str(samples_copy), "-o", str(out), "--force"]) == 0


def test_cli_export_formats_from_extension_and_stdout(samples_copy, tmp_path, capsys):
    ReviewStore(samples_copy, "张三").open("zhongshan-city-2021.txt").set_score("timeliness", 9)
    assert main(["export", str(samples_copy), "-o", str(tmp_path / "s.xlsx"), "--lang", "zh"]) == 0
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames[:2] == ["评分明细", "汇总"]
    capsys.readouterr()
    assert main(["export", str(samples_copy), "--format", "md", "-o", "-", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 评分表：") and "| zhongshan-city-2021.txt | 中山市 | 2021 | 张三 |" in out
    assert main(["export", str(samples_copy), "--format", "xlsx", "-o", "-"]) == 2


def test_cli_export_usage_errors_are_one_line(tmp_path, samples_copy, capsys):
    assert main(["export", str(tmp_path / "missing"), "--lang", "en"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["export", str(samples_copy), "--reviews", str(tmp_path / "nope"), "--lang", "en"]) == 2
    assert "nope" in capsys.readouterr().err
    (samples_copy / "rubric.toml").write_text('[rubric]\nid = "x"\n', encoding="utf-8")
    assert main(["export", str(samples_copy), "-o", str(tmp_path / "x.csv"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "rubric.toml" in err and "Traceback" not in err and not (tmp_path / "x.csv").exists()


def test_cli_export_with_a_separate_reviews_folder(samples_copy, tmp_path, capsys):
    shared = tmp_path / "shared-reviews"
    ReviewStore(samples_copy, "张三", reviews_dir=shared).open("zhongshan-xiqu-2024.txt").set_score("structure", 6)
    found, _ = load_all_reviews(shared)
    assert len(found) == 1
    out = tmp_path / "s.md"
    assert main(["export", str(samples_copy), "--reviews", str(shared), "-o", str(out), "--lang", "zh"]) == 0
    assert "| zhongshan-xiqu-2024.txt | 西区街道 | 2024 | 张三 |" in out.read_text(encoding="utf-8")


def test_a_registered_format_is_written_chosen_by_suffix_and_offered_by_the_cli(team, tmp_path, monkeypatch, capsys):
    from shenyue.review.export import EXPORT_FORMATS, Format, format_for, register_format, render_stdout

    folder, reports, rubric = team
    monkeypatch.setitem(EXPORT_FORMATS, "tsv", None)  # taken out again after the test
    register_format(
        Format(
            "tsv",
            ".tsv",
            render=lambda sheet, vs, lang: ["\n".join(r.reviewer for r in sheet.rows).encode("utf-8")],
            stdout=lambda sheet, vs, lang: b"rows:" + str(len(sheet.rows)).encode(),
        )
    )
    assert list(EXPORT_FORMATS)[-1] == "tsv"
    assert format_for(tmp_path / "x.TSV", None) == "tsv" and format_for(tmp_path / "x.md", None) == "md"
    sheet = collect_score_sheet(folder, reports, rubric)
    (written,) = write_export(sheet, tmp_path / "s.tsv", None)
    assert set(written.read_text("utf-8").split("\n")) == {"张三", "李四", "王五"}
    assert render_stdout(sheet, "tsv") == b"rows:%d" % len(sheet.rows)
    with pytest.raises(ExportError):
        render_stdout(sheet, "xlsx")  # a format without a stdout form is refused
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "tsv" in capsys.readouterr().out


def test_export_counts_are_singular_for_one(samples_copy, tmp_path, capsys):
    ReviewStore(samples_copy, "张三").open("zhongshan-city-2021.txt").set_score("timeliness", 9)
    assert main(["export", str(samples_copy), "-o", str(tmp_path / "s.csv"), "--no-copy", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Exported 1 review (1 report, 1 reviewer)" in out and "reviewers" not in out
    ReviewStore(samples_copy, "李四").open("zhongshan-city-2021.txt").set_score("timeliness", 8)
    assert (
        main(["export", str(samples_copy), "-o", str(tmp_path / "s.csv"), "--force", "--no-copy", "--lang", "zh"]) == 0
    )
    assert "已导出 2 条评审记录（1 份报告，2 位评审人）" in capsys.readouterr().out
