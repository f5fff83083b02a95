"""`python -m parley_analytics`: count events from the analytics queue until SIGTERM."""

from functools import partial

from parley_analytics.bootstrap import build_analytics_worker
from parley_runtime.process import run_worker_process
from parley_runtime.settings import load_settings
from parley_runtime.worker_settings import WorkerSettings

if __name__ == "__main__":
    settings = load_settings(WorkerSettings)
    run_worker_process(partial(build_analytics_worker, settings=settings), settings)
