"""Where the app's stylesheets come from: the source checkout, a built wheel, the user's config folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from tui_helpers import make_app, wait_ready

from shenyue import paths
from shenyue.tui.app import styles_dir
from shenyue.tui.widgets.report_table import ReportTable
from shenyue.tui.widgets.style import layer_style

ROOT = Path(__file__).resolve().parents[2]


def test_styles_come_from_the_checkout_when_run_from_source():
    assert styles_dir() == ROOT / "styles"
    assert (styles_dir() / "app.tcss").is_file() and (styles_dir() / "ascii.tcss").is_file()


async def test_the_app_stylesheet_is_applied(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(app, pilot)
        table = app.screen.query_one(ReportTable)
        # a rule that only styles/app.tcss sets
        assert layer_style(table, "report-table--sorted").underline is True


def test_a_built_wheel_carries_the_styles_and_the_installed_app_loads_them(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("shenyue-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "shenyue/styles/app.tcss" in names and "shenyue/styles/ascii.tcss" in names
        zf.extractall(site)
    probe = textwrap.dedent(
        """
        import asyncio, sys
        from pathlib import Path
        import shenyue
        from shenyue.tui.app import ShenyueApp, styles_dir
        from shenyue.tui.widgets.report_table import ReportTable
        from shenyue.tui.widgets.style import layer_style
        site = Path(sys.argv[1]).resolve()
        assert Path(shenyue.__file__).resolve().is_relative_to(site), shenyue.__file__
        assert styles_dir() == site / "shenyue" / "styles", styles_dir()

        async def main():
            app = ShenyueApp(Path(sys.argv[2]), reviewer="x", ascii_borders=True, resume=False, similarity=False)
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                assert [p.name for p in app.css_path] == ["app.tcss", "ascii.tcss"], app.css_path
                assert all(Path(p).resolve().is_relative_to(site) for p in app.css_path)
                table = app.screen.query_one(ReportTable)
                assert layer_style(table, "report-table--sorted").underline is True
                print("styles ok")

        asyncio.run(main())
        """
    )
    reports = tmp_path / "reports"
    reports.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run(
        [sys.executable, "-c", probe, str(site), str(reports)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "styles ok" in out.stdout


async def test_a_user_stylesheet_is_applied_on_top(samples_copy):
    user = paths.config_dir() / "user.tcss"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("ReportTable > .report-table--sorted { text-style: italic; }\n", encoding="utf-8")
    app = make_app(samples_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(app, pilot)
        assert app.css_path[-1] == user
        style = layer_style(app.screen.query_one(ReportTable), "report-table--sorted")
        assert style.italic is True


async def test_a_broken_user_stylesheet_is_ignored_with_a_warning(samples_copy):
    user = paths.config_dir() / "user.tcss"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("ReportTable { colour: red; \n", encoding="utf-8")
    app = make_app(samples_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(app, pilot)
        assert user not in app.css_path
        assert app.user_css_problem and str(user) in app.user_css_problem
        assert len(app.screen.query_one(ReportTable).rows) == 5
