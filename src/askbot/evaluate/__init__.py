"""Batch evaluation: question sets (askbot JSON Lines, SQuAD, BEIR), metrics and reports."""

from askbot.evaluate.command import run_eval
from askbot.evaluate.loaders import load
from askbot.evaluate.metrics import normalize_answer, squad_scores, summarize
from askbot.evaluate.questions import EvalReport, Outcome, Question, QuestionSet
from askbot.evaluate.report import build_report, write_report
from askbot.evaluate.runner import ask_all, open_dataset_bot

__all__ = [
    "EvalReport",
    "Outcome",
    "Question",
    "QuestionSet",
    "ask_all",
    "build_report",
    "load",
    "normalize_answer",
    "open_dataset_bot",
    "run_eval",
    "squad_scores",
    "summarize",
    "write_report",
]
