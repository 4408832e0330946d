#!/usr/bin/env bash
# Runs a command on a machine made busy in a reproducible way, then stops the load.
#
#   with-load.sh <kind> <n> [threads] -- <command ...>
#
# kinds:
#   quiet    no load (the same banner and settle time, for A-B scripts that loop over kinds)
#   spin     n busy-loop processes (pure CPU, no memory traffic); threads is ignored
#   torch    n TorchSharp training jobs: dotnet Ppl.Benchmarks.dll train-forever <threads>
#            (the VaeBenchmarks VAE through Ppl's SVI, batch 128, Adam; threads default 1)
#   pytorch  n plain PyTorch training jobs: /usr/bin/python3 benchmarks/reference/vae_step.py
#            --forever --threads <threads> (the same VAE step; OMP/OpenBLAS threads = threads;
#            PPL_BENCH_PYTHON names another interpreter)
#
# The load starts (the training kinds are waited for until every job is stepping), settles for
# WITH_LOAD_SETTLE seconds (default 2), then the command runs with this terminal's stdin and
# output, and its exit status is this script's. The load is always stopped: on normal exit, on
# Ctrl-C and on kill (TERM/HUP) every load process group gets TERM, then KILL after a second; on
# Ctrl-C/kill the command's own process tree is stopped too. Each load job runs in its own
# session (setsid), so its whole process group goes.
# Load output goes to per-job logs in a temporary folder, deleted at exit, unless WITH_LOAD_LOGS
# names a folder to keep them in. Messages from this script go to stderr.
#
# Examples (from the repository root, after dotnet build -c Release benchmarks/Ppl.Benchmarks):
#   benchmarks/load/with-load.sh spin 2 -- dotnet benchmarks/Ppl.Benchmarks/bin/Release/net10.0/Ppl.Benchmarks.dll quick Vae
#   benchmarks/load/with-load.sh torch 2 1 -- ../shared/anchors/side_by_side.sh "$PWD"
set -u

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

say() { echo "with-load: $*" >&2; }

[ $# -ge 3 ] || usage
kind=$1
n=$2
shift 2
threads=1
if [ "$1" != "--" ]; then
  threads=$1
  shift
fi
[ "${1:-}" = "--" ] || usage
shift
[ $# -ge 1 ] || usage
case "$n" in '' | *[!0-9]*) say "n must be a whole number, got '$n'"; exit 2 ;; esac
case "$threads" in '' | *[!0-9]* | 0) say "threads must be a positive whole number, got '$threads'"; exit 2 ;; esac
settle=${WITH_LOAD_SETTLE:-2}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dll="$root/benchmarks/Ppl.Benchmarks/bin/Release/net10.0/Ppl.Benchmarks.dll"
vae_step="$root/benchmarks/reference/vae_step.py"
python=${PPL_BENCH_PYTHON:-/usr/bin/python3}

case "$kind" in
  quiet) n=0 ;;
  spin) load=(sh -c 'while :; do :; done') ;;
  torch)
    if [ ! -f "$dll" ]; then
      say "$dll is missing; build it first: (cd $root && dotnet build -c Release benchmarks/Ppl.Benchmarks)"
      exit 2
    fi
    command -v dotnet >/dev/null || { say "dotnet is not on PATH"; exit 2; }
    load=(dotnet "$dll" train-forever "$threads")
    ;;
  pytorch)
    [ -x "$python" ] || { say "$python not found (Debian: apt-get install python3-torch; or set PPL_BENCH_PYTHON)"; exit 2; }
    load=(env "OMP_NUM_THREADS=$threads" "OPENBLAS_NUM_THREADS=$threads" "$python" "$vae_step" --forever --threads "$threads")
    ;;
  *) say "unknown kind '$kind' (quiet, spin, torch, pytorch)"; usage ;;
esac
command -v setsid >/dev/null || { say "setsid (util-linux) is needed"; exit 2; }

if [ -n "${WITH_LOAD_LOGS:-}" ]; then
  mkdir -p "$WITH_LOAD_LOGS" || exit 2
  logs=$WITH_LOAD_LOGS
  keep_logs=1
else
  logs=$(mktemp -d "${TMPDIR:-/tmp}/with-load.XXXXXX") || exit 2
  keep_logs=0
fi

groups=()  # process group ids of the load jobs (each its own session, so pgid = pid)
cmd_pid=""

# every descendant of a process, deepest last (found by parent id, not by name)
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

stop_load() {
  [ ${#groups[@]} -gt 0 ] || return 0
  local g alive
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ $alive = 1 ] || break
    sleep 0.1
  done
  for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
  wait 2>/dev/null
  groups=()
}

stop_command() {
  [ -n "$cmd_pid" ] || return 0
  local tree
  tree="$cmd_pid $(descendants "$cmd_pid")"
  # shellcheck disable=SC2086
  kill -TERM $tree 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$cmd_pid" 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $tree 2>/dev/null
  cmd_pid=""
}

cleanup() {
  stop_command
  stop_load
  [ $keep_logs = 1 ] || rm -rf "$logs"
}

on_signal() {
  say "$1: stopping the command and the load"
  trap - INT TERM HUP
  cleanup
  exit "$2"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

for ((i = 1; i <= n; i++)); do
  setsid "${load[@]}" </dev/null >"$logs/$kind-$i.log" 2>&1 &
  groups+=("$!")
done

died() {
  say "load job $1 ($kind, pid $2) died; the end of its log:"
  tail -n 20 "$logs/$kind-$1.log" >&2
  exit 1
}

if [ "$n" -gt 0 ]; then
  say "$n x $kind load started (threads $threads, pids ${groups[*]}, logs in $logs)"
else
  say "quiet: no load"
fi
# the training jobs print a line once set up; wait for that (up to 2 minutes) before settling
if [ "$kind" = torch ] || [ "$kind" = pytorch ]; then
  for ((i = 1; i <= n; i++)); do
    g=${groups[$((i - 1))]}
    for ((t = 0; t < 600; t++)); do
      kill -0 "$g" 2>/dev/null || died "$i" "$g"
      grep -q "kill the process to stop" "$logs/$kind-$i.log" 2>/dev/null && break
      sleep 0.2 &
      wait $!
    done
  done
  say "all $n training jobs are stepping"
fi
say "settling ${settle} s"
sleep "$settle" &
wait $!

for ((i = 1; i <= n; i++)); do
  g=${groups[$((i - 1))]}
  kill -0 "$g" 2>/dev/null || died "$i" "$g"
  # setsid made each job the leader of its own group, which is what stop_load kills
  pgid=$(ps -o pgid= -p "$g" | tr -d ' ')
  [ "$pgid" = "$g" ] || say "warning: load job $i (pid $g) is in process group $pgid, not its own"
done

# In the background (so signals reach the traps at once) but with this terminal's stdin.
"$@" <&0 &
cmd_pid=$!
wait "$cmd_pid"
status=$?
cmd_pid=""
if [ "$n" -gt 0 ]; then
  alive=0
  for g in "${groups[@]}"; do kill -0 "$g" 2>/dev/null && alive=$((alive + 1)); done
  [ "$alive" = "$n" ] || say "warning: only $alive of $n load jobs were still running when the command ended (see ${logs})"
fi
exit "$status"
