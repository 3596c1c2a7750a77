"""A run's peak memory as Lambda reports it ("Max Memory Used": the process's peak resident
set), without slowing the run: Linux keeps the peak (``VmHWM``) itself, and writing ``5``
to ``/proc/self/clear_refs`` resets it to the present size, so a run's peak is read after
it at no cost to it. ``tracemalloc``, which the benches used before, hooks every allocation:
a report build of 5,000 appeals took 8.2 s traced and 2.2 s untraced, so the times printed
beside a traced peak were tracemalloc's, not the code's. Import as ``memory`` (the benches
put bench/ on sys.path by running from it)."""

from __future__ import annotations

import re
import resource
from types import TracebackType


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            found = re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) if found else None


class PeakRss:
    """``with PeakRss() as m: run()`` → ``m.peak_mib`` (the process's peak resident set
    during the run) and ``m.growth_mib`` (that peak less the resident set at its start: what
    the run added, the data already held excluded). Where the peak cannot be reset (not
    Linux), the process's peak so far is given and ``m.reset`` is False."""

    def __init__(self) -> None:
        self.reset = False
        self.start_mib = 0.0
        self.peak_mib = 0.0

    def __enter__(self) -> PeakRss:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
                refs.write("5")
            self.reset = True
        except OSError:
            self.reset = False
        self.start_mib = (_status_kib("VmRSS") or 0) / 1024
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        hwm = _status_kib("VmHWM") if self.reset else None
        if hwm is None:  # the peak since the process began, in KiB on Linux
            hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.peak_mib = hwm / 1024

    @property
    def growth_mib(self) -> float:
        return max(0.0, self.peak_mib - self.start_mib)
