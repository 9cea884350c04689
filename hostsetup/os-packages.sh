#!/usr/bin/env bash
# The Debian packages `npm start` and `npm test` need, in one place: npm's prestart runs
# `hostsetup/os-packages.sh start`, its pretest `hostsetup/os-packages.sh test` (and .ci/run runs
# `npm install && npm test`, the README's test line).
# - everything installed: one line, after one dpkg-query (no apt-get);
# - as root, something missing: says what and why, then apt-get update and
#   apt-get install --no-install-recommends of what is missing;
# - not root: says what is missing and how to install it, and goes on (what needs it then fails,
#   or is skipped, as without this script).
# For `test` it also starts a Docker engine (root only) when none answers, for the Docker
# deployment's test.
set -uo pipefail

# package           for    why
PACKAGES=$(cat <<'EOF'
python3             start  node-gyp, which builds the native addons (npm run build)
make                start  node-gyp
g++                 start  node-gyp
iproute2            start  ip and tc: the lab and the privileged tests
nftables            start  nft: the lab's priority band for probes
etcd-server         start  etcd: the lab's own for several controllers (hostsetup/etcd.ts; never the system's service)
iputils-ping        test   ping: the lab tests
etcd-client         test   etcdctl: the cluster test reads etcd independently of our client
tcpdump             test   the lab test that captures the SRH on a transit link
bsdutils            test   script: the srv6ctl terminal test
iperf3              test   the data-plane benchmarks (the tests run each benchmark short)
fonts-dejavu-core   test   text in the benchmarks' PNG plots
llvm                test   llc builds the BPF program of the foreign-state test (End.BPF)
python3-grpcio      test   test/python/reflect.py, a reflection client of another gRPC stack
python3-protobuf    test   test/python/reflect.py
chromium            test   the web view's test drives it headless (puppeteer-core)
docker.io           test   the Docker deployment's test
docker-compose      test   the Docker deployment's test
debootstrap         test   the Docker deployment's test builds its base image from Debian's packages
qemu-system-x86     vm     hostsetup/vm/run.sh: a guest on a kernel that does SRv6, where this one does not
busybox-static      vm     hostsetup/vm/run.sh: the guest's initramfs
kmod                vm     hostsetup/vm/run.sh: the guest's modules (depmod, modprobe)
EOF
)

want=${1:-test}
case "$want" in
  start|test) ;;
  *) echo "usage: $0 [start|test]" >&2; exit 2 ;;
esac
me="npm $want: OS packages (hostsetup/os-packages.sh)"

# the "vm" packages only for the tests, and only where this kernel does no SRv6 (hostsetup/vm/kernel-srv6.sh)
vm=no
[ "$want" = test ] && [ "$(id -u)" -eq 0 ] && ! bash "$(dirname "$0")/vm/kernel-srv6.sh" 2>/dev/null && vm=yes
names=() whys=()
while read -r pkg group why; do
  [ -n "$pkg" ] || continue
  [ "$want" = test ] || [ "$group" = start ] || continue
  [ "$group" != vm ] || [ "$vm" = yes ] || continue
  names+=("$pkg") whys+=("$why")
done <<<"$PACKAGES"

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "$me: no dpkg-query, not Debian: install the equivalents of ${names[*]}"
  exit 0
fi

# one dpkg-query for all: "<package> <status>" per known package (unknown ones: nothing, on stderr)
declare -A status=()
while read -r pkg st; do status[$pkg]=$st; done \
  < <(dpkg-query -W -f='${Package} ${Status}\n' "${names[@]}" 2>/dev/null)
missing=() lines=()
for i in "${!names[@]}"; do
  if [ "${status[${names[$i]}]:-}" != "install ok installed" ]; then
    missing+=("${names[$i]}")
    lines+=("$(printf '  %-18s %s' "${names[$i]}" "${whys[$i]}")")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "$me: all ${#names[@]} installed"
elif [ "$(id -u)" -ne 0 ]; then
  echo "$me: ${#missing[@]} missing:"
  printf '%s\n' "${lines[@]}"
  echo "  install them as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  echo "  (run as root, npm $want installs them itself); going on without them"
else
  echo "$me: installing ${#missing[@]} missing packages with apt-get (this can take minutes):"
  printf '%s\n' "${lines[@]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "$me: apt-get update failed; installing from the package lists there are"
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "$me: apt-get install ${missing[*]} failed" >&2
    exit 1
  fi
  echo "$me: installed ${missing[*]}"
fi

# the Docker deployment's test needs an engine; on a machine without systemd nothing starts one
if [ "$want" = test ] && command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "$me: no Docker engine answers; the Docker deployment's test needs one (as root: dockerd)"
  else
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      echo "$me: starting the Docker engine for the Docker deployment's test (systemctl start docker)"
      systemctl start docker
    else
      echo "$me: starting a Docker engine for the Docker deployment's test (dockerd, log /tmp/dockerd.log)"
      (setsid dockerd </dev/null >/tmp/dockerd.log 2>&1 &)
    fi
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { echo "$me: the Docker engine did not start:"; tail -20 /tmp/dockerd.log 2>/dev/null; }
  fi
fi
exit 0
