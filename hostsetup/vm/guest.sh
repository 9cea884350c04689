#!/bin/bash
# The guest's second stage (pid 1 in the overlay root, see init): what a booted Debian would have
# mounted, the kernel's modules where modprobe looks, the network the host reaches (qemu's user
# network), then the command run.sh wrote to the control folder; its exit status goes back there.
set -u
ctl=/run/srv6-vm
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# the controllers a booted system hands to its children (the tests' memory limits, Docker's)
for c in cpu memory pids io; do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; done
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# overlay2 refuses an overlay as its backing filesystem
mkdir -p /var/lib/docker && mount -t tmpfs -o mode=0711 docker /var/lib/docker

kver=$(uname -r)
mkdir -p "/lib/modules/$kver"
mount --bind "$(cat $ctl/modules-dir)" "/lib/modules/$kver"

hostname srv6-vm
ip link set lo up
if modprobe virtio_net 2>/dev/null && ip link show eth0 >/dev/null 2>&1; then
  ip link set eth0 up
  ip addr add 10.0.2.15/24 dev eth0
  ip route add default via 10.0.2.2
  echo 'nameserver 10.0.2.3' > /etc/resolv.conf
fi

stty -onlcr 2>/dev/null # the host reads this console as a file: no CR before each LF
status=1
if cd "$(cat $ctl/cwd)"; then
  # shellcheck disable=SC1091
  (. "$ctl/env" && exec bash "$ctl/cmd") </dev/null
  status=$?
fi
echo "$status" > "$ctl/status"
sync
busybox poweroff -f
sleep 60
