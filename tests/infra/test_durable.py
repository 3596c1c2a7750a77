"""DurableMotoServer: acknowledged DynamoDB and S3 writes survive a stop and a ``kill -9``.

Each test starts servers on its own data directory. moto's state is process-global and every
``start()`` resets it, so a restarted server really starts from what is on disk.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local.durable import DurableMotoServer, JournalCorruptError, read_journal
from tests.infra.durable_server_main import BUCKET, TABLE, client, setup_resources

ROOT = Path(__file__).resolve().parents[2]
UNICODE_KEY = "reports/甲 b+c%.txt"

Start = Callable[..., DurableMotoServer]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start servers on ``tmp_path`` (or another dir); all are stopped at the end."""
    servers: list[DurableMotoServer] = []

    def _start(data_dir: Path = tmp_path) -> DurableMotoServer:
        server = DurableMotoServer(data_dir, setup=setup_resources)
        server.start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


def journal_records(data_dir: Path) -> list[dict[str, Any]]:
    """The records now in the journal of ``data_dir``."""
    return read_journal(data_dir / "moto" / "journal.log")[0]


def key(pk: str) -> dict[str, Any]:
    """The test table's key for ``pk``."""
    return {"pk": {"S": pk}}


def add(ddb: Any, pk: str, amount: int) -> None:
    """A non-idempotent write: ``ADD n amount``."""
    ddb.update_item(
        TableName=TABLE,
        Key=key(pk),
        UpdateExpression="ADD n :d",
        ExpressionAttributeValues={":d": {"N": str(amount)}},
    )


def write_everything(url: str) -> None:
    """One of each kind of write the platform makes, including unsigned S3 uploads."""
    ddb, s3 = client("dynamodb", url), client("s3", url)
    ddb.put_item(TableName=TABLE, Item={**key("a"), "name": {"S": "甲"}, "bin": {"B": b"\x00\xff"}})
    for _ in range(3):
        add(ddb, "counter", 1)
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": key("t1")}},
            {"Put": {"TableName": TABLE, "Item": key("t2")}},
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": key("counter"),
                    "UpdateExpression": "ADD n :d",
                    "ExpressionAttributeValues": {":d": {"N": "10"}},
                }
            },
        ]
    )
    ddb.put_item(TableName=TABLE, Item=key("gone"))
    ddb.delete_item(TableName=TABLE, Key=key("gone"))

    s3.put_object(
        Bucket=BUCKET,
        Key=UNICODE_KEY,
        Body=b"report",
        ContentType="text/csv",
        Metadata={"my_key": "v1"},
    )
    s3.put_object(Bucket=BUCKET, Key="tmp.txt", Body=b"tmp")
    s3.delete_object(Bucket=BUCKET, Key="tmp.txt")

    # Presigned PUT and browser form POST: no Authorization header at all.
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": "up/put.bin"}
    )
    # A browser sends the file's type; without one urllib says form-urlencoded, and moto
    # then parses the body as a form and stores an empty object (plain moto does the same).
    request = urllib.request.Request(
        put_url,
        data=b"presigned put",
        method="PUT",
        headers={"Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    post = s3.generate_presigned_post(BUCKET, "up/post.bin")
    boundary = "durable-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in post["fields"].items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + b"presigned post"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        post["url"],
        data=b"".join(parts),
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status in (200, 201, 204)

    # Multipart: replay gets a new random UploadId that the part and completion must follow.
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="multi.bin")
    part = s3.upload_part(
        Bucket=BUCKET, Key="multi.bin", UploadId=upload["UploadId"], PartNumber=1, Body=b"m" * 1000
    )
    s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="multi.bin",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )


def assert_everything(url: str) -> None:
    """The state ``write_everything`` leaves, each write applied exactly once."""
    ddb, s3 = client("dynamodb", url), client("s3", url)
    item = ddb.get_item(TableName=TABLE, Key=key("a"))["Item"]
    assert item["name"] == {"S": "甲"}
    assert item["bin"] == {"B": b"\x00\xff"}
    # 3 x ADD 1 + a transaction's ADD 10, each applied exactly once.
    assert ddb.get_item(TableName=TABLE, Key=key("counter"))["Item"]["n"] == {"N": "13"}
    assert "Item" in ddb.get_item(TableName=TABLE, Key=key("t1"))
    assert "Item" in ddb.get_item(TableName=TABLE, Key=key("t2"))
    assert "Item" not in ddb.get_item(TableName=TABLE, Key=key("gone"))
    assert ddb.scan(TableName=TABLE, Select="COUNT")["Count"] == 4

    report = s3.get_object(Bucket=BUCKET, Key=UNICODE_KEY)
    assert report["Body"].read() == b"report"
    assert report["ContentType"] == "text/csv"
    assert report["Metadata"] == {"my_key": "v1"}
    assert s3.get_object(Bucket=BUCKET, Key="up/put.bin")["Body"].read() == b"presigned put"
    assert s3.get_object(Bucket=BUCKET, Key="up/post.bin")["Body"].read() == b"presigned post"
    assert s3.get_object(Bucket=BUCKET, Key="multi.bin")["Body"].read() == b"m" * 1000
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert keys == {UNICODE_KEY, "up/put.bin", "up/post.bin", "multi.bin"}


def spawn(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    """The server in a child process, so it can really be SIGKILLed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.infra.durable_server_main", str(data_dir), "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        proc.wait()
        pytest.fail(f"server process did not start (exit {proc.returncode})")
    return proc, url


def test_everything_survives_a_clean_restart(start: Start, tmp_path: Path) -> None:
    first = start()
    write_everything(first.endpoint_url)
    first.stop()
    records = journal_records(tmp_path)

    second = start()
    assert second.report.replayed == len(records)
    assert second.report.replay_failures == 0
    assert_everything(second.endpoint_url)
    second.stop()

    # Third start: everything now comes from the snapshot the second one compacted.
    third = start()
    assert third.report.replayed == 0
    assert third.report.restored_items == 4
    assert third.report.restored_objects == 4
    assert_everything(third.endpoint_url)


def test_everything_survives_sigkill(start: Start, tmp_path: Path) -> None:
    proc, url = spawn(tmp_path)
    try:
        write_everything(url)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    journal = tmp_path / "moto" / "journal.log"
    crashed_journal = journal.read_bytes()
    records = journal_records(tmp_path)
    assert records, "the writes were journaled"

    server = start()
    assert server.report.replayed == len(records)
    assert server.report.replay_failures == 0
    assert_everything(server.endpoint_url)
    server.stop()

    # A crash after the new snapshot was renamed in but before the journal was reset leaves
    # the old journal next to a snapshot that already contains it: nothing may apply twice.
    journal.write_bytes(crashed_journal)
    again = start()
    assert again.report.skipped == len(records)
    assert again.report.replayed == 0
    assert_everything(again.endpoint_url)


def test_sigkill_in_the_middle_of_writes_keeps_every_acknowledged_one(
    start: Start, tmp_path: Path
) -> None:
    proc, url = spawn(tmp_path)
    acknowledged = 0
    stop = threading.Event()

    def hammer() -> None:
        nonlocal acknowledged
        ddb = client("dynamodb", url)
        while not stop.is_set():
            try:
                add(ddb, "hammer", 1)
            except Exception:  # the server died mid-request: not acknowledged
                return
            acknowledged += 1

    writer = threading.Thread(target=hammer)
    writer.start()
    try:
        time.sleep(0.7)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        writer.join()
    assert acknowledged > 10

    ddb = client("dynamodb", start().endpoint_url)
    n = int(ddb.get_item(TableName=TABLE, Key=key("hammer"))["Item"]["n"]["N"])
    # The write in flight at the kill may or may not have reached the journal.
    assert acknowledged <= n <= acknowledged + 1


def test_torn_last_journal_line_is_ignored(start: Start, tmp_path: Path) -> None:
    first = start()
    ddb = client("dynamodb", first.endpoint_url)
    add(ddb, "counter", 5)
    first.stop()
    with (tmp_path / "moto" / "journal.log").open("ab") as fh:
        fh.write(b'{"seq":2,"method":"POST","path":"/","headers":{"X-Amz-Tar')

    second = start()
    assert second.report.torn_bytes > 0
    assert second.report.replayed == 1
    ddb = client("dynamodb", second.endpoint_url)
    assert ddb.get_item(TableName=TABLE, Key=key("counter"))["Item"]["n"] == {"N": "5"}
    # Compaction dropped the torn tail: the next append starts on a clean line.
    add(ddb, "counter", 1)
    assert [r["seq"] for r in journal_records(tmp_path)] == [2]


def test_corrupt_line_in_the_middle_refuses_to_start(start: Start, tmp_path: Path) -> None:
    first = start()
    ddb = client("dynamodb", first.endpoint_url)
    add(ddb, "counter", 1)
    add(ddb, "counter", 1)
    first.stop()
    journal = tmp_path / "moto" / "journal.log"
    good = journal.read_bytes()
    lines = good.split(b"\n")
    journal.write_bytes(b"\n".join([b"{not json", *lines[1:]]))

    with pytest.raises(JournalCorruptError):
        start()
    # The failed start released the port and the directory lock; the good journal loads.
    journal.write_bytes(good)
    server = start()
    ddb = client("dynamodb", server.endpoint_url)
    assert ddb.get_item(TableName=TABLE, Key=key("counter"))["Item"]["n"] == {"N": "2"}


def test_concurrent_conditional_increments(start: Start) -> None:
    server = start()
    url = server.endpoint_url
    client("dynamodb", url).put_item(
        TableName=TABLE, Item={**key("race"), "n": {"N": "0"}, "version": {"N": "0"}}
    )

    def worker(_: int) -> tuple[int, int]:
        ddb = client("dynamodb", url)
        won = lost = 0
        for _attempt in range(8):
            item = ddb.get_item(TableName=TABLE, Key=key("race"), ConsistentRead=True)["Item"]
            version = int(item["version"]["N"])
            try:
                ddb.update_item(
                    TableName=TABLE,
                    Key=key("race"),
                    UpdateExpression="SET n = n + :one, version = :next",
                    ConditionExpression="version = :seen",
                    ExpressionAttributeValues={
                        ":one": {"N": "1"},
                        ":next": {"N": str(version + 1)},
                        ":seen": {"N": str(version)},
                    },
                )
                won += 1
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "ConditionalCheckFailedException"
                lost += 1
        return won, lost

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(worker, range(20)))
    won = sum(w for w, _ in results)
    assert won > 0
    assert sum(lost for _, lost in results) > 0, "the threads did contend"

    def value(url: str) -> tuple[int, int]:
        got = client("dynamodb", url).get_item(TableName=TABLE, Key=key("race"))["Item"]
        return int(got["n"]["N"]), int(got["version"]["N"])

    assert value(url) == (won, won)
    server.stop()
    assert value(start().endpoint_url) == (won, won)


def test_failed_writes_and_reads_are_not_journaled(start: Start, tmp_path: Path) -> None:
    server = start()
    ddb, s3 = client("dynamodb", server.endpoint_url), client("s3", server.endpoint_url)
    ddb.put_item(TableName=TABLE, Item={**key("x"), "n": {"N": "1"}})
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"v")
    before = journal_records(tmp_path)
    assert len(before) == 2

    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        ddb.put_item(TableName=TABLE, Item=key("x"), ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError, match="TransactionCanceled"):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": key("y")}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": key("x"),
                        "ConditionExpression": "n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
            ]
        )
    with pytest.raises(ClientError):
        s3.delete_object(Bucket="no-such-bucket", Key="k")
    ddb.get_item(TableName=TABLE, Key=key("x"))
    ddb.scan(TableName=TABLE)
    s3.get_object(Bucket=BUCKET, Key="k")

    assert journal_records(tmp_path) == before


def test_sqs_is_neither_journaled_nor_blocking(start: Start, tmp_path: Path) -> None:
    server = start()
    url = server.endpoint_url
    queue = client("sqs", url).create_queue(QueueName="jobs")["QueueUrl"]
    poller = threading.Thread(
        target=lambda: client("sqs", url).receive_message(QueueUrl=queue, WaitTimeSeconds=2)
    )
    ddb = client("dynamodb", url)
    poller.start()
    time.sleep(0.3)  # let the long poll begin
    started = time.perf_counter()
    ddb.put_item(TableName=TABLE, Item=key("during-poll"))
    assert time.perf_counter() - started < 1.0, "a long poll must not hold the lock"
    poller.join()
    client("sqs", url).send_message(QueueUrl=queue, MessageBody="hello")

    records = journal_records(tmp_path)
    assert len(records) == 1
    assert records[0]["headers"]["X-Amz-Target"] == "DynamoDB_20120810.PutItem"


def test_one_server_per_data_dir(start: Start, tmp_path: Path) -> None:
    start()
    with pytest.raises(RuntimeError, match="another durable moto server"):
        DurableMotoServer(tmp_path, setup=setup_resources).start()


def test_snapshot_reads_items_exactly_as_scan_returns_them(start: Start, tmp_path: Path) -> None:
    """Compaction reads items from moto's table (Scan is too slow); it must match Scan."""
    server = start()
    ddb = client("dynamodb", server.endpoint_url)
    nested = {"M": {"l": {"L": [{"B": b"\x01"}, {"M": {"n": {"N": "1.50"}}}, {"NULL": True}]}}}
    ddb.put_item(
        TableName=TABLE,
        Item={
            **key("types"),
            "s": {"S": "文字"},
            "n": {"N": "-12.3400"},
            "b": {"B": b"\x00\xffbytes"},
            "ss": {"SS": ["x", "y"]},
            "ns": {"NS": ["1", "2.5"]},
            "bs": {"BS": [b"\x02", b"\x03"]},
            "m": nested,
            "t": {"BOOL": True},
            "f": {"BOOL": False},
            "null": {"NULL": True},
            "empty_l": {"L": []},
            "empty_m": {"M": {}},
        },
    )
    ddb.update_item(
        TableName=TABLE,
        Key=key("types"),
        UpdateExpression=(
            "SET m.l = list_append(m.l, :more), m.added = :b, tally = :zero ADD ss :z, bs :bin"
        ),
        ExpressionAttributeValues={
            ":more": {"L": [{"S": "appended"}, {"BS": [b"\x04"]}]},
            ":b": {"B": b"\x05"},
            ":zero": {"N": "0"},
            ":z": {"SS": ["z"]},
            ":bin": {"BS": [b"\x06"]},
        },
    )
    add(ddb, "types", 7)
    for i in range(30):
        ddb.put_item(TableName=TABLE, Item={**key(f"p{i}"), "i": {"N": str(i)}})

    ((account, region, table),) = server._tables()

    def by_key(pages: Iterator[list[dict[str, Any]]]) -> dict[str, Any]:
        return {item["pk"]["S"]: item for page in pages for item in page}

    exported = by_key(iter(server._export(account, region, table)))
    scanned = by_key(server._scan(account, region, table))
    assert len(exported) == 31
    assert exported == scanned


def test_tables_and_buckets_in_other_regions_are_kept(tmp_path: Path) -> None:
    """The app may run in a China region: the snapshot must not assume us-east-1."""

    def cn(service: str, url: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=url,
            region_name="cn-north-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def setup_cn(url: str) -> None:
        ddb = cn("dynamodb", url)
        if "cn-table" not in ddb.list_tables()["TableNames"]:
            ddb.create_table(
                TableName="cn-table",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )
        s3 = cn("s3", url)
        if not s3.list_buckets().get("Buckets"):
            s3.create_bucket(
                Bucket="cn-bucket", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"}
            )

    def run(check: Callable[[DurableMotoServer], None]) -> None:
        server = DurableMotoServer(tmp_path, setup=setup_cn)
        server.start()
        try:
            check(server)
        finally:
            server.stop()

    def write(server: DurableMotoServer) -> None:
        cn("dynamodb", server.endpoint_url).put_item(TableName="cn-table", Item=key("cn"))
        cn("s3", server.endpoint_url).put_object(Bucket="cn-bucket", Key="k", Body=b"cn")

    def verify(server: DurableMotoServer) -> None:
        ddb = cn("dynamodb", server.endpoint_url)
        assert "Item" in ddb.get_item(TableName="cn-table", Key=key("cn"))
        body = cn("s3", server.endpoint_url).get_object(Bucket="cn-bucket", Key="k")["Body"]
        assert body.read() == b"cn"

    def from_journal(server: DurableMotoServer) -> None:
        assert (server.report.replayed, server.report.replay_failures) == (2, 0)
        assert (server.report.snapshot_items, server.report.snapshot_objects) == (1, 1)
        verify(server)

    def from_snapshot(server: DurableMotoServer) -> None:
        assert (server.report.restored_items, server.report.restored_objects) == (1, 1)
        assert server.report.restore_failures == 0
        verify(server)

    run(write)
    run(from_journal)
    run(from_snapshot)


def test_writes_that_fail_to_replay_are_kept_aside(tmp_path: Path) -> None:
    def setup_with_extra(url: str) -> None:
        setup_resources(url)
        ddb = client("dynamodb", url)
        if "extra" not in ddb.list_tables()["TableNames"]:
            ddb.create_table(
                TableName="extra",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )

    first = DurableMotoServer(tmp_path, setup=setup_with_extra)
    first.start()
    try:
        client("dynamodb", first.endpoint_url).put_item(TableName="extra", Item=key("e"))
    finally:
        first.stop()

    # The table left the template: its write cannot replay, and compaction would drop it.
    second = DurableMotoServer(tmp_path, setup=setup_resources)
    second.start()
    try:
        assert second.report.replay_failures == 1
        assert second.report.kept is not None
        kept = read_journal(Path(second.report.kept) / "journal.log")[0]
        assert [r["headers"]["X-Amz-Target"] for r in kept] == ["DynamoDB_20120810.PutItem"]
    finally:
        second.stop()


def test_checkpoints_while_running_bound_the_replay(tmp_path: Path) -> None:
    server = DurableMotoServer(tmp_path, setup=setup_resources, checkpoint_every=50)
    server.start()
    try:
        ddb = client("dynamodb", server.endpoint_url)
        for i in range(120):
            add(ddb, f"k{i % 7}", 1)
        assert server.checkpoints == 2
        assert len(journal_records(tmp_path)) == 20  # 120 - 2 x 50 folded into the snapshot
    finally:
        server.stop()
    again = DurableMotoServer(tmp_path, setup=setup_resources, checkpoint_every=50)
    again.start()
    try:
        assert again.report.replayed == 20
        ddb = client("dynamodb", again.endpoint_url)
        total = sum(
            int(ddb.get_item(TableName=TABLE, Key=key(f"k{j}"))["Item"]["n"]["N"]) for j in range(7)
        )
        assert total == 120
    finally:
        again.stop()


KEYED = "durable-keyed"


def setup_keyed(url: str) -> None:
    """The test table and bucket, and a table keyed like the app's (pk, sk and an index)."""
    setup_resources(url)
    ddb = client("dynamodb", url)
    if KEYED not in ddb.list_tables()["TableNames"]:
        ddb.create_table(
            TableName=KEYED,
            AttributeDefinitions=[
                {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "gsk")
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "gsi1",
                    "KeySchema": [
                        {"AttributeName": "gpk", "KeyType": "HASH"},
                        {"AttributeName": "gsk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )


def moto_state() -> dict[str, Any]:
    """Every item moto holds, by table and key, as moto holds it (types and Python values:
    bytes stay bytes, a binary moto keeps base64-encoded stays a string)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType

    def held(value: Any) -> Any:
        if isinstance(value, DynamoType):
            return (value.type, held(value.value))
        if isinstance(value, dict):
            return {k: held(v) for k, v in value.items()}
        if isinstance(value, list):
            return [held(v) for v in value]
        return (type(value).__name__, value)

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return {
        name: {
            (held(item.hash_key), held(item.range_key)): held(item.attrs)
            for item in table.all_items()
        }
        for name, table in backend.tables.items()
    }


def keyed_queries(url: str) -> list[Any]:
    """Pages of Queries on the keyed table and its index: key conditions, both directions,
    limits and ExclusiveStartKey pages."""
    ddb, pages = client("dynamodb", url), []
    asks: list[dict[str, Any]] = [
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P1"}}},
        {
            "IndexName": "gsi1",
            "KeyConditionExpression": "gpk = :g AND gsk < :t",
            "ExpressionAttributeValues": {":g": {"S": "G0"}, ":t": {"S": "0150"}},
            "ScanIndexForward": False,
            "Limit": 7,
        },
        {
            "IndexName": "gsi1",
            "KeyConditionExpression": "gpk = :g AND begins_with(gsk, :b)",
            "ExpressionAttributeValues": {":g": {"S": "G1"}, ":b": {"S": "01"}},
            "Limit": 5,
        },
    ]
    for ask in asks:
        kwargs: dict[str, Any] = {"TableName": KEYED, **ask}
        while True:
            page = ddb.query(**kwargs)
            pages.append((page["Items"], page["Count"], page.get("LastEvaluatedKey")))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return pages


def write_keyed(url: str) -> None:
    """300 items in 5 partitions, two thirds of them in the (sparse) index; one of every
    attribute type, binaries included (which moto's request parser decodes)."""
    ddb = client("dynamodb", url)
    for i in range(300):
        item: dict[str, Any] = {
            "pk": {"S": f"P{i % 5}"},
            "sk": {"S": f"{(i * 37) % 300:04d}"},
            "n": {"N": f"{i}.50"},
            "m": {"M": {"l": {"L": [{"S": "文字"}, {"NULL": True}, {"BOOL": i % 2 == 0}]}}},
            "ss": {"SS": [f"x{i}", "y"]},
        }
        if i % 3:
            item |= {"gpk": {"S": f"G{i % 2}"}, "gsk": {"S": f"{i:04d}"}}
        if i % 50 == 0:
            item |= {"b": {"B": bytes([i % 256, 0])}, "bs": {"BS": [b"\x01", b"\x02"]}}
            item["m"]["M"]["nb"] = {"B": b"\x03"}
        ddb.put_item(TableName=KEYED, Item=item)


def test_a_restore_from_the_snapshot_round_trips_moto_state_and_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Snapshot items go into moto's backend directly (binaries through BatchWriteItem): moto
    then holds exactly what it held before the restart, and what a restore only through
    BatchWriteItem leaves, and its Queries answer the same pages."""
    first = DurableMotoServer(tmp_path / "a", setup=setup_keyed)
    first.start()
    try:
        write_everything(first.endpoint_url)
        write_keyed(first.endpoint_url)
        before, queried = moto_state(), keyed_queries(first.endpoint_url)
    finally:
        first.stop()
    compacted = DurableMotoServer(tmp_path / "a", setup=setup_keyed)
    compacted.start()  # replays the journal and compacts it into a snapshot
    compacted.stop()
    snapshot = (tmp_path / "a" / "moto" / "snapshot.json").read_bytes()

    through: list[dict[str, Any]] = []
    batches = DurableMotoServer._restore_batches

    def spy(self: DurableMotoServer, *args: Any) -> None:
        through.extend(args[3])
        batches(self, *args)

    monkeypatch.setattr(DurableMotoServer, "_restore_batches", spy)
    direct = DurableMotoServer(tmp_path / "a", setup=setup_keyed)
    direct.start()
    try:
        assert direct.report.replayed == 0
        assert (direct.report.restored_items, direct.report.restore_failures) == (304, 0)
        # only the items holding a binary value went through the API
        assert sorted(i["pk"]["S"] + i.get("sk", {}).get("S", "") for i in through) == sorted(
            ["a"] + [f"P{i % 5}{(i * 37) % 300:04d}" for i in range(0, 300, 50)]
        )
        assert moto_state() == before
        assert keyed_queries(direct.endpoint_url) == queried
        assert_everything(direct.endpoint_url)
    finally:
        direct.stop()

    # The same snapshot restored only through BatchWriteItem, as before the direct path.
    (tmp_path / "b" / "moto").mkdir(parents=True)
    (tmp_path / "b" / "moto" / "snapshot.json").write_bytes(snapshot)
    monkeypatch.setattr(DurableMotoServer, "_direct_put", lambda self, a, r, t: None)
    through_api = DurableMotoServer(tmp_path / "b", setup=setup_keyed)
    through_api.start()
    try:
        assert (through_api.report.restored_items, through_api.report.restore_failures) == (
            304,
            0,
        )
        assert moto_state() == before
        assert keyed_queries(through_api.endpoint_url) == queried
    finally:
        through_api.stop()


def test_a_snapshot_item_moto_refuses_is_the_only_one_lost(tmp_path: Path) -> None:
    """An item the table no longer takes (an empty key) fails alone, logged and counted; the
    items before and after it in its page are restored."""
    (tmp_path / "moto").mkdir(parents=True)
    items = [key("before"), {"pk": {"S": ""}}, key("after")]
    lines = [
        {"format": "durable-moto/1", "last_seq": 0},
        {"kind": "items", "account": "123456789012", "region": "us-east-1", "table": TABLE}
        | {"items": items},
        {"kind": "end"},
    ]
    (tmp_path / "moto" / "snapshot.json").write_text(
        "".join(json.dumps(line) + "\n" for line in lines)
    )
    server = DurableMotoServer(tmp_path, setup=setup_resources)
    server.start()
    try:
        assert (server.report.restored_items, server.report.restore_failures) == (2, 1)
        assert server.report.kept is not None
        ddb = client("dynamodb", server.endpoint_url)
        assert "Item" in ddb.get_item(TableName=TABLE, Key=key("before"))
        assert "Item" in ddb.get_item(TableName=TABLE, Key=key("after"))
    finally:
        server.stop()
