"""`python -m parley_dialogue`: the dialogue service on its own (NLU over HTTP)."""

from parley_dialogue.bootstrap import build_app
from parley_dialogue.settings import DialogueSettings
from parley_runtime.process import run_process, serve_http


def main() -> None:
    serve_http(DialogueSettings, build_app)


if __name__ == "__main__":
    run_process(main)
