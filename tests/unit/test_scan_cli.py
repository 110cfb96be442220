"""`shenyue scan` as scripts and people use it: exit codes, JSON shape, the table."""

from __future__ import annotations

import json

from tests.helpers import SAMPLES

from shenyue.cli import main


def test_scan_json_has_the_documented_structure(capsys):
    assert main(["scan", str(SAMPLES), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"folder", "reports", "unreadable"}
    assert data["unreadable"] == []
    by_path = {r["path"]: r for r in data["reports"]}
    r = by_path["xinzhou-changzhengjie-2024.txt"]
    assert {"path", "encoding", "kind", "unit", "year", "published", "chars", "sections", "findings"} <= set(r)
    assert (r["kind"], r["unit"], r["year"], r["published"]) == (
        "annual-2021",
        "忻府区长征街街道办事处",
        2024,
        "2025-01-22",
    )
    assert r["sections"][0] == {
        "key": "overview",
        "title": "一、总体情况",
        "start": r["sections"][0]["start"],
        "end": r["sections"][0]["end"],
        "empty": False,
    }
    xiqu = by_path["zhongshan-xiqu-2024.txt"]
    empty = [f for f in xiqu["findings"] if f["check"] == "section_empty"]
    assert len(empty) == 3 and all(f["severity"] == "error" and f["message"] for f in empty)
    text = (SAMPLES / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    assert text[empty[0]["start"] : empty[0]["end"]] == "二、主动公开政府信息情况"


def test_scan_table_lists_every_report_with_unit_and_counts(capsys):
    assert main(["scan", str(SAMPLES), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    for expected in ("zhongshan-xiqu-2024.txt", "西区街道", "中山市", "工作总结", "共 5 份报告"):
        assert expected in out


def test_scan_only_narrows_findings_to_one_check(capsys):
    assert main(["scan", str(SAMPLES), "--json", "--only", "section_empty"]) == 0
    data = json.loads(capsys.readouterr().out)
    checks = {f["check"] for r in data["reports"] for f in r["findings"]}
    assert checks == {"section_empty"}


def test_scan_rejects_an_unknown_check_id_in_one_line(capsys):
    assert main(["scan", str(SAMPLES), "--only", "no_such_check"]) == 2
    err = capsys.readouterr().err
    assert "no_such_check" in err and err.count("\n") == 1


def test_missing_folder_is_a_usage_error_with_one_line(capsys, tmp_path):
    assert main(["scan", str(tmp_path / "nope"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"shenyue: folder does not exist: {tmp_path / 'nope'}"


def test_unknown_option_exits_2_without_traceback(capsys):
    try:
        main(["scan", "--bogus"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_scan_reports_unreadable_files_in_json(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_text(
        "一、总体情况\n2024年，本街道认真做好政府信息公开工作，主动公开信息。\n", encoding="utf-8"
    )
    assert main(["scan", str(tmp_path), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unreadable"] == [{"path": "empty.txt", "reason": "the file is empty"}]
    assert [r["path"] for r in data["reports"]] == ["ok.txt"]


def test_a_corrupt_config_file_is_reported_and_ignored(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text("reviewer = [unterminated", encoding="utf-8")
    monkeypatch.setenv("SHENYUE_CONFIG", str(cfg))
    assert main(["scan", str(SAMPLES), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "config file could not be read" in captured.err and str(cfg) in captured.err
    assert cfg.read_text(encoding="utf-8") == "reviewer = [unterminated"  # never overwritten


def test_scan_json_gives_copy_shares_and_sources_per_report_and_section(capsys):
    assert main(["scan", str(SAMPLES), "--json"]) == 0
    by_path = {r["path"]: r for r in json.loads(capsys.readouterr().out)["reports"]}
    copy = by_path["zhongshan-xiqu-2024.txt"]["copy"]
    assert {"peer_share", "same_unit_share", "common_share", "sources", "sections"} <= set(copy)
    # 西区街道 2024 and 中山市 2021 share one stock clause in their overviews
    assert copy["sources"][0] == {"path": "zhongshan-city-2021.txt", "chars": 22, "kind": "peer"}
    assert 0 < copy["peer_share"] < 0.05 and copy["same_unit_share"] == 0
    overview = copy["sections"]["overview"]
    assert overview["sources"][0]["path"] == "zhongshan-city-2021.txt"
    assert overview["sources"][0]["section"] == "overview"
    assert by_path["xinzhou-changzhengjie-2024.txt"]["copy"]["sources"] == []


def test_scan_no_similar_leaves_copy_out(capsys):
    assert main(["scan", str(SAMPLES), "--json", "--no-similar"]) == 0
    assert all("copy" not in r for r in json.loads(capsys.readouterr().out)["reports"])


COMMON = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央国务院关于全面推进政务公开工作的决策部署，不断提升政务公开质量和实效。"
OWN = [
    "街道把老旧小区改造作为年度重点，逐户征求居民意见后再定方案，施工期间每周在楼道张贴进度表。",
    "今年汛期来得早，防汛物资提前两个月备齐，河道巡查由每周一次改为每天一次，未发生人员伤亡。",
    "针对辖区企业反映的用工难题，人社所联合三家职业院校办了四期订单式培训，结业学员大多留在本地就业。",
    "社区食堂开到第六家，老年人凭卡就餐可享八折，菜单由居民代表每月投票更换，满意度明显上升。",
    "镇里把闲置校舍改成乡村振兴展厅，集中展示本地非遗手工艺，周末常有城里游客专程来参观。",
]


def test_scan_json_keeps_common_wording_out_of_the_copied_shares(tmp_path, capsys):
    units = ["甲局", "乙局", "丙局", "丁局", "戊局"]
    for i, unit in enumerate(units):
        text = f"{unit}2023年政府信息公开工作年度报告\n一、总体情况\n{COMMON}\n{OWN[i]}\n"
        (tmp_path / f"u{i}.txt").write_text(text, encoding="utf-8")
    assert main(["scan", str(tmp_path), "--json"]) == 0
    for r in json.loads(capsys.readouterr().out)["reports"]:
        copy = r["copy"]
        assert copy["common_share"] > 0.3
        assert copy["peer_share"] == 0 and copy["same_unit_share"] == 0 and copy["sources"] == []


def test_scan_json_is_written_a_few_reports_at_a_time_with_the_same_text(samples_copy):
    import io

    from shenyue.analysis.scan import analyse_copies, scan_folder
    from shenyue.cli.scan import scan_json, write_scan_json

    (samples_copy / "notes.xyz").write_bytes(b"\xff\xfe not a report")  # an unreadable entry too
    result = scan_folder(samples_copy)
    analyse_copies(result.reports, folder=samples_copy)
    assert len(result.reports) >= 5 and result.unreadable
    whole = json.dumps(scan_json(result), ensure_ascii=False) + "\n"
    for batch in (1, 2, 200):
        out = io.StringIO()
        write_scan_json(result, out, batch=batch)
        assert out.getvalue() == whole
