"""`python -m parley_analytics`: count events from the analytics queue until SIGTERM."""

from parley_analytics.bootstrap import build_analytics_worker
from parley_runtime.process import run_worker_process

if __name__ == "__main__":
    run_worker_process(build_analytics_worker)
