#!/usr/bin/env python3
"""Screenshots of the HTML evidence report (``shenyue report``) for the README:
docs/report-overview.png and docs/report-page.png.

Usage (from the repository root, by hand; needs Chromium from the system's
packages, e.g. ``apt-get install chromium fonts-wqy-microhei``)::

    python docs/make_report_screenshots.py [--lang zh] [--chromium PATH]

Copies sample_reports/ to a temporary folder, adds the same unit's previous
year (a few numbers changed), a peer copying two paragraphs, one table cell
that breaks an identity, and two reviewers' scores; writes the report in
folder mode and photographs the index and 长征街街道's page from its shared passages on.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(folder: Path) -> None:
    from shenyue.model.tables import parse_tables

    xiqu = (folder / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    prev = xiqu.replace("2024年", "2023年").replace("648条", "612条").replace("撤回过期信息20条", "撤回过期信息18条")
    (folder / "zhongshan-xiqu-2023.txt").write_text(prev, encoding="utf-8")
    changzheng = (folder / "xinzhou-changzhengjie-2024.txt").read_text(encoding="utf-8")
    cell = parse_tables(changzheng).cell("t4.rv.up")
    (folder / "xinzhou-changzhengjie-2024.txt").write_text(
        changzheng[: cell.start] + "1" + changzheng[cell.end :], encoding="utf-8"
    )
    paras = [p for p in changzheng.split("\n") if len(p) > 120][:2]
    paras[0] = paras[0].replace("三审制", "两审制")  # the peer changed a few characters
    peer = [
        "东区街道2024年政府信息公开工作年度报告", "一、总体情况",
        "2024年，东区街道坚持以人民为中心，扎实推进各项工作，主动公开各类信息310条。", paras[0].replace("长征街", "东区街"),
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", paras[1], "六、其他需要报告的事项", "本年度未收取信息处理费。",
    ]  # fmt: skip
    (folder / "dongqu-2024.txt").write_text("\n".join(peer) + "\n", encoding="utf-8")


def review(folder: Path) -> None:
    from shenyue.analysis.scan import scan_folder
    from shenyue.review import ReviewStore

    reports = {r.rel: r for r in scan_folder(folder).reports}
    plan = {
        "张三": {
            "zhongshan-xiqu-2024.txt": (8, 9, 4, 12),
            "xinzhou-changzhengjie-2024.txt": (10, 9, 9, 6),
            "dongqu-2024.txt": (6, 5, 2, 4),
        },
        "李四": {
            "zhongshan-xiqu-2024.txt": (9, 7, 3, 10),
            "xinzhou-changzhengjie-2024.txt": (10, 10, 8, 9),
            "dongqu-2024.txt": (4, 6, 0, 2),
        },
    }
    for reviewer, reports_scores in plan.items():
        store = ReviewStore(folder, reviewer=reviewer)
        for rel, scores in reports_scores.items():
            session = store.open(reports[rel])
            for criterion, value in zip(("timeliness", "structure", "tables_complete", "data_consistency"), scores):
                session.set_score(criterion, str(value))
            session.set_comment("tables_complete", "统计表缺失，无法核对勾稽关系" if "xiqu" in rel else "表格完整")
            session.set_comment("overall", f"{reviewer}：与往年报告高度雷同，请整改")
            session.set_status("done")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument(
        "--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for var in ("CONFIG", "CACHE", "DATA"):
            os.environ[f"SHENYUE_{var}_DIR"] = str(tmp_path / var.lower())
        folder = tmp_path / "reports"
        shutil.copytree(ROOT / "sample_reports", folder)
        build(folder)
        review(folder)
        out = tmp_path / "html"
        subprocess.run(
            [sys.executable, "-m", "shenyue", "report", str(folder), "-o", str(out), "--lang", args.lang], check=True
        )
        pages = sorted((out / "reports").glob("*.html"))
        page = next(p for p in pages if "xinzhou-changzhengjie-2024.txt</dd>" in p.read_text(encoding="utf-8"))
        # the picture shows the passages and tables: the long findings table is left out of the copy photographed
        # (headless Chromium does not scroll to a #fragment before its screenshot)
        markup = page.read_text(encoding="utf-8")
        start = markup.index('<table class="findings">')
        trimmed = page.with_name("shot.html")
        trimmed.write_text(
            markup[:start] + markup[markup.index("</table>", start) + len("</table>") :], encoding="utf-8"
        )
        shots = (
            ((out / "index.html").as_uri(), "report-overview.png", 1500),
            (trimmed.as_uri(), "report-page.png", 2620),
        )
        for uri, name, height in shots:
            subprocess.run([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--screenshot={ROOT / 'docs' / name}", f"--window-size=1280,{height}", uri],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            print(ROOT / "docs" / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
