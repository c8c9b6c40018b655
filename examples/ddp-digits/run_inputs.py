"""Read the inputs of a digits run: its hyperparameters and the location of the data.

The module imports no torch, so its checks run, and can be tested, without it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_INVALID_INPUT = 2

# scikit-learn ships the UCI handwritten digits in its package data, and so does Debian's
# python3-sklearn.
DIGITS_RELATIVE_PATH = Path("datasets", "data", "digits.csv.gz")


class InputError(Exception):
    """Invalid hyperparameters or a missing data file: the run cannot start."""


@dataclass(frozen=True)
class Hyperparameters:
    """Training settings. The defaults apply to every one the run does not set."""

    epochs: int = 10
    lr: float = 0.05
    momentum: float = 0.9
    batch_size: int = 32
    hidden_size: int = 64
    seed: int = 0
    test_fraction: float = 0.2


# Each hyperparameter's type and its valid range, both ends included.
HYPERPARAMETER_RANGES: dict[str, tuple[type, float, float]] = {
    "epochs": (int, 1, 10_000),
    "lr": (float, 1e-6, 10.0),
    "momentum": (float, 0.0, 0.999),
    "batch_size": (int, 1, 4096),
    "hidden_size": (int, 1, 4096),
    "seed": (int, 0, 2**31 - 1),
    "test_fraction": (float, 0.05, 0.5),
}


def parse_hyperparameters(text: str | None) -> Hyperparameters:
    """Parse RUN_HYPERPARAMETERS, a JSON object. Values may be numbers or numeric strings,
    because the run spec allows strings, numbers and booleans."""
    if not text:
        return Hyperparameters()
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"RUN_HYPERPARAMETERS is not valid JSON: {error}") from error
    if not isinstance(parsed, dict):
        raise InputError("RUN_HYPERPARAMETERS must be a JSON object")

    values: dict[str, Any] = {}
    for name, raw in parsed.items():
        if name not in HYPERPARAMETER_RANGES:
            known = ", ".join(HYPERPARAMETER_RANGES)
            raise InputError(f"unknown hyperparameter {name!r}; this example accepts {known}")
        kind, low, high = HYPERPARAMETER_RANGES[name]
        values[name] = _convert(name, raw, kind, low, high)
    return Hyperparameters(**values)


def _convert(name: str, raw: Any, kind: type, low: float, high: float) -> int | float:
    expected = "an integer" if kind is int else "a number"
    invalid = InputError(
        f"hyperparameter {name} is invalid: {raw!r}; expected {expected} from {low} to {high}"
    )
    if isinstance(raw, bool):
        raise invalid
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise invalid from None
    if not math.isfinite(number) or (kind is int and not number.is_integer()):
        raise invalid
    if not low <= number <= high:
        raise invalid
    return int(number) if kind is int else number


def parse_gpus_per_node(text: str | None) -> int:
    """Parse RUN_GPUS_PER_NODE; unset means 0, a CPU run."""
    if not text:
        return 0
    if not text.isdigit():
        raise InputError(f"RUN_GPUS_PER_NODE is invalid: {text!r}; expected an integer from 0")
    return int(text)


def find_digits_file() -> Path:
    """Locate the digits data: DIGITS_CSV when set, else the copy inside scikit-learn."""
    override = os.environ.get("DIGITS_CSV")
    if override:
        path = Path(override)
        if not path.is_file():
            raise InputError(
                f"DIGITS_CSV file not found: {override}; set it to a copy of digits.csv.gz"
            )
        return path

    # find_spec locates the package without importing it, so scikit-learn need not work here.
    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / DIGITS_RELATIVE_PATH
        if path.is_file():
            return path
    raise InputError(
        "the UCI digits data was not found; install Debian's python3-sklearn or scikit-learn, "
        "or set DIGITS_CSV to a copy of digits.csv.gz"
    )
