"""The Lambda package (``make package``'s ``deployment.zip``, built for dev if absent or
stale): zipped and unzipped size beside their goals, and the largest top-level parts.
Prints figures; asserts nothing."""

from __future__ import annotations

import collections
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from figures import figure  # noqa: E402

from infra import package  # noqa: E402

GOAL_ZIPPED = 12 * 2**20


def main() -> None:
    zip_path = package.build("dev").with_name("deployment.zip")
    zipped, unzipped = package.artifact_sizes(zip_path)
    parts: collections.Counter[str] = collections.Counter()
    inflated: collections.Counter[str] = collections.Counter()
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            top = info.filename.split("/", 1)[0]
            parts[top] += info.compress_size
            inflated[top] += info.file_size
    mib = 2**20
    print(
        f"deployment.zip zipped:   {zipped / mib:6.1f} MiB  (goal ≤ {GOAL_ZIPPED / mib:.0f}; "
        f"Lambda's limit 50 MB)"
    )
    print(f"deployment.zip unzipped: {unzipped / mib:6.1f} MiB  (Lambda's limit 250 MB)")
    # the 12 MB, in decimal bytes (the stricter reading; the test holds 12 MiB)
    figure("deployment.zip, zipped (bytes)", f"{zipped:,}", "≤ 12,000,000", zipped <= 12_000_000)
    for top, size in parts.most_common(8):
        print(f"  {top:<40} {size / mib:5.2f} MiB zipped, {inflated[top] / mib:5.2f} unzipped")


if __name__ == "__main__":
    main()
