"""`python -m parley_logger`: store transcripts from the logger queue until SIGTERM."""

from parley_logger.bootstrap import build_logger_worker
from parley_runtime.process import run_worker_process

if __name__ == "__main__":
    run_worker_process(build_logger_worker)
