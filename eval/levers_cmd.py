"""python -m eval levers: the lever table on dev, held-out and CMRC 2018 (and the refusal calibration).

python -m eval levers --calibrate            # fit retrieval/data/refusal_model.json on the read sets, then measure
python -m eval levers --sets dev --try "bigram_weight=0.3"   # tune one setting on the dev set only
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.corpus import corpus_files
from eval.datasets import QAItem, SquadSet, load_qa_jsonl, load_squad, sample_items, write_paragraphs
from eval.laws import LAWS, law_files
from eval.levers import (
    LeverRunner,
    RunScores,
    WithheldScores,
    configurations,
    fit_refusal,
    lever_rows,
    lever_table,
    parse_overrides,
    withheld_scores,
)
from eval.workspace import DEFAULT_CACHE, Workspace
from retrieval.refusal import MODEL_FILE, RefusalModel
from retrieval.settings import PROJECT_ROOT, Settings

DATA = PROJECT_ROOT / "eval" / "data"
SHARED = PROJECT_ROOT.parent / "shared"
CMRC = SHARED / "datasets" / "cmrc2018" / "dev.json"
# Not shipped (they raise R@5 but not answers right, see REPORT.md); trained for the static-vector row when
# missing, as python -m eval.train_vectors --text ../shared/datasets/laws --text ../shared/corpus --epochs 5 \
#     --out data/eval-cache/static_vectors.npz
EVAL_VECTORS = PROJECT_ROOT / "data" / "eval-cache" / "static_vectors.npz"
Say = Callable[[str], None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sets",
        default="dev,heldout,fresh,dev3,fresh2,cmrc",
        help="comma-separated: dev, heldout, fresh, dev3, fresh2, cmrc",
    )
    parser.add_argument("--mode", choices=("all", "add", "remove", "shipped"), default="all")
    parser.add_argument("--try", dest="tries", action="append", default=[], help="overrides to measure, e.g. a=1,b=2")
    parser.add_argument("--calibrate", action="store_true", help="fit the refusal model on the read sets first")
    parser.add_argument("--cmrc-limit", type=int, default=1000)
    parser.add_argument("--dense", action=argparse.BooleanOptionalAction, default=True, help="load the model")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--withheld", action="store_true", help="also ask dev/held-out with the answering document withheld (shipped)"
    )


@dataclass(frozen=True)
class LeverResult:
    name: str
    scores: dict[str, RunScores]
    withheld: dict[str, WithheldScores] = field(default_factory=dict)  # measured for the shipped configuration


POLICY_SETS = (
    *("dev", "heldout", "fresh", "dev3", "fresh2", "fresh3"),
    *("fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12"),
    *("fresh13", "fresh14", "fresh15", "fresh16"),
)
# The refusal model is fitted on every set whose questions were read and tuned on (from session 18: 130
# unanswerable questions, not dev's 73 alone, and laws of six sets written apart); the rest only report it.
FIT_SETS = ("dev", "dev3", "fresh4", "fresh5", "fresh6", "fresh7")
# CMRC 2018 questions (outside the measured sample) the fitted threshold must not refuse more than the fit sets'
# false-refusal bound allows: plainly worded answerable questions the fit sets hold few of
CALIBRATION_QUESTIONS = 500


def policy_sets() -> dict[str, list[QAItem]]:
    # everyday questions off the library's topics (weather, recipes, phones), written in session 13 after a
    # walkthrough met them answered: odd ids tuned on with the dev set, even ids held out
    offtopic = load_qa_jsonl(DATA / "offtopic_qa.jsonl")
    return {
        "dev": load_qa_jsonl(DATA / "dev_qa.jsonl")
        + load_qa_jsonl(DATA / "dev_laws_qa.jsonl")
        + load_qa_jsonl(DATA / "dev2_laws_qa.jsonl")
        + offtopic[0::2],
        "heldout": load_qa_jsonl(DATA / "test_qa.jsonl")
        + load_qa_jsonl(DATA / "heldout_laws_qa.jsonl")
        + offtopic[1::2],
        # written blind in session 7 over the eight distractor laws, after all the tuning: never tuned on
        "fresh": load_qa_jsonl(DATA / "heldout3_laws_qa.jsonl"),
        # written blind in session 8 over the 33 corpus texts, split by id: odd ids tuned on, even ids never
        "dev3": load_qa_jsonl(DATA / "dev3_corpus_qa.jsonl"),
        "fresh2": load_qa_jsonl(DATA / "heldout4_corpus_qa.jsonl"),
        # written blind by a helper in session 13 over the 33 corpus texts (it saw neither code nor other sets),
        # measured once at the session's end: never tuned on
        "fresh3": load_qa_jsonl(DATA / "heldout5_corpus_qa.jsonl"),
        # written blind by a helper in session 14 over five laws added to the library for it: never tuned on
        "fresh4": load_qa_jsonl(DATA / "heldout6_laws_qa.jsonl"),
        # written blind in session 15; its failures were read and tuned on from session 16
        "fresh5": load_qa_jsonl(DATA / "heldout7_laws_qa.jsonl"),
        # written blind by a helper in session 16 over five more laws: never tuned on
        "fresh6": load_qa_jsonl(DATA / "heldout8_laws_qa.jsonl"),
        # written blind by a helper in session 17 over five more laws; its failures were read and tuned on from
        # session 18
        "fresh7": load_qa_jsonl(DATA / "heldout9_laws_qa.jsonl"),
        # written blind by a helper in session 18 over five more laws; its failures were read and tuned on from
        # session 19
        "fresh8": load_qa_jsonl(DATA / "heldout10_laws_qa.jsonl"),
        # written blind by a helper in session 19 over five more laws; its failures were read and tuned on from
        # session 20
        "fresh9": load_qa_jsonl(DATA / "heldout11_laws_qa.jsonl"),
        # written blind by a helper in session 20 over five more laws; its failures were read and tuned on from
        # session 21
        "fresh10": load_qa_jsonl(DATA / "heldout12_laws_qa.jsonl"),
        # written blind by a helper in session 21 over five more laws; its failures were read and tuned on from
        # session 22
        "fresh11": load_qa_jsonl(DATA / "heldout13_laws_qa.jsonl"),
        # written blind by a helper in session 22 over five more laws; its failures were read and tuned on from
        # session 23
        "fresh12": load_qa_jsonl(DATA / "heldout14_laws_qa.jsonl"),
        # written blind by a helper in session 23 over five more laws; its failures were read and tuned on from
        # session 24
        "fresh13": load_qa_jsonl(DATA / "heldout15_laws_qa.jsonl"),
        # written blind by a helper in session 24 over five more laws; its failures were read and tuned on from
        # session 25
        "fresh14": load_qa_jsonl(DATA / "heldout16_laws_qa.jsonl"),
        # written blind by a helper in session 25 over five more laws; its failures were read and tuned on from
        # session 26
        "fresh15": load_qa_jsonl(DATA / "heldout17_laws_qa.jsonl"),
        # written blind by a helper in session 26 over five more laws: never tuned on
        "fresh16": load_qa_jsonl(DATA / "heldout18_laws_qa.jsonl"),
    }


def policy_corpus() -> list[Path]:
    return corpus_files([SHARED / "corpus", SHARED / "corpus" / "files"]) + law_files()


def vectors() -> dict[str, object]:
    """The eval's static word vectors, trained here first (about 4 minutes) when the laws are available."""
    if not EVAL_VECTORS.is_file() and LAWS.is_dir():
        from eval.train_vectors import main as train_vectors

        EVAL_VECTORS.parent.mkdir(parents=True, exist_ok=True)
        texts = ["--text", str(LAWS), "--text", str(SHARED / "corpus")]
        train_vectors([*texts, "--epochs", "5", "--out", str(EVAL_VECTORS)])
    return {"static_vectors": EVAL_VECTORS} if EVAL_VECTORS.is_file() else {}


def run(args: argparse.Namespace, say: Say) -> list[LeverResult]:
    wanted = [s.strip() for s in args.sets.split(",") if s.strip()]
    with Workspace(dense=args.dense, cache_path=DEFAULT_CACHE if args.dense else None) as ws:
        return measure(ws, wanted, args.tries, args.mode, args.cmrc_limit, args.calibrate, say, args.withheld)


def measure(
    ws: Workspace,
    wanted: list[str],
    tries: list[str],
    mode: str,
    cmrc_limit: int,
    calibrate: bool,
    say: Say,
    withheld: bool = False,
) -> list[LeverResult]:
    """The lever configurations (or the tried overrides) on the wanted sets, in one workspace."""
    runners: dict[str, tuple[LeverRunner, list[QAItem]]] = {}
    squad = load_squad(CMRC) if CMRC.is_file() and ("cmrc" in wanted or calibrate) else None
    cmrc_runner = index_squad(ws, squad, say) if squad else None
    if set(POLICY_SETS) & set(wanted) or calibrate:
        say("[levers] indexing the shared corpus + laws …")
        runner = LeverRunner(ws.index(policy_corpus(), **vectors()))
        sets = policy_sets()
        for name in POLICY_SETS:
            if name in wanted:
                runners[name] = (runner, sets[name])
        if calibrate:
            say(f"[levers] fitting the refusal model on {', '.join(FIT_SETS)} …")
            general = (cmrc_runner, calibration_items(squad, cmrc_limit)) if cmrc_runner and squad else None
            model = fit_refusal(runner, [item for name in FIT_SETS for item in sets[name]], {}, general)
            model.save(MODEL_FILE)
            say(f"refusal model → {MODEL_FILE}: {model}")
    if "cmrc" in wanted and cmrc_runner and squad:
        runners["cmrc"] = (cmrc_runner, sample_items(squad.items, cmrc_limit or None))
    model = RefusalModel.load()
    shipped = Settings(data_dir=Path("."))
    configs = [(f"try {t}", parse_overrides(t)) for t in tries] or configurations(
        shipped, "shipped" if mode == "shipped" else mode
    )
    configs += extra_configurations(shipped) if mode == "all" and ws.embedder is not None else []
    results = []
    for name, overrides in configs:
        say(f"[levers] measuring: {name}")
        scores = {dataset: runner.run(items, overrides, model) for dataset, (runner, items) in runners.items()}
        kept = {}
        if withheld and not overrides:  # the shipped configuration
            say("[levers] asking with the answering document withheld …")
            kept = {d: withheld_scores(r, items, overrides, model) for d, (r, items) in runners.items() if d != "cmrc"}
        results.append(LeverResult(name, scores, kept))
    return results


def index_squad(ws: Workspace, squad: SquadSet, say: Say) -> LeverRunner:
    folder = ws.scratch("squad")
    write_paragraphs(squad.paragraphs, folder)
    say("[levers] indexing CMRC 2018 paragraphs …")
    return LeverRunner(ws.index(corpus_files([folder]), **vectors()))


def calibration_items(squad: SquadSet, eval_limit: int) -> list[QAItem]:
    """CMRC questions the refusal threshold is checked on: a seeded sample outside the measured one."""
    measured = {item.id for item in sample_items(squad.items, eval_limit or None)}
    rest = [item for item in squad.items if item.id not in measured and item.answerable]
    return sample_items(rest, CALIBRATION_QUESTIONS)


def extra_configurations(shipped: Settings) -> list[tuple[str, dict[str, object]]]:
    """With a model loaded: the dense leg (the English fallback) against the static-vector leg."""
    return [
        ("shipped − English dense leg", {"dense_weight": 0.0}),
        ("shipped, static-vector leg instead of the English dense leg", {"dense_weight": 0.0, "static_weight": 0.2}),
    ]


def table(results: list[LeverResult]) -> str:
    return lever_table([row for r in results for row in lever_rows(r.name, r.scores)])


def withheld_text(results: list[LeverResult]) -> str:
    """One line per set: how the shipped configuration treats questions whose answering document is withheld."""
    lines = [
        f"- {dataset}: {w.questions} answerable questions asked with their document withheld: {w.refused:.1%} refused, "
        f"{w.doubtful:.1%} answered with the 仅供参考 notice, the rest answered from other documents"
        for r in results
        for dataset, w in r.withheld.items()
    ]
    return "\n".join(lines)


def as_json(results: list[LeverResult]) -> list[dict]:
    return [
        {"name": r.name, "scores": {k: asdict(v) for k, v in r.scores.items()}}
        | ({"withheld": {k: asdict(v) for k, v in r.withheld.items()}} if r.withheld else {})
        for r in results
    ]


def command(args: argparse.Namespace, say: Say) -> int:
    results = run(args, say)
    print(table(results))
    if args.withheld:
        print(withheld_text(results))
    if args.json:
        args.json.write_text(json.dumps(as_json(results), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0
