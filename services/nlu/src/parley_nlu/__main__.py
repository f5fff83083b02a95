"""`python -m parley_nlu`: serve the NLU API against real Redis, MongoDB and S3 (or their emulations)."""

from parley_nlu.bootstrap import build_app
from parley_nlu.settings import NluSettings
from parley_runtime.process import run_process, serve_http


def main() -> None:
    serve_http(NluSettings, build_app)


if __name__ == "__main__":
    run_process(main)
