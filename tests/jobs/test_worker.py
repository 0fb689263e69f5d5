"""The job process's side: its command line is the kind's declared parameters (built as a list,
parsed back the same), and a stop in the middle of an evaluation leaves no store behind."""

import pytest

from rnnvis.jobs.kinds import KINDS
from rnnvis.jobs.worker import build_parser


@pytest.mark.parametrize("name,options", [
    ("train", {"config": "a.yaml", "resume": True, "max_steps": 4}),
    ("evaluate", {"name": "m-1", "split": "valid", "max_tokens": 1000, "dtype": "float32"}),
    ("train-evaluate", {"config": "b.yml", "force": True, "epochs": 2, "split": "test"}),
    ("import", {"kind": "lstmvis", "path": "states.h5", "name": "s", "vocab": "words.dict",
                "data": "words.h5", "cell": "gru"}),
    ("import-evaluate", {"kind": "keras", "path": "lm.keras", "name": "lm", "vocab": "v.txt",
                         "data": "a.txt,b.txt,c.txt", "task": "language_model", "force": True,
                         "max_tokens": 500}),
])
def test_the_command_line_round_trips_through_the_worker(name, options):
    kind = KINDS[name]
    checked = kind.params.check(options)
    argv = ["--job", "7", "--parent", "1", "--nice", "10", *kind.argv(checked)]
    assert all(isinstance(a, str) for a in argv) and argv[6] == name
    args = build_parser().parse_args(argv)
    assert (args.job, args.parent, args.nice, args.job_kind) == (7, 1, 10, name)
    assert kind.params.from_namespace(args) == checked


def test_the_worker_checks_its_options_again(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--job", "1", "--parent", "1", "train", "--config=../x.yaml"])
    assert "expected a file name" in capsys.readouterr().err


def test_a_stopped_evaluation_leaves_no_store(use_home):
    """SIGTERM in the job process raises SystemExit wherever the evaluation is: here, after the
    first recorded chunk."""
    from rnnvis.modelling.modeldir import model_dir
    from rnnvis.recording.evaluation import evaluate_model

    def stop(event):
        assert event["phase"] == "evaluate" and 0 < event["tokens"] <= event["total_tokens"]
        raise SystemExit(143)

    evaluations = model_dir("lm").evaluations
    before = sorted(p.name for p in evaluations.iterdir())
    with pytest.raises(SystemExit):
        evaluate_model("lm", "valid", progress=False, report=stop)
    assert sorted(p.name for p in evaluations.iterdir()) == before   # no valid.h5, no .tmp-*
    assert "valid.h5" not in before
