"""`python -m parley_gateway`: serve the public edge against real Redis, SQS, MongoDB and S3."""

from parley_gateway.bootstrap import build_app
from parley_gateway.settings import GatewaySettings
from parley_runtime.process import run_process, serve_http


def main() -> None:
    serve_http(GatewaySettings, build_app, proxies=lambda settings: settings.forwarded_allow_ips)


if __name__ == "__main__":
    run_process(main)
