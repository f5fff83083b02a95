"""Blobs in an S3 bucket (or LocalStack) through one long-lived aioboto3 client."""

# pyright: reportMissingTypeStubs=false

from __future__ import annotations

import aioboto3

from parley_runtime.aws import AwsClient, aws_errors, client_options
from parley_runtime.blobs.keys import validate_key


class S3BlobStore(AwsClient):
    """`BlobStore` on one bucket. Open with `await store.start()` (or `async with`), close with `aclose()`.

    `page_size` is how many keys one listing request returns (S3's maximum is 1000).
    """

    service = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        session: aioboto3.Session | None = None,
        page_size: int = 1000,
    ) -> None:
        self._bucket = bucket
        self._page_size = page_size
        super().__init__(client_options(region=region, endpoint_url=endpoint_url, read_timeout=60.0), session)

    async def put(self, key: str, data: bytes) -> None:
        validate_key(key)
        with aws_errors(f"s3.put_object {key}"):
            await self._client.put_object(Bucket=self._bucket, Key=key, Body=data)

    async def get(self, key: str) -> bytes:
        """The object's bytes; `NotFoundError` if there is none."""
        validate_key(key)
        with aws_errors(f"s3.get_object {self._bucket}/{key}"):
            response = await self._client.get_object(Bucket=self._bucket, Key=key)
            async with response["Body"] as stream:
                return bytes(await stream.read())

    async def list(self, prefix: str) -> list[str]:
        """Keys under `prefix`, sorted (every page of the listing)."""
        keys: list[str] = []
        with aws_errors(f"s3.list_objects_v2 {prefix}"):
            paginator = self._client.get_paginator("list_objects_v2")
            pages = paginator.paginate(
                Bucket=self._bucket, Prefix=prefix, PaginationConfig={"PageSize": self._page_size}
            )
            async for page in pages:
                keys.extend(str(item["Key"]) for item in page.get("Contents", []))
        return sorted(keys)

    async def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""
        validate_key(key)
        with aws_errors(f"s3.delete_object {key}"):
            await self._client.delete_object(Bucket=self._bucket, Key=key)
