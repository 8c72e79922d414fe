#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, so that the study tests submit real job arrays in CI.
# Idempotent: installs what is missing, starts only the daemons that are not running, and
# returns once the node takes jobs. Needs root (CI runs as root).
set -euo pipefail

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -q
  # Another installer may hold the lock for a while (a CI image warming up): wait for it.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q slurm-wlm munge
fi

# munge authenticates the daemons and the clients to each other: one key, read by user munge.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
pidfile_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
pidfile_alive /run/munge/munged.pid || runuser -u munge -- /usr/sbin/munged

# The node line is what slurmd measures here (CPUs, sockets, memory), so the one node is
# exactly this machine; linuxproc and task/none need no cgroups, which containers often lack.
conf_dir=/etc/slurm
install -d "$conf_dir" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
node_line="$(slurmd -C | head -n 1)"
node_name="$(sed -E 's/^NodeName=([^ ]+).*/\1/' <<<"$node_line")"
conf="$(cat <<CONF
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
$node_line NodeAddr=localhost State=UNKNOWN
PartitionName=debug Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
CONF
)"
if [[ ! -f "$conf_dir/slurm.conf" ]] || [[ "$(cat "$conf_dir/slurm.conf")" != "$conf" ]]; then
  printf '%s\n' "$conf" > "$conf_dir/slurm.conf"
  # A changed configuration needs the daemons started afresh.
  stop_pidfile() { [[ -f $1 ]] && kill "$(cat "$1")" 2>/dev/null || true; }
  stop_pidfile /run/slurmd.pid
  stop_pidfile /run/slurmctld.pid
  sleep 1
fi

pidfile_alive /run/slurmctld.pid || slurmctld
pidfile_alive /run/slurmd.pid || slurmd

for _ in $(seq 1 60); do
  state="$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)"
  if [[ $state == idle || $state == mixed || $state == allocated ]]; then
    echo "slurm: node $node_name is $state"
    exit 0
  fi
  # A node left down by an earlier run comes back once it answers.
  if [[ $state == down* || $state == drain* ]]; then
    scontrol update NodeName="$node_name" State=RESUME 2>/dev/null || true
  fi
  sleep 1
done
echo "slurm: node $node_name did not become idle; see /var/log/slurm/" >&2
sinfo -N -l >&2 || true
exit 1
