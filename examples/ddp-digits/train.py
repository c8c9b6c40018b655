"""Train a classifier of handwritten digits with PyTorch DistributedDataParallel.

Start it through docker/trainer/entrypoint.sh, which sets MASTER_ADDR, MASTER_PORT, WORLD_SIZE,
RANK and LOCAL_RANK for every process. Without them it trains as a single process. The
README.md beside this file lists the hyperparameters, the variables it reads and what it writes.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from run_inputs import (
    EXIT_INVALID_INPUT,
    InputError,
    find_digits_file,
    parse_gpus_per_node,
    parse_hyperparameters,
)

logger = logging.getLogger("ddp-digits")


def main() -> int:
    # torch logs many lines at INFO, so only this program and the reporter log below WARNING.
    rank = os.environ.get("RANK", "0")
    logging.basicConfig(
        level=logging.WARNING,
        format=f"%(asctime)s rank={rank} %(levelname)s %(name)s: %(message)s",
    )
    logging.Formatter.converter = time.gmtime
    for name in (logger.name, "trainplane"):
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        hyperparameters = parse_hyperparameters(os.environ.get("RUN_HYPERPARAMETERS"))
        gpus_per_node = parse_gpus_per_node(os.environ.get("RUN_GPUS_PER_NODE"))
        data_path = find_digits_file()
    except InputError as error:
        logger.error("%s", error)
        return EXIT_INVALID_INPUT

    # Imported only now, so invalid input fails before the seconds that importing torch takes.
    from ddp_training import StopRequest, load_digits, train

    stop = StopRequest()
    try:
        train_set, test_set = load_digits(
            data_path, hyperparameters.test_fraction, hyperparameters.seed
        )
    except InputError as error:
        logger.error("%s", error)
        return EXIT_INVALID_INPUT
    return train(hyperparameters, train_set, test_set, gpus_per_node, stop)


if __name__ == "__main__":
    sys.exit(main())
