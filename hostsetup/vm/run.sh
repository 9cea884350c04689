#!/usr/bin/env bash
# run.sh CMD [ARG...]: run CMD on a kernel that does SRv6. Here, when this machine's kernel does
# (kernel-srv6.sh); otherwise in a guest booted on Debian's own kernel (linux-image-amd64, built with
# CONFIG_IPV6_SEG6_LWTUNNEL) that sees this machine's files: its / read-only under a tmpfs overlay, this
# checkout read-write at the same path, and qemu's user network (what this machine reaches). CMD runs as
# root in the current folder with this environment and SRV6_VM_GUEST=kvm|tcg; run.sh exits with its status.
#
# SRV6_VM=auto|always|never (default auto: only when this kernel does no SRv6)
# SRV6_VM_ACCEL=kvm|tcg (default kvm when /dev/kvm is usable and the CPU has vmx or svm; else tcg, qemu's
#   emulation, ~18x slower: a machine whose /dev/kvm runs only PVM guests has neither flag)
# SRV6_VM_MEM (MiB, default 3/4 of this machine's), SRV6_VM_CACHE (the kernel and initramfs, default
#   /var/cache/srv6-orchestrator/vm)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
me="srv6-vm"
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARG...]" >&2; exit 2; }

case "${SRV6_VM:-auto}" in
  never) exec "$@" ;;
  auto) why=$(bash "$here/kernel-srv6.sh" 2>&1) && exec "$@"
        [ -n "$why" ] && echo "$me: $why" ;;
  always) ;;
  *) echo "$me: SRV6_VM=${SRV6_VM}: expected auto, always or never" >&2; exit 2 ;;
esac

die() { echo "$me: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "the guest needs root (KVM, 9p shares as root)"
accel=${SRV6_VM_ACCEL:-}
if [ -z "$accel" ]; then
  accel=tcg
  [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && accel=kvm
fi
case "$accel" in
  kvm) accel_args=(-accel kvm -cpu host) ;;
  tcg) accel_args=(-accel tcg,thread=multi -cpu Westmere) ;;
  *) die "SRV6_VM_ACCEL=$accel: expected kvm or tcg" ;;
esac
for c in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static depmod:kmod apt-get:apt; do
  command -v "${c%%:*}" >/dev/null 2>&1 || die "${c%%:*} is missing (apt-get install ${c#*:}; npm test's pretest installs it)"
done

# Debian's current kernel, unpacked once (its package from Debian's archive, not installed)
cache=${SRV6_VM_CACHE:-/var/cache/srv6-orchestrator/vm}
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$pkg" ] || { apt-get update -qq; pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'); }
[ -n "$pkg" ] || die "apt-cache does not know linux-image-amd64"
kver=${pkg#linux-image-}
kdir="$cache/$kver"
if [ ! -f "$kdir/ready" ]; then
  echo "$me: unpacking $pkg (Debian's kernel) into $kdir"
  rm -rf "$kdir" && mkdir -p "$kdir/deb" || die "cannot write $kdir"
  (cd "$kdir/deb" && apt-get download -q "$pkg" 2>&1 | { grep -v '^W: Download is performed unsandboxed' || true; }) ||
    die "apt-get download $pkg failed"
  dpkg-deb -x "$kdir"/deb/*.deb "$kdir/root" && depmod -b "$kdir/root" "$kver" || die "cannot unpack $pkg"
  rm -rf "$kdir/deb" && touch "$kdir/ready"
fi
modules="$kdir/root/lib/modules/$kver"

# the initramfs: static busybox, the modules of the shares, and init (made again when either changes)
share_modules="virtio_pci 9pnet_virtio 9p overlay"
initrd="$kdir/initrd-$( (cat "$here/init"; echo "$share_modules") | sha1sum | cut -c1-12).gz"
if [ ! -f "$initrd" ]; then
  t=$(mktemp -d) && mkdir -p "$t/bin" "$t/lib/modules" "$t/proc" "$t/sys" "$t/dev"
  cp /bin/busybox "$t/bin/busybox" && cp "$here/init" "$t/init" && chmod 755 "$t/init"
  for m in $share_modules; do
    modprobe -d "$kdir/root" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
  done | awk '!seen[$0]++' | while read -r ko; do
    cp "$ko" "$t/lib/modules/" && basename "$ko"
  done > "$t/modules"
  (cd "$t" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$initrd.tmp" && mv "$initrd.tmp" "$initrd"
  rm -rf "$t"
  [ -f "$initrd" ] || die "cannot build the initramfs"
fi

ctl=$(mktemp -d /tmp/srv6-vm.XXXXXX)
qemu_pid=
cleanup() { [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null; rm -rf "$ctl"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$here/guest.sh" "$ctl/guest.sh"
echo "$modules" > "$ctl/modules-dir"
pwd > "$ctl/cwd"
printf '%q ' "$@" > "$ctl/cmd"
export -p | grep -vE '^declare -x (OLDPWD|PWD|SHLVL|_|TERM|HOSTNAME)=' > "$ctl/env"
echo "export SRV6_VM_GUEST=$accel" >> "$ctl/env" # tests skip timing bounds under emulation (tcg)

mem=${SRV6_VM_MEM:-$(awk '/MemTotal/ {print int($2 / 1024 * 3 / 4)}' /proc/meminfo)}
echo "$me: booting $kver ($accel, ${mem} MiB, $(nproc) CPUs) to run: $*"
qemu-system-x86_64 -machine q35 "${accel_args[@]}" -smp "$(nproc)" -m "$mem" \
  -nodefaults -display none -no-reboot -serial stdio \
  -kernel "$kdir/root/boot/vmlinuz-$kver" -initrd "$initrd" \
  -append "console=ttyS0 quiet panic=-1 srv6vm.work=$repo" \
  -fsdev "local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap" \
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -fsdev "local,id=work,path=$repo,security_model=passthrough" -device virtio-9p-pci,fsdev=work,mount_tag=work \
  -fsdev "local,id=ctl,path=$ctl,security_model=passthrough" -device virtio-9p-pci,fsdev=ctl,mount_tag=ctl \
  -nic user,model=virtio-net-pci </dev/null &
qemu_pid=$!
wait "$qemu_pid"
qemu_status=$?
qemu_pid=
[ -f "$ctl/status" ] || die "the guest ended without a status (qemu exited $qemu_status)"
exit "$(cat "$ctl/status")"
