"""Bulk work pauses the cyclic collector and gives it back: nested and overlapping pauses, errors, and
worker processes (which must collect, whatever the parent's state when it forked them)."""

from __future__ import annotations

import gc
import threading

import pytest

from shenyue.gcpause import gc_paused, process_pool


def test_a_pause_restores_the_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            assert not gc.isenabled()
            raise ValueError("boom")
    assert gc.isenabled()


def test_nested_and_overlapping_pauses_resume_when_the_last_one_ends():
    inner_started, outer_may_end = threading.Event(), threading.Event()
    seen = []

    def worker():
        with gc_paused():
            inner_started.set()
            outer_may_end.wait(5)
        seen.append(gc.isenabled())

    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()  # the inner end does not resume it
        thread = threading.Thread(target=worker)
        thread.start()
        inner_started.wait(5)
    assert not gc.isenabled()  # the worker's pause still holds
    outer_may_end.set()
    thread.join(5)
    assert seen == [True] and gc.isenabled()


def test_a_collector_switched_off_by_the_user_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_worker_processes_forked_during_a_pause_collect():
    with gc_paused():
        with process_pool(1) as pool:
            assert pool.submit(gc.isenabled).result(timeout=60) is True
