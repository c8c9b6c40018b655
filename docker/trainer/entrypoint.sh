#!/usr/bin/env bash
# Entrypoint of the trainer image, which starts the training command on one node of an AWS Batch
# multi-node parallel job. It turns the Batch variables into a torch.distributed rendezvous
# (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK) and waits for the main node. Then it
# launches one process per GPU (one per node on CPU), forwards stop signals and exits with the
# training's status. docs/trainer.md lists every variable it reads and every exit status.
#
# Usage: entrypoint.sh COMMAND [ARGUMENT...]
set -euo pipefail

# Exit statuses of the entrypoint itself, from sysexits.h.
readonly EXIT_USAGE=64
readonly EXIT_MAIN_UNREACHABLE=69
readonly EXIT_CONFIGURATION=78

# AWS Batch sends SIGKILL 30 s after SIGTERM on TerminateJob and on a timeout (AWS Batch user
# guide, "Job timeouts"), so the default grace leaves time to report a forced stop before that.
readonly DEFAULT_STOP_GRACE_SECONDS=25
readonly DEFAULT_RENDEZVOUS_TIMEOUT_SECONDS=300

# The run spec allows at most 16 GPUs a node.
readonly MAX_GPUS_PER_NODE=16

# NCCL excludes interfaces whose names start with a listed prefix when the list starts with `^`
# (NCCL documentation, "Environment Variables", NCCL_SOCKET_IFNAME). On Batch multi-node jobs
# NCCL can otherwise pick the loopback, a docker bridge or the ECS link-local interface
# (`ecs-eth0`), which other nodes cannot reach.
readonly DEFAULT_NCCL_SOCKET_IFNAME='^lo,docker,ecs'

log() {
  printf 'trainer-entrypoint: %s\n' "$*" >&2
}

fail() {
  local status=$1
  shift
  log "error: $*"
  exit "$status"
}

# Fails unless the variable named $1 is set to an integer from $2 to $3. $4 names what sets the
# variable, for the message when it is missing.
require_integer() {
  local name=$1 min=$2 max=$3 source=${4:-}
  if [[ -z ${!name+set} ]]; then
    fail "$EXIT_CONFIGURATION" "$name is not set; $source"
  fi
  local value=${!name}
  if [[ ! $value =~ ^[0-9]{1,9}$ ]] || ((10#$value < min || 10#$value > max)); then
    fail "$EXIT_CONFIGURATION" "$name is invalid: '$value'; expected an integer from $min to $max"
  fi
}

# Fails unless the variable named $1 is a positive integer, using $2 when it is unset.
optional_seconds() {
  local name=$1 default=$2
  if [[ -z ${!name:-} ]]; then
    printf -v "$name" '%s' "$default"
  fi
  require_integer "$name" 1 999999
}

# Fails unless $2, the value of the variable or source named $1, looks like an address.
require_address() {
  local source=$1 address=$2
  if [[ ! $address =~ ^[A-Za-z0-9._:-]{1,253}$ ]]; then
    fail "$EXIT_CONFIGURATION" "$source is not a valid address: '$address'"
  fi
}

# Prints this node's private address: the first IPv4 address of `hostname -I` that is not
# link-local, else its first address. Batch sets the main node's address on child nodes only
# (AWS Batch user guide, "Environment variables" of multi-node parallel jobs), so the main node
# finds its own. Link-local addresses (169.254.0.0/16) belong to the ECS agent's interface.
# NOTE: `hostname -I` lists addresses in no documented order, so on a node with several network
# interfaces (EFA, for one) set TRAINER_NODE_ADDRESS to the address Batch gives child nodes.
own_private_address() {
  local addresses first='' address
  addresses=$(hostname -I 2>/dev/null) || return 1
  for address in $addresses; do
    if [[ $address =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ && $address != 169.254.* ]]; then
      printf '%s\n' "$address"
      return 0
    fi
    first=${first:-$address}
  done
  [[ -n $first ]] || return 1
  printf '%s\n' "$first"
}

is_loopback() {
  [[ $1 == 127.* || $1 == localhost || $1 == ::1 ]]
}

# Succeeds when a TCP connection to address $1, port $2 opens within 3 seconds. bash opens the
# connection itself through /dev/tcp, so the image needs no extra tool for it.
port_open() {
  # shellcheck disable=SC2016 # the inner bash expands its own arguments $1 and $2
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$1" "$2" 2>/dev/null
}

wait_for_main_node() {
  local address=$1 port=$2 timeout_seconds=$3
  local deadline=$((SECONDS + timeout_seconds))

  log "waiting for the main node's rendezvous port address=$address port=$port" \
    "timeout_seconds=$timeout_seconds"
  until port_open "$address" "$port"; do
    if ((SECONDS >= deadline)); then
      fail "$EXIT_MAIN_UNREACHABLE" "the main node's rendezvous port $address:$port did not open" \
        "within $timeout_seconds s; check that the main node started and that this node can" \
        "reach it on port $port (security group), or raise TRAINER_RENDEZVOUS_TIMEOUT_SECONDS"
    fi
    sleep 1
  done
  log "main node reachable address=$address port=$port"
}

signal_number() {
  case $1 in
    HUP) echo 1 ;;
    INT) echo 2 ;;
    TERM) echo 15 ;;
  esac
}

# State of the supervised processes, shared with the signal handlers.
child_pids=()
stop_signal=''
watchdog_pid=''

# Sends signal $1 to every child's process group, and SIGKILL once the grace period has passed.
stop_children() {
  local name=$1 pid
  for pid in "${child_pids[@]}"; do
    kill -"$name" -- "-$pid" 2>/dev/null || true
  done
  if [[ -z $watchdog_pid && ${#child_pids[@]} -gt 0 ]]; then
    (
      sleep "$TRAINER_STOP_GRACE_SECONDS"
      log "training processes did not stop within $TRAINER_STOP_GRACE_SECONDS s; killing them"
      for pid in "${child_pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
      done
    ) &
    watchdog_pid=$!
  fi
}

# shellcheck disable=SC2317 # called from the traps that supervise installs
on_stop_signal() {
  local name=$1
  if [[ -z $stop_signal ]]; then
    stop_signal=$name
    log "received SIG$name; forwarding it to the training processes" \
      "grace_seconds=$TRAINER_STOP_GRACE_SECONDS"
    stop_children "$name"
  fi
}

# Ends the watchdog when the entrypoint exits, since the children it would kill are gone.
# shellcheck disable=SC2317 # called from the EXIT trap
end_watchdog() {
  if [[ -n $watchdog_pid && $watchdog_pid != finished ]]; then
    kill -- "-$watchdog_pid" 2>/dev/null || true
  fi
}

# Starts the command given as arguments once for each local rank, with the rank variables set.
start_processes() {
  local node_rank=$1 processes_per_node=$2 local_rank
  shift 2
  for ((local_rank = 0; local_rank < processes_per_node; local_rank++)); do
    RANK=$((node_rank * processes_per_node + local_rank)) LOCAL_RANK=$local_rank "$@" &
    child_pids+=("$!")
  done
}

# Waits for every child. A child that fails stops the others. Exits with the first failure's
# status, with 128 + the signal's number after a stop signal, or with 0 when all succeeded.
supervise() {
  local first_failure=0 remaining=${#child_pids[@]} finished_pid status

  while ((remaining > 0)); do
    finished_pid=''
    if wait -n -p finished_pid; then status=0; else status=$?; fi

    # wait returns early, with no process id, when a trapped signal arrives.
    [[ -n ${finished_pid:-} ]] || continue

    if [[ $finished_pid == "$watchdog_pid" ]]; then
      watchdog_pid='finished'
      continue
    fi

    remaining=$((remaining - 1))
    if ((status != 0 && first_failure == 0)); then
      first_failure=$status
      if [[ -z $stop_signal ]]; then
        log "a training process failed pid=$finished_pid exit_status=$status; stopping the others"
        stop_children TERM
      fi
    fi
  done

  if [[ -n $stop_signal ]]; then
    exit $((128 + $(signal_number "$stop_signal")))
  fi
  exit "$first_failure"
}

main() {
  if (($# == 0)); then
    fail "$EXIT_USAGE" "no command given; usage: entrypoint.sh COMMAND [ARGUMENT...]"
  fi

  # The command may start this entrypoint again, for example when the same job command runs
  # both in the image (where the entrypoint is the image's ENTRYPOINT) and under batch-local
  # (where it is part of the command). The inner copy then runs the command as it is.
  if [[ -n ${TRAINER_ENTRYPOINT_ACTIVE:-} ]]; then
    exec "$@"
  fi

  # Until the training starts, a stop signal simply ends the entrypoint.
  trap 'log "received SIGTERM before the training started"; exit 143' TERM
  trap 'log "received SIGINT before the training started"; exit 130' INT
  trap 'log "received SIGHUP before the training started"; exit 129' HUP

  local from_batch='AWS Batch sets it on every node of a multi-node parallel job'
  local from_worker="the platform's worker sets it when it submits the run"
  require_integer AWS_BATCH_JOB_NUM_NODES 1 999999999 "$from_batch"
  local num_nodes=$((10#$AWS_BATCH_JOB_NUM_NODES))
  require_integer AWS_BATCH_JOB_NODE_INDEX 0 $((num_nodes - 1)) "$from_batch"
  require_integer AWS_BATCH_JOB_MAIN_NODE_INDEX 0 $((num_nodes - 1)) "$from_batch"
  require_integer RUN_GPUS_PER_NODE 0 "$MAX_GPUS_PER_NODE" "$from_worker"
  require_integer MASTER_PORT 1 65535 "$from_worker"
  optional_seconds TRAINER_RENDEZVOUS_TIMEOUT_SECONDS "$DEFAULT_RENDEZVOUS_TIMEOUT_SECONDS"
  optional_seconds TRAINER_STOP_GRACE_SECONDS "$DEFAULT_STOP_GRACE_SECONDS"

  local node_index=$((10#$AWS_BATCH_JOB_NODE_INDEX))
  local main_index=$((10#$AWS_BATCH_JOB_MAIN_NODE_INDEX))
  local gpus=$((10#$RUN_GPUS_PER_NODE))
  local port=$((10#$MASTER_PORT))

  # torch.distributed expects the process of rank 0 at MASTER_ADDR, so node ranks count from
  # the main node, whichever Batch index it has.
  local node_rank=$(((node_index - main_index + num_nodes) % num_nodes))
  local processes_per_node=$((gpus > 0 ? gpus : 1))
  local world_size=$((num_nodes * processes_per_node))

  local main_address
  if ((node_rank == 0)); then
    if [[ -n ${TRAINER_NODE_ADDRESS:-} ]]; then
      main_address=$TRAINER_NODE_ADDRESS
      require_address TRAINER_NODE_ADDRESS "$main_address"
    elif ((num_nodes == 1)); then
      main_address=127.0.0.1
    elif main_address=$(own_private_address); then
      require_address 'the output of hostname -I' "$main_address"
    else
      fail "$EXIT_CONFIGURATION" "cannot find this main node's private address:" \
        "\`hostname -I\` printed none; set TRAINER_NODE_ADDRESS to it"
    fi
  else
    if [[ -z ${AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS:-} ]]; then
      fail "$EXIT_CONFIGURATION" "AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS is not set;" \
        "AWS Batch sets it on every child node of a multi-node parallel job"
    fi
    main_address=$AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS
    require_address AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS "$main_address"
  fi

  # When the main node is on the loopback, every node shares this host, so the collective
  # libraries must use the loopback as well.
  if is_loopback "$main_address"; then
    export NCCL_SOCKET_IFNAME=${NCCL_SOCKET_IFNAME:-lo}
    export GLOO_SOCKET_IFNAME=${GLOO_SOCKET_IFNAME:-lo}
  else
    export NCCL_SOCKET_IFNAME=${NCCL_SOCKET_IFNAME:-$DEFAULT_NCCL_SOCKET_IFNAME}
  fi

  local launcher=${TRAINER_LAUNCHER:-auto}
  local torchrun=${TRAINER_TORCHRUN:-torchrun}
  case $launcher in
    auto)
      # One process a node needs no launcher, and Debian's torchrun (PyTorch 1.13) fails on
      # Python 3.11, where Debian's python3-torch runs.
      if ((processes_per_node > 1)) && command -v "$torchrun" >/dev/null 2>&1; then
        launcher=torchrun
      else
        launcher=processes
      fi
      ;;
    torchrun)
      command -v "$torchrun" >/dev/null 2>&1 ||
        fail "$EXIT_CONFIGURATION" "TRAINER_LAUNCHER is torchrun but '$torchrun' was not found;" \
          "install PyTorch's torchrun or set TRAINER_TORCHRUN to its path"
      ;;
    processes) ;;
    *)
      fail "$EXIT_CONFIGURATION" "TRAINER_LAUNCHER is invalid: '$launcher';" \
        "expected auto, torchrun or processes"
      ;;
  esac

  log "starting node_rank=$node_rank nodes=$num_nodes processes_per_node=$processes_per_node" \
    "world_size=$world_size main_address=$main_address port=$port launcher=$launcher" \
    "nccl_socket_ifname=$NCCL_SOCKET_IFNAME"

  if ((node_rank != 0)); then
    wait_for_main_node "$main_address" "$port" "$TRAINER_RENDEZVOUS_TIMEOUT_SECONDS"
  fi

  export TRAINER_ENTRYPOINT_ACTIVE=1
  export MASTER_ADDR=$main_address
  export MASTER_PORT=$port
  export WORLD_SIZE=$world_size

  # Job control gives each child its own process group, so a stop reaches each child's whole
  # process tree. Without it, bash would also start background children with SIGINT ignored.
  set -m
  trap end_watchdog EXIT
  trap 'on_stop_signal TERM' TERM
  trap 'on_stop_signal INT' INT
  trap 'on_stop_signal HUP' HUP

  if [[ $launcher == torchrun ]]; then
    # torchrun 1.13 accepts only the underscore spellings, and 2.x accepts them too.
    # NOTE: the tests run a stand-in torchrun; the image's torchrun (PyTorch 2.5.1) never ran here.
    "$torchrun" --nnodes="$num_nodes" --node_rank="$node_rank" \
      --nproc_per_node="$processes_per_node" --master_addr="$main_address" \
      --master_port="$port" --max_restarts=0 --no_python "$@" &
    child_pids+=("$!")
  else
    export LOCAL_WORLD_SIZE=$processes_per_node
    export GROUP_RANK=$node_rank
    start_processes "$node_rank" "$processes_per_node" "$@"
  fi

  # A stop signal that arrived while the children were starting reaches them all now.
  if [[ -n $stop_signal ]]; then
    stop_children "$stop_signal"
  fi

  supervise
}

main "$@"
