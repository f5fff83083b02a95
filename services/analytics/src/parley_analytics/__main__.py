"""`python -m parley_analytics`: count events from the analytics queue until SIGTERM."""

from functools import partial

from parley_analytics.bootstrap import build_analytics_worker
from parley_runtime.infra import InfraSettings
from parley_runtime.process import run_process, run_worker_process
from parley_runtime.settings import check_settings, load_settings
from parley_runtime.worker_settings import WorkerSettings


def main() -> None:
    check_settings(InfraSettings, WorkerSettings)
    settings = load_settings(WorkerSettings)
    run_worker_process(partial(build_analytics_worker, settings=settings), settings)


if __name__ == "__main__":
    run_process(main)
