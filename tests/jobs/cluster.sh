# shellcheck shell=bash
# A private single-node Slurm cluster in a temporary directory, for the tests of jobs/.
# Sourced by tests/jobs/jobs.sh (bash). Needs root (slurmd starts jobs as their user).
#
#   cluster_start      installs slurm-wlm and munge with apt-get if missing (says so), then
#                      starts munged, slurmctld and slurmd with every file (key, sockets, pid
#                      files, state, spool, logs, slurm.conf) under $cluster_dir, on free TCP
#                      ports, and exports SLURM_CONF. Waits until the node is idle.
#                      Anything that prevents this (no root, no package, a daemon that does
#                      not start) prints "SKIP: reason" and exits 77, meson's skip code.
#   cluster_stop       cancels the jobs, stops the daemons it started (by their pid files)
#                      and removes $cluster_dir (kept if HPCAST_KEEP_CLUSTER_DIR is set, to
#                      read the logs). cluster_start installs it as an EXIT trap.
#   job_field J F      field F of job J from `scontrol show job` (first record)
#   wait_job J SECS    wait until job J ends (echoes its JobState); a job requeued after a
#                      checkpoint is released from Slurm's requeue delay (BeginTime, about
#                      2 minutes) so that the test does not sit idle. Returns 1 on timeout.

skip() {
  echo "SKIP: $*"
  exit 77
}

cluster_log_tail() {
  local f
  for f in "$cluster_dir"/log/*.log; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
  done
  return 0
}

# A TCP port nobody listens on, from the range 20000-59999.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && [ "$p" != "${1:-}" ] && { echo "$p"; return; }
  done
}

# kill_pidfile FILE: TERM the process whose pid FILE holds, KILL it after 10 s.
kill_pidfile() {
  local pid i
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cluster_stop() {
  local i
  [ -n "${cluster_dir:-}" ] && [ -d "$cluster_dir" ] || return 0
  if [ -s "$cluster_dir/slurmctld.pid" ]; then
    scancel --quiet --user="$(id -un)" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      [ -z "$(squeue -h -t running,completing 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  kill_pidfile "$cluster_dir/slurmd.pid"
  kill_pidfile "$cluster_dir/slurmctld.pid"
  kill_pidfile "$cluster_dir/munge/munged.pid"
  if [ -n "${HPCAST_KEEP_CLUSTER_DIR:-}" ]; then
    echo "cluster: kept $cluster_dir (logs in log/, jobs in work/)"
  else
    rm -rf "$cluster_dir"
  fi
}

install_slurm() {
  local missing=() c
  for c in munged slurmctld slurmd sbatch scontrol; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || skip "no ${missing[*]} and no apt-get to install slurm-wlm and munge"
  echo "cluster: ${missing[*]} missing: installing slurm-wlm munge (apt-get install -y)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q slurm-wlm munge >"$cluster_dir/apt.log" 2>&1; then
    apt-get update -q >>"$cluster_dir/apt.log" 2>&1 || true
    apt-get install -y -q slurm-wlm munge >>"$cluster_dir/apt.log" 2>&1 ||
      skip "apt-get install slurm-wlm munge failed: $(tail -n 3 "$cluster_dir/apt.log")"
  fi
}

cluster_start() {
  local host mem ctld_port d_port i state
  [ "$(id -u)" -eq 0 ] || skip "a private Slurm cluster needs root (slurmd runs jobs as their user)"
  # Jobs of an outer Slurm (the tests run inside an allocation) must not leak in.
  for i in $(compgen -e | grep -E '^(SLURM|SBATCH|SRUN|SALLOC)_'); do unset "$i"; done
  cluster_dir=$(mktemp -d /tmp/hpcast-slurm.XXXXXX)
  trap cluster_stop EXIT
  # munged wants every directory on the socket's path searchable by all, and the key
  # and its directory not accessible to others.
  chmod 711 "$cluster_dir"
  mkdir -m 700 "$cluster_dir/munge"
  mkdir "$cluster_dir/state" "$cluster_dir/spool" "$cluster_dir/log"
  install_slurm

  head -c 1024 /dev/urandom >"$cluster_dir/munge/munge.key"
  chmod 400 "$cluster_dir/munge/munge.key"
  chmod 711 "$cluster_dir/munge"
  munged --socket="$cluster_dir/munge/munge.sock" --key-file="$cluster_dir/munge/munge.key" \
    --pid-file="$cluster_dir/munge/munged.pid" --log-file="$cluster_dir/log/munged.log" \
    --seed-file="$cluster_dir/munge/munged.seed" >"$cluster_dir/log/munged.out" 2>&1 ||
    skip "munged does not start: $(cat "$cluster_dir/log/munged.out")"

  host=$(hostname -s)
  mem=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
  ctld_port=$(free_port)
  d_port=$(free_port "$ctld_port")
  cat >"$cluster_dir/slurm.conf" <<EOF
# private test cluster of hpcast tests/jobs (generated)
ClusterName=hpcasttest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$cluster_dir/munge/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$cluster_dir/state
SlurmdSpoolDir=$cluster_dir/spool
SlurmctldPidFile=$cluster_dir/slurmctld.pid
SlurmdPidFile=$cluster_dir/slurmd.pid
SlurmctldLogFile=$cluster_dir/log/slurmctld.log
SlurmdLogFile=$cluster_dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$cluster_dir/slurm.conf
  slurmctld >"$cluster_dir/log/slurmctld.out" 2>&1 ||
    skip "slurmctld does not start: $(cat "$cluster_dir/log/slurmctld.out"; cluster_log_tail)"
  slurmd >"$cluster_dir/log/slurmd.out" 2>&1 ||
    skip "slurmd does not start: $(cat "$cluster_dir/log/slurmd.out"; cluster_log_tail)"
  for ((i = 0; i < 60; i++)); do
    state=$(sinfo -h -N -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
  done
  [ "$state" = idle ] || skip "the node of the private cluster is not idle after 30 s (state '${state}'): $(cluster_log_tail)"
  echo "cluster: slurm $(sinfo -V | awk '{ print $2 }') up in $cluster_dir (node $host, $(nproc) CPUs, ports $ctld_port/$d_port)"
}

job_field() {
  scontrol show job "$1" 2>/dev/null | grep -o "\b$2=[^ ]*" | head -n 1 | cut -d= -f2-
}

wait_job() {
  local j=$1 secs=$2 t0=$SECONDS state
  while ((SECONDS - t0 < secs)); do
    state=$(job_field "$j" JobState)
    case $state in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
      echo "$state"
      return 0
      ;;
    PENDING)
      # release Slurm's requeue hold early, but only once the node has finished cleaning up
      # the previous run of the job (idle): released sooner, the relaunch can fail at once
      if [ "$(job_field "$j" Reason)" = BeginTime ] && [ "$(job_field "$j" Restarts)" != 0 ] &&
        sinfo -h -o %T 2>/dev/null | grep -qx idle; then
        sleep 1
        scontrol update JobId="$j" StartTime=now >/dev/null 2>&1 || true
      fi
      ;;
    esac
    sleep 1
  done
  echo "${state:-unknown}"
  return 1
}
