"""Matching copies: folding, Traditional -> Simplified, pinyin artefacts, offsets back to the original."""

from __future__ import annotations

import numpy as np
import pytest

from shenyue.model import normalize as n


def test_fold_is_one_to_one_and_folds_width_spaces_digits():
    text = "２０２４年ＸＸ区，\u3000依申请\u00a0公开 IPv6 7×24（一）"
    folded = n.fold(text)
    assert len(folded) == len(text)
    assert folded == "####年##区, 依申请 公开 ipv# ####(一)"
    # without digit folding the numbers survive, width is still folded
    assert n.fold("２０２４年ＸＸ区", digits=False) == "2024年xx区"


@pytest.mark.parametrize("ch", ["Ｘ", "x", "X", "×", "7", "０"])
def test_fold_char_digit_symbol(ch):
    assert n.fold_char(ch) == n.DIGIT


def test_fold_char_rejects_strings():
    with pytest.raises(ValueError):
        n.fold_char("ab")


def test_to_simplified_keeps_length_and_converts():
    text = "政務公開工作總結，嚴格執行實施方案"
    simp = n.to_simplified(text)
    assert simp == "政务公开工作总结，严格执行实施方案"
    assert len(simp) == len(text)
    assert n.to_simplified("政府信息公开工作年度报告") == "政府信息公开工作年度报告"


def test_traditional_share_tells_the_mirror_copy_apart(sample_text):
    changed, han = n.traditional_share(sample_text("traditional"))
    assert han > 1000 and changed / han > 0.2
    for name in ("xiqu", "changzheng", "template", "zhongshan"):
        changed, han = n.traditional_share(sample_text(name))
        assert han > 1000 and changed / han < 0.01, name


def test_pinyin_artefacts_found_and_masked(sample_text):
    text = sample_text("traditional")
    spans = n.pinyin_spans(text)
    assert len(spans) == 152
    assert all(text[s] in "(（" and text[e - 1] in ")）" for s, e in spans)
    masked = n.mask_pinyin(text)
    assert len(masked) == len(text)
    assert "務(wù)" in text and "務(wù)" not in masked and "政務" + " " * 4 + "公開" in masked
    # a parenthesised Latin letter without tone marks is not pinyin
    assert n.pinyin_spans("主体(a)和附件(b)") == []


def test_matching_copy_maps_back_to_original_offsets(sample_text):
    text = sample_text("traditional")
    copy = n.matching_copy(text)
    assert "(wù)" not in copy.text and " " not in copy.text and "\n" not in copy.text
    needle = "街道严格执行《区####年政务公开工作实施方案》"
    i = copy.text.index(needle)
    start, end = copy.span_to_original(i, i + len(needle))
    assert text[start:end] == "街道嚴(yán)格執(zhí)行《區(qū)2020年政務(wù)公開工作實施方案》"


def test_matching_codes_equals_matching_copy(sample_text):
    for name in ("traditional", "changzheng"):
        text = sample_text(name)
        codes, index = n.matching_codes(text)
        copy = n.matching_copy(text)
        assert codes.dtype == np.uint32
        assert codes.tobytes().decode("utf-32-le") == copy.text
        assert index.tolist() == copy.index
