"""`python -m parley_dialogue.notifier`: deliver `mode: notify` webhooks from the notifications
queue until SIGTERM."""

from functools import partial

from parley_dialogue.bootstrap import build_notification_worker
from parley_dialogue.settings import DialogueSettings
from parley_runtime.infra import InfraSettings
from parley_runtime.process import run_process, run_worker_process
from parley_runtime.settings import check_settings, load_settings
from parley_runtime.worker_settings import WorkerSettings


def main() -> None:
    check_settings(InfraSettings, DialogueSettings, WorkerSettings)
    settings = load_settings(DialogueSettings)
    worker = load_settings(WorkerSettings)
    run_worker_process(partial(build_notification_worker, settings=settings, worker=worker), worker)


if __name__ == "__main__":
    run_process(main)
