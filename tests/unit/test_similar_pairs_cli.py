"""``shenyue similar --pairs``: the folder's most similar pairs, the list the app's pairs view shows."""

from __future__ import annotations

import re

from shenyue.cli import main


def test_similar_pairs_prints_the_pairs_by_shared_characters(samples_copy, capsys):
    xiqu = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    prev = xiqu.replace("2024年", "2023年").replace("648条", "612条")
    (samples_copy / "zhongshan-xiqu-2023.txt").write_text(prev, encoding="utf-8")
    assert main(["similar", str(samples_copy), "--pairs", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [re.split(r"\s{2,}", line) for line in lines if line.endswith("%")]
    # the same unit's two years first (nearly the whole text), then the city's few words
    assert [(r[1], r[2], r[4]) for r in rows[:1]] == [
        ("same unit", "zhongshan-xiqu-2024.txt", "zhongshan-xiqu-2023.txt")
    ]
    assert int(rows[0][0]) > 2000 and rows[0][3] == "93%"
    chars = [int(r[0]) for r in rows]
    assert chars == sorted(chars, reverse=True) and len(rows) >= 2
    assert "Shared chars" in lines[1]
    # --top cuts the list
    assert main(["similar", str(samples_copy), "--pairs", "--top", "1", "--lang", "en"]) == 0
    assert len([line for line in capsys.readouterr().out.splitlines() if line.endswith("%")]) == 1
