"""The first administrator of a deployed stage (after that, administrators add users in the
app): ``python -m infra.bootstrap_admin --stack xingqitong-prod --username admin
--display-name 管理员 --subject <sub>``.

``--subject`` is the ``sub`` claim the identity provider gives that person (in Cognito: the
user's "sub" attribute, shown by ``aws cognito-idp admin-get-user``). The record is written
through the app's own store code, with the operator's AWS credentials, into the table and
for the issuer the stack's outputs name.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def stack_outputs(stack: str, region: str | None) -> dict[str, str]:
    import boto3

    client = boto3.client("cloudformation", region_name=region)
    described = client.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def create_admin(
    table: str, issuer: str, username: str, display_name: str, subject: str
) -> dict[str, Any]:
    """Write the administrator through ``chalicelib.store.users`` (unique username and
    identity, audit entry), as the users API does."""
    os.environ["XQT_TABLE"] = table
    os.environ["XQT_AUTH_ISSUER"] = issuer
    from chalicelib.config import settings
    from chalicelib.store import db
    from chalicelib.store import users as store

    settings.cache_clear()
    db.reset()
    return store.create(
        {
            "username": username,
            "display_name": display_name,
            "role": "admin",
            "enterprise_uscc": None,
            "commissioner_id": None,
            "department_id": None,
            "phone": None,
            "service_account": False,
            "issuer": issuer,
            "subject": subject,
        },
        actor=None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region")
    parser.add_argument("--username", required=True)
    parser.add_argument("--display-name", required=True)
    parser.add_argument("--subject", required=True, help="the person's sub claim")
    args = parser.parse_args(argv)
    outputs = stack_outputs(args.stack, args.region)
    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    record = create_admin(
        outputs["MainTableName"],
        outputs["AuthIssuer"],
        args.username,
        args.display_name,
        args.subject,
    )
    print(f"administrator {record['username']} ({record['issuer']} {record['subject']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
