"""Cold import cost of the Lambda entry point, beside boto3's, in fresh interpreters of the
same run (the median of 5 each). Prints figures; asserts nothing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from figures import figure

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    **os.environ,
    "XQT_STAGE": "dev",
    "AWS_DEFAULT_REGION": "us-east-1",
    "PYTHONDONTWRITEBYTECODE": "0",
}


def cold(statement: str, runs: int = 5) -> float:
    code = "import time; t = time.perf_counter(); " + statement + "; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs + 1):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times[1:])  # the first run warms the bytecode cache


if __name__ == "__main__":
    boto = cold("import boto3")
    app = cold("import app")
    both = cold("import app, boto3")
    print(f"import boto3:            {boto * 1000:7.1f} ms")
    print(f"import app:              {app * 1000:7.1f} ms  {app / boto:4.2f}× boto3 (goal ≤ 1.3×)")
    print(
        f"import app, then boto3:  {both * 1000:7.1f} ms  {both / boto:4.2f}× boto3 (goal ≤ 2×; "
        "a request that touches data)"
    )
    figure("import app ÷ import boto3", f"{app / boto:.2f}×", "≤ 1.3×", app / boto <= 1.3)
    figure("import app, boto3 ÷ import boto3", f"{both / boto:.2f}×", "≤ 2×", both / boto <= 2)
