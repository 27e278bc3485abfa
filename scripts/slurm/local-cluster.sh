#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for testing sarcosim's job-array mode.
#
# Usage: scripts/slurm/local-cluster.sh install|start|stop|status|env
#
#   install  apt-get update + install slurmctld slurmd slurm-client munge (idempotent, quiet)
#   start    write a slurm.conf for this host into $SARCOSIM_SLURM_DIR (default
#            /tmp/sarcosim-slurm), start munged, slurmctld and slurmd in the background,
#            record their PIDs and wait (bounded) until the node is idle
#   stop     stop exactly the daemons that `start` started (by recorded PID)
#   status   print the state; exit 0 if the cluster is up, 3 if it is not
#   env      print `export SLURM_CONF=...` for clients: eval "$(local-cluster.sh env)"
#
# Clients (sbatch, squeue, sinfo, scontrol) find this cluster through
# SLURM_CONF=$SARCOSIM_SLURM_DIR/slurm.conf; nothing is written under /etc/slurm.
#
# Needs root (the daemons run as root; munged as the munge user). Written for Debian 12's
# Slurm 22.05 without systemd or cgroups (e.g. a container or gVisor sandbox).
#
# Environment:
#   SARCOSIM_SLURM_DIR          state/config/log directory   (default /tmp/sarcosim-slurm)
#   SARCOSIM_SLURM_TIMEOUT      seconds to wait for UP/idle  (default 60)
#   SARCOSIM_SLURM_CTLD_PORT    slurmctld port               (default 6817)
#   SARCOSIM_SLURM_SLURMD_PORT  slurmd port                  (default 6818)
set -euo pipefail

DIR="${SARCOSIM_SLURM_DIR:-/tmp/sarcosim-slurm}"
TIMEOUT="${SARCOSIM_SLURM_TIMEOUT:-60}"
CTLD_PORT="${SARCOSIM_SLURM_CTLD_PORT:-6817}"
SLURMD_PORT="${SARCOSIM_SLURM_SLURMD_PORT:-6818}"
CONF="$DIR/slurm.conf"
MUNGE_RUN=/run/munge
MUNGE_SOCKET="$MUNGE_RUN/munge.socket.2"

export SLURM_CONF="$CONF"

log() { printf 'local-cluster: %s\n' "$*" >&2; }
die() {
    printf 'local-cluster: ERROR: %s\n' "$*" >&2
    exit 1
}

need_root() {
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (the Slurm daemons run as root here)"
}

# Is PID alive and running the program NAME (guards against a reused PID)?
pid_is() {
    local pid="$1" name="$2" comm stat
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    [[ "$comm" == "$name" ]] || return 1
    # A killed daemon may linger as a zombie until it is reaped: that is not running.
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat%% *}" != Z ]]
}

# The recorded PID of daemon NAME if it is alive, else nothing (exit 1).
live_pid() {
    local name="$1" pid
    [[ -f "$DIR/pids/$name" ]] || return 1
    pid="$(cat "$DIR/pids/$name")"
    pid_is "$pid" "$name" || return 1
    printf '%s\n' "$pid"
}

munge_works() {
    command -v munge >/dev/null 2>&1 || return 1
    timeout 5 munge -n -S "$MUNGE_SOCKET" 2>/dev/null |
        timeout 5 unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1
}

ctld_up() {
    timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'
}

# The node's state from sinfo, e.g. idle, mix, alloc, down*, unk*.
node_state() {
    timeout 10 sinfo -h -o %t 2>/dev/null | head -n 1
}

slurm_version() {
    dpkg-query -W -f='${Version}' slurmctld 2>/dev/null || echo '?'
}

cmd_install() {
    need_root
    local missing=() b
    for b in slurmctld slurmd sbatch munged; do
        command -v "$b" >/dev/null 2>&1 || missing+=("$b")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "already installed (slurm $(slurm_version))"
        return 0
    fi
    log "installing slurmctld slurmd slurm-client munge (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    # Without systemd the packages' postinst cannot start their daemons
    # ("policy-rc.d denied execution"): harmless, `start` runs them itself.
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt-get install -y -qq slurmctld slurmd slurm-client munge \
        >/dev/null || die "apt-get install failed"
    log "installed slurm $(slurm_version)"
}

write_conf() {
    local host cpus mem_mb
    host="$(hostname -s)"
    cpus="$(nproc)"
    # Advertise a little less memory than the machine has, or slurmd marks the node invalid.
    mem_mb="$(free -m | awk '/^Mem:/ { printf "%d", $2 * 0.9 }')"
    [[ "$mem_mb" -gt 0 ]] || mem_mb=1024
    cat >"$CONF" <<EOF
# Written by scripts/slurm/local-cluster.sh for host $host: a single-node test cluster.
ClusterName=sarcosim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in a container/sandbox.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MaxArraySize=10001
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=300
KillWait=10
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
    if munge_works; then
        log "munged already answers on $MUNGE_SOCKET: using it"
        return 0
    fi
    [[ -f /etc/munge/munge.key ]] || die "/etc/munge/munge.key is missing (run: $0 install)"
    install -d -o munge -g munge -m 0755 "$MUNGE_RUN"
    # Debian packages do not create these without systemd/tmpfiles either.
    install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
    # setpriv execs munged directly, so $! is munged's own PID.
    setpriv --reuid=munge --regid=munge --init-groups \
        munged -F --socket="$MUNGE_SOCKET" </dev/null >"$DIR/log/munged.out" 2>&1 &
    echo "$!" >"$DIR/pids/munged"
    local i
    for ((i = 0; i < 20; i++)); do
        munge_works && {
            log "munged started (pid $(cat "$DIR/pids/munged"))"
            return 0
        }
        sleep 0.5
    done
    tail -n 20 "$DIR/log/munged.out" >&2 || true
    die "munged did not answer within 10 s (log: $DIR/log/munged.out)"
}

start_daemon() { # NAME ARGS...
    local name="$1"
    shift
    "$name" "$@" </dev/null >"$DIR/log/$name.out" 2>&1 &
    echo "$!" >"$DIR/pids/$name"
    sleep 0.2
    pid_is "$!" "$name" || {
        tail -n 20 "$DIR/log/$name.out" "$DIR/log/$name.log" >&2 2>/dev/null || true
        die "$name exited at once (logs in $DIR/log)"
    }
}

show_logs() {
    local f
    for f in "$DIR"/log/*; do
        [[ -s "$f" ]] || continue
        printf '==> %s (last 15 lines) <==\n' "$f" >&2
        tail -n 15 "$f" >&2
    done
}

cmd_start() {
    need_root
    command -v slurmctld >/dev/null 2>&1 || die "Slurm is not installed (run: $0 install)"
    if live_pid slurmctld >/dev/null && live_pid slurmd >/dev/null && ctld_up; then
        log "already running (dir $DIR)"
        cmd_status
        return 0
    fi
    # Leftovers of an earlier run that died: stop whatever of ours is still alive.
    if [[ -d "$DIR/pids" ]]; then
        cmd_stop >/dev/null 2>&1 || true
    fi
    mkdir -p "$DIR"/{state,spool,run,log,pids}
    rm -f "$DIR"/log/* "$DIR"/pids/*
    write_conf
    start_munge
    # -D: foreground (we background it and own the PID); -c: clear old job state;
    # -i: ignore errors in state files.
    start_daemon slurmctld -D -c -i -f "$CONF"
    start_daemon slurmd -D -c -f "$CONF"

    local deadline=$((SECONDS + TIMEOUT)) state=""
    until ctld_up; do
        ((SECONDS < deadline)) || {
            show_logs
            die "slurmctld not UP within ${TIMEOUT}s (scontrol ping); logs in $DIR/log"
        }
        live_pid slurmctld >/dev/null || {
            show_logs
            die "slurmctld died (port $CTLD_PORT in use by another Slurm?); logs in $DIR/log"
        }
        sleep 1
    done
    while :; do
        state="$(node_state)"
        [[ "$state" == "idle" ]] && break
        ((SECONDS < deadline)) || {
            show_logs
            die "node not idle within ${TIMEOUT}s (sinfo says '${state:-nothing}'); logs in $DIR/log"
        }
        live_pid slurmd >/dev/null || {
            show_logs
            die "slurmd died (port $SLURMD_PORT in use?); logs in $DIR/log"
        }
        sleep 1
    done
    log "cluster up: $(hostname -s) idle, SLURM_CONF=$CONF"
}

stop_pid() { # NAME
    local name="$1" pid i
    pid="$(live_pid "$name")" || {
        rm -f "$DIR/pids/$name"
        return 0
    }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pid_is "$pid" "$name" || break
        sleep 0.2
    done
    if pid_is "$pid" "$name"; then
        log "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$DIR/pids/$name"
    log "stopped $name (pid $pid)"
}

cmd_stop() {
    if [[ ! -d "$DIR/pids" ]]; then
        log "nothing to stop (no $DIR/pids)"
        return 0
    fi
    # Cancel this cluster's jobs first so no job step outlives slurmd.
    if live_pid slurmctld >/dev/null && ctld_up; then
        local jobs
        jobs="$(timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')" || jobs=""
        if [[ -n "${jobs// /}" ]]; then
            log "cancelling jobs: $jobs"
            # shellcheck disable=SC2086 # word splitting of job ids is intended
            timeout 10 scancel $jobs 2>/dev/null || true
            sleep 1
        fi
    fi
    stop_pid slurmd
    stop_pid slurmctld
    stop_pid munged
}

cmd_status() {
    local name pid up=1
    printf 'dir: %s\n' "$DIR"
    printf 'SLURM_CONF=%s\n' "$CONF"
    for name in munged slurmctld slurmd; do
        if pid="$(live_pid "$name")"; then
            printf '%s: running (pid %s)\n' "$name" "$pid"
        elif [[ "$name" == munged ]] && munge_works; then
            printf '%s: running (not started by this script)\n' "$name"
        else
            printf '%s: not running\n' "$name"
            up=0
        fi
    done
    if [[ -f "$CONF" ]] && ctld_up; then
        printf 'slurmctld: UP\nnode: %s\n' "$(node_state)"
    else
        printf 'slurmctld: not answering\n'
        up=0
    fi
    if ((up)); then
        printf 'cluster: up\n'
        return 0
    fi
    printf 'cluster: down\n'
    return 3
}

cmd_env() {
    printf 'export SLURM_CONF=%q\n' "$CONF"
}

main() {
    case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *)
        printf 'usage: %s install|start|stop|status|env\n' "$0" >&2
        exit 2
        ;;
    esac
}

main "$@"
