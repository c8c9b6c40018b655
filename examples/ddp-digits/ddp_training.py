"""The distributed training of the digits example: data, model, training loop and checkpoints.

train.py imports this module once the run's inputs are valid, because importing torch takes
seconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from run_inputs import Hyperparameters, InputError

try:
    from trainplane_reporter import Reporter
except ImportError:
    # In the repository the reporter is in examples/reporter. The image puts it on PYTHONPATH.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "reporter"))
    from trainplane_reporter import Reporter

logger = logging.getLogger("ddp-digits")


# The UCI handwritten digits: 1,797 images of 8x8 pixels with values 0 to 16, and a label
# from 0 to 9 in the last column.
PIXELS = 64
CLASSES = 10
MAX_PIXEL_VALUE = 16.0


def load_digits(path: Path, test_fraction: float, seed: int) -> tuple[TensorDataset, TensorDataset]:
    """Load the digits and split them into a training and a test set, the same on every rank."""
    table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    if table.ndim != 2 or table.shape[1] != PIXELS + 1:
        raise InputError(f"{path} does not contain {PIXELS} pixel columns and a label column")
    features = torch.from_numpy(table[:, :PIXELS] / MAX_PIXEL_VALUE)
    labels = torch.from_numpy(table[:, PIXELS].astype(np.int64))

    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(table)))
    test_size = round(len(table) * test_fraction)
    test, train = order[:test_size], order[test_size:]
    return (
        TensorDataset(features[train], labels[train]),
        TensorDataset(features[test], labels[test]),
    )


def build_model(hidden_size: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(PIXELS, hidden_size),
        nn.ReLU(),
        nn.Linear(hidden_size, hidden_size),
        nn.ReLU(),
        nn.Linear(hidden_size, CLASSES),
    )


class StopRequest:
    """Flag that SIGTERM or SIGINT sets, so training stops at the next step on every rank."""

    def __init__(self) -> None:
        self.signal_number: int | None = None
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._record)

    def _record(self, number: int, _frame: object) -> None:
        if self.signal_number is None:
            self.signal_number = number
            logger.warning("received %s; stopping after the current step",
                           signal.Signals(number).name)


def init_distributed(use_cuda: bool) -> tuple[str, torch.device]:
    """Join the process group and pick this process's device and the collective backend."""
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    backend = "nccl" if use_cuda else "gloo"
    if use_cuda:
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    else:
        device = torch.device("cpu")
        local_world_size = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
        # Processes that share a node share its cores.
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // local_world_size))

    if "WORLD_SIZE" in os.environ:
        dist.init_process_group(backend, init_method="env://")
    else:
        dist.init_process_group(backend, store=dist.HashStore(), rank=0, world_size=1)
    return backend, device


def evaluate(model: nn.Module, data: TensorDataset, device: torch.device) -> tuple[float, float]:
    """Compute the test loss and accuracy. Each rank scores its share, and the sums are reduced."""
    rank, world_size = dist.get_rank(), dist.get_world_size()
    features, labels = data.tensors
    mine = slice(rank, None, world_size)
    model.eval()
    with torch.no_grad():
        logits = model(features[mine].to(device))
        targets = labels[mine].to(device)
        loss_sum = nn.functional.cross_entropy(logits, targets, reduction="sum")
        correct = (logits.argmax(dim=1) == targets).sum()
    count = torch.tensor(float(len(targets)), device=device)
    totals = torch.stack([loss_sum, correct.float(), count])
    dist.all_reduce(totals)
    loss_total, correct_total, count = totals.tolist()
    return loss_total / count, correct_total / count


def save_checkpoint(directory: Path, state: dict[str, Any]) -> Path:
    """Write the checkpoint atomically, so a stop while writing leaves the previous one intact."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "model.pt"
    partial = directory / "model.pt.partial"
    torch.save(state, partial)
    os.replace(partial, path)
    return path


def checkpoint_state(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    hyperparameters: Hyperparameters,
    epochs_completed: int,
    step: int,
    world_size: int,
) -> dict[str, Any]:
    return {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epochs_completed": epochs_completed,
        "step": step,
        "hyperparameters": asdict(hyperparameters),
        "world_size": world_size,
    }


def write_parameter_digest(directory: Path, model: nn.Module) -> None:
    """Write this rank's SHA-256 of its parameters, so a test can check that all ranks agree."""
    digest = hashlib.sha256()
    total = 0.0
    for parameter in model.parameters():
        values = parameter.detach().to("cpu", torch.float32).contiguous()
        digest.update(values.numpy().tobytes())
        total += float(values.sum())
    directory.mkdir(parents=True, exist_ok=True)
    rank = dist.get_rank()
    record = {"rank": rank, "sha256": digest.hexdigest(), "sum": total}
    (directory / f"rank-{rank}.json").write_text(json.dumps(record) + "\n")


def train_epoch(
    ddp_model: nn.Module,
    loader: DataLoader,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    reporter: Reporter,
    stop: StopRequest,
    step: int,
) -> tuple[torch.Tensor, int, bool]:
    """Train one pass over this rank's share of the data, reporting the loss at every step.

    Returns the epoch's summed loss, correct predictions and examples over all ranks, the last
    step, and whether a stop signal ended the epoch early.
    """
    ddp_model.train()
    epoch_totals = torch.zeros(3, device=device)
    for features, labels in loader:
        features, labels = features.to(device), labels.to(device)
        optimizer.zero_grad()
        logits = ddp_model(features)
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        step += 1

        # One all-reduce carries the step's loss for the report and every rank's stop flag,
        # so all ranks leave the loop at the same step and no collective is left waiting.
        step_totals = torch.stack([
            loss.detach() * len(labels),
            (logits.argmax(dim=1) == labels).sum().float(),
            torch.tensor(float(len(labels)), device=device),
            torch.tensor(float(stop.signal_number is not None), device=device),
        ])
        dist.all_reduce(step_totals)
        epoch_totals += step_totals[:3]
        reporter.log_metric("train/loss", float(step_totals[0] / step_totals[2]), step)
        if step_totals[3] > 0:
            return epoch_totals, step, True
    return epoch_totals, step, False


def train(
    hyperparameters: Hyperparameters,
    train_set: TensorDataset,
    test_set: TensorDataset,
    gpus_per_node: int,
    stop: StopRequest,
) -> int:
    """Train the model, report its metrics and results, and return the exit status."""
    use_cuda = gpus_per_node > 0 and torch.cuda.is_available()
    backend, device = init_distributed(use_cuda)
    rank, world_size = dist.get_rank(), dist.get_world_size()
    started = time.monotonic()

    sampler = DistributedSampler(train_set, shuffle=True, seed=hyperparameters.seed)
    loader = DataLoader(train_set, batch_size=hyperparameters.batch_size, sampler=sampler)

    torch.manual_seed(hyperparameters.seed)
    model = build_model(hyperparameters.hidden_size).to(device)
    ddp_model = DistributedDataParallel(model, device_ids=[device.index] if use_cuda else None)
    optimizer = torch.optim.SGD(
        ddp_model.parameters(), lr=hyperparameters.lr, momentum=hyperparameters.momentum
    )
    checkpoint_dir = Path(
        os.environ.get("CHECKPOINT_DIR") or Path("checkpoints", os.environ.get("RUN_ID", "local"))
    )
    reporter = Reporter.from_environment(rank=rank)
    logger.info(
        "training backend=%s world_size=%d train_samples=%d test_samples=%d hyperparameters=%s",
        backend, world_size, len(train_set), len(test_set), json.dumps(asdict(hyperparameters)),
    )

    step = 0
    epochs_completed = 0
    train_loss = test_loss = test_accuracy = math.nan
    stopped = False
    for epoch in range(hyperparameters.epochs):
        sampler.set_epoch(epoch)
        epoch_totals, step, stopped = train_epoch(
            ddp_model, loader, optimizer, device, reporter, stop, step
        )
        if stopped:
            break
        epochs_completed = epoch + 1
        loss_sum, correct, count = epoch_totals.tolist()
        train_loss = loss_sum / count
        test_loss, test_accuracy = evaluate(ddp_model, test_set, device)
        reporter.log_metrics(
            {
                "epoch": epochs_completed,
                "train/accuracy": correct / count,
                "test/loss": test_loss,
                "test/accuracy": test_accuracy,
            },
            step,
        )
        if rank == 0:
            logger.info(
                "epoch %d/%d step=%d train_loss=%.4f test_loss=%.4f test_accuracy=%.4f",
                epochs_completed, hyperparameters.epochs, step, train_loss, test_loss,
                test_accuracy,
            )
            save_checkpoint(checkpoint_dir, checkpoint_state(
                model, optimizer, hyperparameters, epochs_completed, step, world_size
            ))

    if stopped and rank == 0:
        save_checkpoint(checkpoint_dir, checkpoint_state(
            model, optimizer, hyperparameters, epochs_completed, step, world_size
        ))

    digest_dir = os.environ.get("PARAMETER_DIGEST_DIR")
    if digest_dir:
        write_parameter_digest(Path(digest_dir), model)

    if stopped:
        logger.warning("stopped at step %d after %d complete epochs", step, epochs_completed)
        reporter.close(timeout=10)
        dist.destroy_process_group()
        return 128 + (stop.signal_number or signal.SIGTERM)

    if rank == 0:
        reporter.set_results({
            "test_accuracy": test_accuracy,
            "test_loss": test_loss,
            "train_loss": train_loss,
            "epochs": epochs_completed,
            "steps": step,
            "world_size": world_size,
            "backend": backend,
            "duration_seconds": round(time.monotonic() - started, 3),
            "checkpoint": str(checkpoint_dir / "model.pt"),
        })
    reporter.close()
    dist.destroy_process_group()
    return 0
