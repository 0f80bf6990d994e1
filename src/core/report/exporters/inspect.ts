/**
 * An Inspect (inspect_ai) task asking a scenario's turns: a JSONL dataset (one sample per turn, its
 * `input` the chat messages, `metadata.answer` what an answer may be) and a task file that reads it,
 * generates, and scores whether the answer is one the engine accepts (and, where a `when` rule decides,
 * `metadata.decided`). Every string in the Python file is a JSON string literal, which Python reads as
 * the same string.
 */
import type { Scenario } from '../../scenario/model';
import type { ExportTurn } from './turns';

/** One JSON line per turn. */
export function inspectDataset(turns: readonly ExportTurn[]): string {
  return turns
    .map((t) => JSON.stringify({
      id: t.id,
      input: t.messages,
      target: t.decided?.choice ?? (t.answer.kind === 'choice' ? t.answer.allowed : ''),
      metadata: { variant: t.variant, persona: t.persona, step: t.step, ...(t.value ? { value: t.value } : {}), answer: t.answer, ...(t.decided ? { decided: t.decided.choice, because: t.decided.because } : {}) },
    }))
    .map((l) => `${l}\n`)
    .join('');
}

/** A Python identifier for the task function from the scenario id. */
export function taskName(id: string): string {
  const n = id.replace(/[^A-Za-z0-9_]/g, '_');
  return `dilemma_${n}`;
}

/** A Python string literal (a JSON string is one, escapes included). */
const py = (s: string): string => JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function inspectTask(scenario: Scenario, datasetFile: string, source: string): string {
  return `"""Inspect task exported by dilemma export --to inspect: the turns dilemma run asks, each standing alone.

Run: inspect eval ${taskName(scenario.id)}.py --model <provider/model>
"""
import json
import re
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import CORRECT, INCORRECT, Score, accuracy, scorer
from inspect_ai.solver import generate

SCENARIO = ${py(scenario.id)}
SOURCE = ${py(source)}
DATASET = ${py(datasetFile)}


def _answer(text):
    text = text.strip()
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and "answer" in parsed:
            return str(parsed["answer"]).strip()
    except ValueError:
        pass
    return text


@scorer(metrics=[accuracy()])
def dilemma_answer():
    """Correct when the answer is one the engine accepts and, where a rule decides, the rule's choice."""

    async def score(state, target):
        spec = state.metadata["answer"]
        got = _answer(state.output.completion)
        if spec["kind"] == "choice":
            ok = got in spec["allowed"]
        elif spec["kind"] == "scale":
            ok = re.fullmatch(r"-?\\d+", got) is not None and spec["min"] <= int(got) <= spec["max"]
        else:
            ok = len(got) > 0
        decided = state.metadata.get("decided")
        if ok and decided is not None:
            ok = got == decided
        return Score(value=CORRECT if ok else INCORRECT, answer=got)

    return score


@task
def ${taskName(scenario.id)}():
    return Task(
        dataset=json_dataset(str(Path(__file__).parent / DATASET)),
        solver=[generate()],
        scorer=dilemma_answer(),
    )
`;
}
