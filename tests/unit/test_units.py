"""Unit identity: a key from the unit's name, and the reports folder's units.toml."""

from __future__ import annotations

import json

import pytest

from shenyue.analysis.scan import analyse_copies, scan_folder
from shenyue.analysis.similarity import PEER, SAME_UNIT
from shenyue.cli import main
from shenyue.model.units import UNITS_FILE, UnitsFileError, load_units, set_file_unit, unit_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("淮安市洪泽区人民政府", "洪泽区人民政府"),
        ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府"),
        ("标题: 淮安市人民政府", "淮安市人民政府"),
        ("标题：中山市西区街道办事处", "西区街道办事处"),
        (" 洪泽区 人民政府 ", "洪泽区人民政府"),
        ("中山市西区街道", "西区街道"),
    ],
)
def test_two_spellings_of_one_unit_have_one_key(a, b):
    assert unit_key(a) == unit_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("平潭综合实验区财政金融局", "平潭综合实验区农业农村局"),  # one government, two bodies
        ("淮安市人民政府", "洪泽区人民政府"),
        ("淮安市市场监督管理局", "市场监督管理局"),  # a body keeps its area when nothing area-like follows
        ("淮安市人民政府办公室", "人民政府办公室"),
    ],
)
def test_different_bodies_keep_different_keys(a, b):
    assert unit_key(a) != unit_key(b)


def test_no_name_no_key():
    assert unit_key(None) is None and unit_key("") is None and unit_key("标题：") is None


REPORT = (
    "{unit}{year}年政府信息公开工作年度报告\n一、总体情况\n"
    "全年通过政府网站主动公开政府信息356条，其中政策文件四十二件，及时更新机构职能、权责清单和办事指南，"
    "让群众找得到、看得懂、能监督，同时围绕民生热点加强政策解读，组织开展政策宣讲活动十二场。\n{own}\n"
)


def write(folder, name, unit, year, own):
    (folder / name).write_text(REPORT.format(unit=unit, year=year, own=own), encoding="utf-8")


def kinds_of(folder):
    scan = scan_folder(folder)
    analyse_copies(scan.reports, folder=folder, cache=False)
    return {r.rel: r for r in scan.reports}


def test_units_toml_makes_two_names_one_unit(tmp_path):
    write(
        tmp_path,
        "a-2023.txt",
        "甲县交通局",
        2023,
        "今年汛期来得早，防汛物资提前两个月备齐，河道巡查由每周一次改为每天一次。",
    )
    write(
        tmp_path,
        "b-2024.txt",
        "甲县交通运输局",
        2024,
        "社区食堂开到第六家，老年人凭卡就餐可享八折，菜单由居民代表每月投票更换。",
    )
    reports = kinds_of(tmp_path)
    b = reports["b-2024.txt"]
    assert b.copy.main_source.kind == PEER  # no rule can know the body was renamed
    (tmp_path / UNITS_FILE).write_text('[names]\n"甲县交通局" = "甲县交通运输局"\n', encoding="utf-8")
    reports = kinds_of(tmp_path)
    b = reports["b-2024.txt"]
    assert b.copy.main_source.kind == SAME_UNIT and b.copy.peer_share == 0.0
    assert reports["a-2023.txt"].unit == "甲县交通运输局" and reports["a-2023.txt"].extra["unit_read"] == "甲县交通局"


def test_units_toml_by_file_name_and_the_writer_keeps_other_entries(tmp_path):
    write(
        tmp_path, "a-2023.txt", "甲局", 2023, "今年汛期来得早，防汛物资提前两个月备齐，河道巡查由每周一次改为每天一次。"
    )
    write(
        tmp_path, "b-2024.txt", "乙局", 2024, "社区食堂开到第六家，老年人凭卡就餐可享八折，菜单由居民代表每月投票更换。"
    )
    (tmp_path / UNITS_FILE).write_text('[names]\n"丙局" = "丁局"\n', encoding="utf-8")
    units = set_file_unit(tmp_path, "b-2024.txt", "甲局")
    assert units.files == {"b-2024.txt": "甲局"} and units.names == {"丙局": "丁局"}
    assert load_units(tmp_path).files == {"b-2024.txt": "甲局"} and load_units(tmp_path).names == {"丙局": "丁局"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert kinds_of(tmp_path)["b-2024.txt"].copy.main_source.kind == SAME_UNIT
    set_file_unit(tmp_path, "b-2024.txt", "")  # forget: back to the text's unit
    assert load_units(tmp_path).files == {}
    assert kinds_of(tmp_path)["b-2024.txt"].copy.main_source.kind == PEER


@pytest.mark.parametrize(
    "content, words",
    [
        (b'[files]\n"a.txt" = \n', "not valid TOML"),
        (b'[files]\n"a.txt" = 3\n', "quoted name"),
        (b"files = 1\n", "must be a table"),
        (b'[units]\nx = "y"\n', "unknown table"),
        (b'[files]\n"a.txt" = "\xff\xfe"\n', "not UTF-8"),
        (b"# " + b"x" * (1 << 20) + b"\n", "larger than"),
    ],
)
def test_a_bad_units_toml_is_a_plain_message(tmp_path, content, words):
    (tmp_path / UNITS_FILE).write_bytes(content)
    units = load_units(tmp_path)
    assert units.files == {} and words in units.problem
    with pytest.raises(UnitsFileError):
        set_file_unit(tmp_path, "a.txt", "甲局")
    assert (tmp_path / UNITS_FILE).read_bytes() == content  # left alone


def test_scan_warns_about_a_bad_units_toml_and_goes_on(tmp_path, capsys):
    write(
        tmp_path, "a-2023.txt", "甲局", 2023, "今年汛期来得早，防汛物资提前两个月备齐，河道巡查由每周一次改为每天一次。"
    )
    (tmp_path / UNITS_FILE).write_text("[files\n", encoding="utf-8")
    assert main(["scan", str(tmp_path), "--json", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "units.toml not used: not valid TOML" in captured.err and "Traceback" not in captured.err
    data = json.loads(captured.out)
    assert [r["path"] for r in data["reports"]] == ["a-2023.txt"] and data[
        "unreadable"
    ] == []  # units.toml is no report
