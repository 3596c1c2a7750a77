"""Run a DurableMotoServer until killed: the crash tests SIGKILL this process.

Usage: ``python -m tests.infra.durable_server_main DATA_DIR PORT`` (from the repository root).
Prints the endpoint URL on one line once the server accepts journaled writes, then sleeps.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import boto3

from infra.local.durable import DurableMotoServer

TABLE = "durable-test"
BUCKET = "durable-test-bucket"
REGION = "us-east-1"


def client(service: str, endpoint_url: str) -> Any:
    """A boto3 client for the test server, independent of the environment's credentials."""
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def setup_resources(endpoint_url: str) -> None:
    """Create the test table and bucket if they are missing (run at every start)."""
    ddb = client("dynamodb", endpoint_url)
    if TABLE not in ddb.list_tables()["TableNames"]:
        ddb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    s3 = client("s3", endpoint_url)
    if BUCKET not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=BUCKET)


def main(argv: list[str]) -> None:
    """Start the server on ``argv[0]`` (data dir) and ``argv[1]`` (port), then wait."""
    server = DurableMotoServer(Path(argv[0]), port=int(argv[1]), setup=setup_resources)
    server.start()
    print(server.endpoint_url, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1:])
