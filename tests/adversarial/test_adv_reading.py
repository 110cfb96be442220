"""The reading layer on hostile files: small files built to take unbounded
time or memory are refused (or abandoned) with a plain reason, in bounded
time and memory, and the rest of the folder is still read.

Each hostile file is built in tmp_path (tests/adversarial/hostile_reading.py).
The heavy cases run the reader in a separate Python process with an
address-space limit, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.adversarial import hostile_reading as H
from tests.adversarial.hostile import REPORT, deadline, reports_folder

from shenyue.config import ReadLimits, load_config
from shenyue.reading import pdf_pypdf, read_document
from shenyue.reading.base import ReadError

ROOT = Path(__file__).resolve().parents[2]
MEMORY_MB = 1200  # the whole test process tree (the reader's child inherits it)
# An exception's class name (RecursionError, LookupError, UnicodeEncodeError), a
# traceback, or the size message of a file refused for another reason.
LEAK = re.compile(r"[A-Z]\w*(?:Error|Exception)\b|Traceback|\(0\.0 MB")


def _plain(reason: str) -> None:
    assert reason and not LEAK.search(reason), reason


def _scan_isolated(folder: Path, limits: dict, timeout: float = 60) -> tuple[dict, float]:
    """Scan ``folder`` in a fresh Python limited to MEMORY_MB; the reports read and the
    reasons of the unreadable files, and the wall time."""
    script = textwrap.dedent(
        f"""
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_MB} << 20, {MEMORY_MB} << 20))
        from shenyue.analysis.scan import scan_folder
        from shenyue.config import ReadLimits
        result = scan_folder(sys.argv[1], checks=False, limits=ReadLimits(**json.loads(sys.argv[2])))
        print(json.dumps({{
            "reports": {{r.rel: len(r.doc.text) for r in result.reports}},
            "unreadable": {{u.rel: [u.reason_key, u.reason("en")] for u in result.unreadable}},
        }}))
        """
    )
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", script, str(folder), json.dumps(limits)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
    )
    took = time.monotonic() - started
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return json.loads(proc.stdout), took


def _folder_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = reports_folder(tmp_path)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# ---------------------------------------------------------------- PDF fan-out


def test_pdf_of_nested_forms_drawn_ten_times_each_is_abandoned_and_the_folder_still_read(tmp_path):
    # 12 levels of forms, each drawing the next 10 times: a 6 KB file, 10**12 draws.
    folder = _folder_with(
        tmp_path, {"fan.pdf": H.fanout_pdf(levels=12), "fan-cjk.pdf": H.fanout_pdf(levels=12, cjk_font=True)}
    )
    assert (folder / "fan.pdf").stat().st_size < 10_000
    out, took = _scan_isolated(folder, {"timeout_s": 8, "memory_mb": 512})
    assert took < 30
    assert list(out["reports"]) == [REPORT]
    for name in ("fan.pdf", "fan-cjk.pdf"):
        key, reason = out["unreadable"][name]
        assert key in ("read_memory", "read_timeout", "too_complex"), (name, key)
        _plain(reason)


def test_pdf_timeout_is_the_reason_when_memory_is_not_the_limit(tmp_path):
    path = tmp_path / "fan.pdf"
    path.write_bytes(H.fanout_pdf(levels=12))
    with deadline(15):
        result = read_document(path, tmp_path, limits=ReadLimits(timeout_s=2, memory_mb=3000))
    assert result.reason_key in ("read_timeout", "read_memory")  # a machine with little memory ends it sooner
    if result.reason_key == "read_timeout":
        assert "2 s" in result.reason("en") and "read_timeout_s" in result.reason("en")


def test_pypdf_fallback_bounds_the_operations_of_a_page_and_of_a_file():
    # The pypdf path inlines forms itself: five levels of ten draws are 10**5 form
    # visits, refused by the operations budget, fast and without growing.
    data = H.fanout_pdf(levels=6, cjk_font=True)
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        pdf_pypdf.page_strings(data, [0])
    assert time.monotonic() - started < 10
    assert info.value.reason_key == "too_complex"
    # a modest page of forms is still read in full: 10 x 10 x 10 draws of one string
    strings = pdf_pypdf.page_strings(H.fanout_pdf(levels=3, cjk_font=True), [0])[0]
    assert len(strings) == 1001


def test_pypdf_fallback_refusal_reaches_the_reader_as_a_plain_reason(tmp_path, monkeypatch):
    from shenyue.reading import pdf

    monkeypatch.setattr(pdf, "_left_out_strings", lambda page, raw: True)  # every page goes to pypdf
    path = tmp_path / "fan.pdf"
    path.write_bytes(H.fanout_pdf(levels=5, cjk_font=True))
    with deadline(20):
        result = read_document(path, tmp_path, guard=False)
    assert result.reason_key == "too_complex"
    _plain(result.reason("en"))


# ---------------------------------------------------------------- docx


@pytest.mark.parametrize(
    "builder",
    [
        lambda: H.docx_grid_before(30_000_000),
        lambda: H.docx_numbering_start(2_000_000_000, "upperLetter"),
        lambda: H.docx_numbering_start(2_000_000_000, "chineseCounting"),
        lambda: H.docx_numbering_start(-2_000_000_000, "lowerRoman"),
    ],
    ids=["gridBefore-3e7", "start-2e9-letters", "start-2e9-chinese", "start-negative"],
)
def test_docx_numbers_read_from_the_file_are_bounded(tmp_path, builder):
    folder = _folder_with(tmp_path, {"bomb.docx": builder()})
    out, took = _scan_isolated(folder, {"timeout_s": 20, "memory_mb": 512})
    assert took < 20
    assert REPORT in out["reports"]
    assert "bomb.docx" in out["reports"], out["unreadable"]  # read, with the numbers at their bounds
    assert out["reports"]["bomb.docx"] < 20_000


def test_docx_of_millions_of_tiny_paragraphs_is_refused_quickly(tmp_path):
    folder = _folder_with(tmp_path, {"many.docx": H.docx_many_paragraphs(2_700_000)})
    assert (folder / "many.docx").stat().st_size < 400_000
    out, took = _scan_isolated(folder, {"timeout_s": 20, "memory_mb": 700})
    assert took < 20
    key, reason = out["unreadable"]["many.docx"]
    assert key in ("too_complex", "zip_bomb")
    _plain(reason)
    assert REPORT in out["reports"]


def test_text_per_file_is_bounded_with_a_clear_reason_and_nothing_cached(tmp_path, isolated_dirs):
    folder = _folder_with(
        tmp_path,
        {
            "long.docx": H.docx_long_text(60_000),
            "long.html": H.html_long_text(60_000),
            "long.txt": ("正文。" * 20_000).encode("utf-8"),
            "long.pdf": H.pdf_long_text(),  # 21,600 characters shown
        },
    )
    with deadline(30):
        for name in ("long.docx", "long.html", "long.txt", "long.pdf"):
            result = read_document(folder / name, folder, limits=ReadLimits(max_chars=10_000))
            assert result.reason_key == "too_much_text", name
            assert "10,000" in result.reason("en") and "max_text_chars" in result.reason("en")
            assert "10,000" in result.reason("zh")
    assert not list((isolated_dirs / "cache").rglob("*.json"))  # a refused result is never stored
    # under the default limit the same files are read
    assert read_document(folder / "long.docx", folder).text.count("正文") > 1000


def test_deeply_nested_docx_gives_a_plain_reason(tmp_path):
    path = tmp_path / "deep.docx"
    path.write_bytes(H.docx_deep(20_000))
    with deadline(30):
        result = read_document(path, tmp_path)
    assert result.reason_key == "too_deep"
    _plain(result.reason("en"))
    assert "RecursionError" not in result.reason("zh")


def test_one_surrogate_code_point_is_replaced_and_the_rest_read(tmp_path):
    path = tmp_path / "sym.docx"
    path.write_bytes(H.docx_with_symbol("D800"))
    result = read_document(path, tmp_path)
    assert "\ufffd" in result.text and "总体情况" in result.text
    result.text.encode("utf-8")  # writable: caches, exports
    again = read_document(path, tmp_path)  # from the cache now
    assert again.text == result.text


def test_a_pdf_whose_font_maps_to_a_surrogate_is_read_with_a_replacement(tmp_path):
    path = tmp_path / "sym.pdf"
    path.write_bytes(H.pdf_with_surrogate())
    result = read_document(path, tmp_path)
    assert result.text.count("一二") == 40 and result.text.count("\ufffd") == 1, getattr(result, "params", None)
    assert read_document(path, tmp_path).text == result.text  # stored and served by the cache


def test_memory_error_is_not_reported_as_a_file_too_large(tmp_path, monkeypatch):
    from shenyue.reading import docx

    def exhausted(data):
        raise MemoryError

    monkeypatch.setattr(docx, "_extract", exhausted)
    path = tmp_path / "small.docx"
    path.write_bytes(H.docx_with_symbol("41"))
    result = read_document(path, tmp_path, guard=False)
    assert result.reason_key == "read_memory"
    assert "0.0 MB" not in result.reason("en") and "read_memory_mb" in result.reason("en")


# ---------------------------------------------------------------- web pages


def test_mhtml_with_200000_header_parameters_is_refused_in_linear_time(tmp_path):
    folder = _folder_with(tmp_path, {"params.mhtml": H.mhtml_many_params(200_000)})
    out, took = _scan_isolated(folder, {"timeout_s": 20, "memory_mb": 700})
    assert took < 15
    key, reason = out["unreadable"]["params.mhtml"]
    assert key == "too_complex"
    _plain(reason)
    assert REPORT in out["reports"]


def test_html_with_an_unterminated_comment_reads_the_text_before_it(tmp_path):
    folder = _folder_with(tmp_path, {"comment.html": H.html_unterminated_comment(19)})
    out, took = _scan_isolated(folder, {"timeout_s": 20, "memory_mb": 900})
    assert took < 15
    assert 0 < out["reports"]["comment.html"] < 1000  # the page's text, not 19 MB of comment
    assert REPORT in out["reports"]


@pytest.mark.parametrize("charset", ["x-no-such-charset", "hex", "rot13", "base64", "idna"])
def test_bogus_meta_charset_falls_back_to_detection(tmp_path, charset):
    path = tmp_path / "page.html"
    path.write_bytes(H.html_bogus_charset(charset))
    result = read_document(path, tmp_path)
    assert "总体情况" in result.text, getattr(result, "params", None)
    path = tmp_path / "page.mhtml"
    path.write_bytes(H.mhtml_bogus_charset(charset))
    result = read_document(path, tmp_path)
    assert "总体情况" in result.text, getattr(result, "params", None)


# ---------------------------------------------------------------- abandoning


def test_ctrl_c_during_a_hostile_read_ends_the_scan_and_its_reader(tmp_path):
    folder = _folder_with(tmp_path, {"fan.pdf": H.fanout_pdf(levels=12)})
    script = (
        "import sys; from shenyue.analysis.scan import scan_folder; from shenyue.config import ReadLimits\n"
        "print('started', flush=True)\n"
        "scan_folder(sys.argv[1], checks=False, limits=ReadLimits(timeout_s=600, memory_mb=400))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        start_new_session=True,
    )
    try:
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.5)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(0.2)
    try:
        os.killpg(proc.pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive, "a reader process outlived the scan"


def test_quitting_during_a_hostile_read_stops_the_scan_at_once(tmp_path):
    from shenyue.analysis.scan import scan_folder

    folder = _folder_with(tmp_path, {"a-fan.pdf": H.fanout_pdf(levels=12)})  # read before the report
    started = time.monotonic()
    quit_at = started + 0.5  # before the reader reaches its memory limit
    result = scan_folder(
        folder,
        checks=False,
        limits=ReadLimits(timeout_s=600, memory_mb=1500),
        cancelled=lambda: time.monotonic() > quit_at,
    )
    assert time.monotonic() - started < 5  # not the 600 s of the time limit
    assert result.reports == []


def test_limits_come_from_the_config_file_with_sane_bounds(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("max_text_chars = 50000\nread_timeout_s = 5\nread_memory_mb = 1024\n", encoding="utf-8")
    limits = load_config(path).read_limits
    assert (limits.max_chars, limits.timeout_s, limits.memory_mb) == (50_000, 5.0, 1024)
    path.write_text("max_text_chars = 1\nread_timeout_s = inf\nread_memory_mb = 1e308\n", encoding="utf-8")
    config = load_config(path)
    assert config.read_limits == ReadLimits(max_bytes=config.max_file_bytes, max_pages=config.max_pdf_pages)
    problems = "\n".join(config.problems)
    assert "max_text_chars" in problems and "read_timeout_s" in problems and "read_memory_mb" in problems


# ---------------------------------------------------------------- fuzzing


_SEEDS = {
    ".docx": H.docx_with_symbol("41"),
    ".html": H.html_bogus_charset("utf-8"),
    ".mhtml": H.mhtml_bogus_charset("gbk"),
    ".pdf": H.fanout_pdf(levels=2),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ext=st.sampled_from(sorted(_SEEDS)),
    cuts=st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=12)), max_size=6),
)
def test_mutated_files_give_a_document_or_a_plain_reason(tmp_path, ext, cuts):
    data = bytearray(_SEEDS[ext])
    for at, blob in cuts:
        at %= len(data) + 1
        data[at : at + len(blob)] = blob
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(bytes(data))
    result = read_document(path, tmp_path, limits=ReadLimits(timeout_s=10, memory_mb=1024))
    if hasattr(result, "reason_key"):
        _plain(result.reason("en"))
    else:
        result.text.encode("utf-8")


def test_a_guarded_read_gives_the_same_document_as_an_in_process_read(tmp_path):
    path = tmp_path / "ok.docx"
    path.write_bytes(H.docx_long_text(50))
    guarded = read_document(path, tmp_path)
    direct = read_document(path, tmp_path, guard=False)
    assert guarded == direct and "正文" in guarded.text


def test_a_reader_that_dies_is_listed_with_a_plain_reason(tmp_path, monkeypatch):
    from shenyue.reading import docx
    from shenyue.reading.guard import stop_reader

    stop_reader()  # the next reader is forked with the patched extractor
    monkeypatch.setattr(docx, "_extract", lambda data: os.kill(os.getpid(), signal.SIGTERM))
    path = tmp_path / "dies.docx"
    path.write_bytes(H.docx_long_text(5))
    with deadline(10):
        result = read_document(path, tmp_path)
    assert result.reason_key == "read_crashed"
    _plain(result.reason("en"))
    assert "signal 15" in result.reason("en")
    stop_reader()
    monkeypatch.undo()
    assert "正文" in read_document(path, tmp_path).text  # a new reader reads the next file
