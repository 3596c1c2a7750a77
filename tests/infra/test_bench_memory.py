"""bench/memory.py: a run's peak resident set, read from the kernel after it (the benches'
memory figures), so the timed run is not slowed the way tracemalloc slowed it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

MODULE = Path(__file__).resolve().parents[2] / "bench" / "memory.py"


def _memory():
    spec = importlib.util.spec_from_file_location("bench_memory", MODULE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_peak_of_a_run_is_its_own_not_the_process_so_far():
    memory = _memory()
    held = bytearray(96 * 2**20)  # the process's peak so far is past this
    held[::4096] = b"x" * len(held[::4096])
    del held
    with memory.PeakRss() as quiet:
        pass
    with memory.PeakRss() as busy:
        block = bytearray(64 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touched: resident, not only reserved
        del block
    assert busy.peak_mib >= busy.start_mib + 60
    assert 60 <= busy.growth_mib < 96
    if quiet.reset:  # Linux: the earlier 96 MiB does not count in a later run's peak
        assert quiet.growth_mib < 16
