"""What the Lambda zip holds (docs/deploy.md, "The deployment zip"): nothing the code never
imports (an allow-list of top-level names, each with what imports it), within 12 MB zipped,
and enough to run: its code, with only Lambda's runtime SDK beside it, imports every module
and does what each pruned package is kept for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import package

#: Every top-level name the zip may hold, and why it is there.
ALLOWED = {
    "app.py": "the entry point of every function",
    "chalicelib": "our code",
    "chalice": "Chalice's runtime (added by `chalice package`)",
    "pydantic": "models",
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_inspection": "pydantic",
    "typing_extensions.py": "pydantic",
    "aws_lambda_powertools": "chalicelib/logs.py, jobs/batch.py, jobs/metrics.py",
    "jwt": "auth/tokens.py (PyJWT)",
    "cryptography": "PyJWT's RS256 (and the local issuer)",
    "cffi": "cryptography",
    "_cffi_backend.cpython-311-x86_64-linux-gnu.so": "cffi",
    "pycparser": "cffi",
    "stdnum": "domain/enterprise.py (credit codes)",
    "phonenumbers": "domain/models.py (phone numbers; phonenumberslite)",
    "email_validator": "domain/models.py (e-mail addresses)",
    "idna": "email_validator",
    "xlsxwriter": "reports and exports",
    "openpyxl": "the enterprise import",
    "et_xmlfile": "openpyxl",
    "defusedxml": "the enterprise import (openpyxl's XML)",
    "filetype": "domain/uploads.py",
    "tzdata": "zoneinfo's Asia/Shanghai",
    "chinese_calendar": "domain/calendar.py",
    "holidays": "domain/calendar.py (the fallback)",
    "holidays-0.108.dist-info": "holidays reads its version from it at import",
    "jieba": "chalicelib/segmentation",
    "pypinyin": "domain/search.py",
}
#: What Lambda's Python runtime provides, copied from the venv beside the unpacked zip.
RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")

_EXERCISE = r"""
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import importlib, pkgutil
assert not any("site-packages" in p for p in sys.path), sys.path

import app
from chalicelib.api import lazy
lazy.load_all()
import chalicelib
for info in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
    if not info.name.startswith("chalicelib.api.dev"):
        importlib.import_module(info.name)
for name, module in sys.modules.items():
    assert "site-packages" not in (getattr(module, "__file__", None) or ""), name

from chalicelib.api import openapi
assert len(openapi.build(include_local=False)["paths"]) > 50
from chalicelib.domain.models import _email, _phone
assert _phone("+86 138-1234-5678") == "13812345678"
assert _email("Zrzy@Rudong.GOV.cn") == "Zrzy@rudong.gov.cn"
from chalicelib.domain.enterprise import normalize_uscc, with_check_character
code = with_check_character("91320623MA1MXXXX0")
assert normalize_uscc(code) == code
from chalicelib.domain.calendar import fallback_schedule
assert fallback_schedule(2031).names
from chalicelib.segmentation import terms
assert terms("企业用电报装")
from chalicelib.domain.search import pinyin
assert pinyin("如东恒润机械") == ("rudonghengrunjixie", "rdhrjx")

import datetime, io, jwt
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
token = jwt.encode({"sub": "x"}, key, algorithm="RS256")
assert jwt.decode(token, key.public_key(), algorithms=["RS256"])["sub"] == "x"

import xlsxwriter, openpyxl
out = io.BytesIO()
book = xlsxwriter.Workbook(out)
book.add_worksheet().write(0, 0, "如东")
book.close()
out.seek(0)
assert openpyxl.load_workbook(out, read_only=True).active["A1"].value == "如东"

from chalicelib.jobs.batch import partial
event = {"Records": [{"messageId": "1", "body": "{}", "receiptHandle": "r",
                      "attributes": {"ApproximateReceiveCount": "1"},
                      "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:1:q",
                      "messageAttributes": {}, "md5OfBody": "", "awsRegion": "us-east-1"}]}
assert partial(event, lambda body, count: None) == {"batchItemFailures": []}
import chalicelib.jobs.metrics as metrics
metrics.sweep_findings([])
print("ok")
"""


@pytest.fixture(scope="module")
def zip_path() -> Path:
    package.build("prod")
    return package.BUILD / "prod" / "deployment.zip"


def _top_level(names: list[str]) -> set[str]:
    return {name.split("/", 1)[0] for name in names}


def test_the_zip_holds_only_what_the_code_imports(zip_path):
    tops = _top_level(zipfile.ZipFile(zip_path).namelist())
    assert tops - set(ALLOWED) == set(), "in the zip but never imported: add to PRUNED"
    assert set(ALLOWED) - tops == set(), "allowed but absent: drop it from ALLOWED"


def test_the_zip_is_within_12_mb(zip_path):
    zipped, _ = package.artifact_sizes(zip_path)
    assert zipped <= 12 * 2**20


def test_the_zip_runs_with_only_the_lambda_runtimes_sdk_beside_it(zip_path, tmp_path):
    code, runtime = tmp_path / "task", tmp_path / "runtime"
    zipfile.ZipFile(zip_path).extractall(code)
    runtime.mkdir()
    site = Path(__import__("boto3").__file__).parents[1]
    for name in RUNTIME:
        source = site / name
        if source.is_dir():
            shutil.copytree(source, runtime / name)
        else:
            shutil.copy(source, runtime / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XQT_", "PYTHON", "VIRTUAL"))}
    env.update(
        XQT_TABLE="xingqitong-prod",
        XQT_AUTH_ISSUER="https://issuer.example",
        XQT_AUTH_AUDIENCE="xqt",
        XQT_AUTH_JWKS_URL="https://issuer.example/jwks.json",
    )
    done = subprocess.run(  # the interpreter without its site-packages (-S), as on Lambda
        [sys.executable, "-S", "-c", _EXERCISE, str(code), str(runtime)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.strip().endswith("ok")
