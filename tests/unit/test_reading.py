"""Reading files whatever their encoding, and refusing bad files in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import SAMPLE

from shenyue.analysis.scan import scan_folder
from shenyue.model.report import Document, Unreadable
from shenyue.reading import read_document

TRADITIONAL_ANNUAL = (
    "某某市政府信息公開工作年度報告\n"
    "一、總體情況\n2022年，本局認真落實政府信息公開條例，主動公開政府信息一百條，依申請公開工作規範有序。\n"
    "二、主動公開政府信息情況\n本年度制發規範性文件三件，現行有效件數十件。\n"
    "三、收到和處理政府信息公開申請情況\n本年度收到申請五件，全部按時答覆辦結完畢。\n"
    "四、政府信息公開行政復議、行政訴訟情況\n本年度未發生行政復議和行政訴訟案件情況。\n"
    "五、存在的主要問題及改進情況\n公開內容的深度和廣度還有待進一步提高和完善。\n"
    "六、其他需要報告的事項\n本年度未發出收費通知，未收取信息處理費。\n"
)


def sections_of(path: Path, folder: Path):
    result = scan_folder(folder)
    report = result.report(path.name)
    assert report is not None, result.unreadable
    return report


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_a_sample_in_another_encoding_gives_the_same_sections(tmp_path, sample_text, encoding):
    text = sample_text("changzheng")
    original = sections_of(SAMPLE["changzheng"], SAMPLE["changzheng"].parent)
    path = tmp_path / "copy.txt"
    path.write_bytes(text.encode(encoding))
    report = sections_of(path, tmp_path)
    assert report.text == text
    assert [(s.key, s.title, s.start, s.end, s.empty) for s in report.sections] == [
        (s.key, s.title, s.start, s.end, s.empty) for s in original.sections
    ]
    assert report.unit == original.unit and report.year == original.year
    assert report.doc.encoding == {"gb18030": "gb18030", "utf-16": "utf-16", "utf-8-sig": "utf-8-bom"}[encoding]


def test_a_big5_traditional_report_is_decoded_and_its_headings_found(tmp_path):
    (tmp_path / "big5.txt").write_bytes(TRADITIONAL_ANNUAL.encode("big5"))
    report = sections_of(tmp_path / "big5.txt", tmp_path)
    assert report.doc.encoding == "big5"
    assert report.text == TRADITIONAL_ANNUAL
    assert [s.key for s in report.sections] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    assert report.year == 2022


def test_gb18030_short_text_is_not_mistaken_for_big5(tmp_path):
    text = "一、总体情况\n我街道认真做好政府信息公开工作。\n"
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    doc = read_document(tmp_path / "gbk.txt", tmp_path)
    assert isinstance(doc, Document) and doc.text == text and doc.encoding == "gb18030"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \r\n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        ("nul.txt", b"abc\x00\x01\x02def" * 50, "binary"),
        ("garbage.txt", bytes([0x81, 0x30, 0xFF, 0xFE, 0xFD]) * 400, "undecodable"),
    ],
)
def test_bad_files_are_reported_with_a_reason_and_do_not_stop_the_scan(tmp_path, sample_text, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(sample_text("zhongshan"), encoding="utf-8")
    result = scan_folder(tmp_path)
    assert [r.rel for r in result.reports] == ["good.txt"]
    assert [(u.rel, u.reason_key) for u in result.unreadable] == [(name, reason)]
    assert result.unreadable[0].reason("en")  # a plain sentence, not a key
    assert result.unreadable[0].reason("en") != f"unreadable.{reason}"


def test_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path, sample_text):
    (tmp_path / "big.txt").write_text(sample_text("changzheng") * 30, encoding="utf-8")
    result = scan_folder(tmp_path, max_bytes=100_000)
    assert result.reports == []
    (bad,) = result.unreadable
    assert bad.reason_key == "too_large"
    assert "MB" in bad.reason("en") and "0.1" in bad.reason("en")


def test_unsupported_files_are_listed_as_skipped_and_app_folders_are_not_read(tmp_path, sample_text):
    (tmp_path / "report.txt").write_text(sample_text("zhongshan"), encoding="utf-8")
    (tmp_path / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    reviews = tmp_path / "reviews" / "张三"
    reviews.mkdir(parents=True)
    (reviews / "report.txt.toml").write_text('status = "done"\n', encoding="utf-8")
    (tmp_path / "reviews" / "notes.txt").write_text("not a report", encoding="utf-8")
    (tmp_path / "rubric.toml").write_text("", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    sub = tmp_path / "2024" / "街道"
    sub.mkdir(parents=True)
    (sub / "nested.md").write_text("# 一、总体情况\n2024年本街道认真做好政府信息公开工作。\n", encoding="utf-8")
    result = scan_folder(tmp_path)
    assert sorted(r.rel for r in result.reports) == ["2024/街道/nested.md", "report.txt"]
    assert [(u.rel, u.reason_key) for u in result.unreadable] == [("scan.jpg", "skipped_extension")]
    assert ".jpg" in result.unreadable[0].reason("en")


def test_a_file_that_cannot_be_opened_is_reported_not_raised(tmp_path, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text("一、总体情况", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    outcome = read_document(p, tmp_path)
    assert isinstance(outcome, Unreadable)
    assert outcome.reason_key == "os_error" and "Permission denied" in outcome.reason("en")


def test_a_read_only_reports_folder_can_be_scanned(tmp_path, sample_text):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "a.txt").write_text(sample_text("xiqu"), encoding="utf-8")
    folder.chmod(0o555)
    try:
        result = scan_folder(folder)
    finally:
        folder.chmod(0o755)
    assert [r.rel for r in result.reports] == ["a.txt"]


def test_a_damaged_byte_in_a_long_gbk_file_is_tolerated_and_recorded(tmp_path, sample_text):
    data = sample_text("zhongshan").encode("gb18030")
    data = data[:2000] + b"\xff" + data[2000:]
    (tmp_path / "damaged.txt").write_bytes(data)
    doc = read_document(tmp_path / "damaged.txt", tmp_path)
    assert isinstance(doc, Document)
    assert doc.encoding.startswith("gb18030") and "damaged" in doc.encoding
    assert 1 <= doc.text.count("\ufffd") <= 3  # the stray byte and at most its neighbours
    assert doc.text.startswith("一、总体情况")


def test_a_cancelled_scan_stops_between_files_and_keeps_what_it_read(tmp_path, sample_text):
    for i in range(5):
        (tmp_path / f"r{i}.txt").write_text(sample_text("zhongshan"), encoding="utf-8")
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 7  # asked once per file listed (5), then before each read

    result = scan_folder(tmp_path, cancelled=cancelled)
    assert [r.rel for r in result.reports] == ["r0.txt", "r1.txt"]
