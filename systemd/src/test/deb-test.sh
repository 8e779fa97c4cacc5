#!/usr/bin/env bash
# Package test for dwcp-agent_*.deb (issue 6), run by Maven in the verify phase of systemd/.
#   deb-test.sh PACKAGE.deb [NAME [ARCHITECTURE]]      defaults: dwcp-agent all (the pom passes its own)
#   1. dpkg-deb -I / -c: control fields, conffiles, every file where the unit and launcher expect it.
#   2. maintainer scripts: sh -n, and they never enable or start the service.
#   3. systemd-analyze verify on the unit (alone and with each drop-in) in the extracted tree, and
#      systemd-analyze security: the exposure score must stay <= 2.0 (the README records it).
#   4. as root with overlayfs: `dpkg --root` install into a throw-away overlay of / inside a private mount
#      namespace (every write lands in a temp dir; /run is a fresh tmpfs so no script can reach the host's
#      systemd), then: user/group/dirs made by postinst, nothing enabled, the packaged launcher runs the
#      packaged jar as dwcp-agent (health UP, socket mode 0660 group dwcp-agent, SIGTERM → 143), an upgrade
#      keeps a locally edited conffile, purge removes user, group and directories.
#      Not for a package of another architecture than this host's (the arm64 edge package on x86-64): its
#      agent is run under qemu by arm64-smoke.sh instead. Such a package's jar must hold ELF objects for
#      its architecture only, among them our JNI libraries and Netty's epoll transport (step 3).
# Steps that need a missing tool or privilege are skipped with a message saying so; DWCP_DEB_TEST_STRICT=1
# (set by .ci/run, which installs the tools) turns a missing tool into a failure. Missing privileges (not
# root, no overlayfs in the container) stay skips: step 4 is then not run, and the message says so.
set -euo pipefail

deb=$(readlink -f "$1")
want_pkg=${2:-dwcp-agent}
want_arch=${3:-all}
here=$(cd "$(dirname "$0")" && pwd)
strict=${DWCP_DEB_TEST_STRICT:-0}
work=$(mktemp -d /tmp/dwcp-deb-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

pass() { echo "deb-test: ok   - $*"; }
fail() { echo "deb-test: FAIL - $*" >&2; exit 1; }
skip() {  # a missing tool
  if [ "$strict" = 1 ]; then fail "cannot run (DWCP_DEB_TEST_STRICT=1): $*"; fi
  echo "deb-test: SKIP - $*"
}
skip_priv() { echo "deb-test: SKIP - $*"; }  # a missing privilege

[ -f "$deb" ] || fail "no package at $1"
if ! command -v dpkg-deb >/dev/null; then
  skip "dpkg-deb not installed: nothing checked (apt-get install dpkg)"
  exit 0
fi

# --- 1. control and contents ----------------------------------------------------------------------
info=$(dpkg-deb -I "$deb")
for f in "Package: $want_pkg" "Architecture: $want_arch" \
         "Depends: openjdk-17-jre-headless | java17-runtime-headless, adduser"; do
  grep -qF " $f" <<<"$info" || fail "control lacks '$f'"
done
[ "$(dpkg-deb -f "$deb" Package)" = "$want_pkg" ] || fail "package name"
pass "control: name, architecture, Depends on a Java 17 runtime"

dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/dwcp-agent/application.yml "$work/control/conffiles" || fail "application.yml is not a conffile"
pass "conffiles: /etc/dwcp-agent/application.yml"

contents=$(dpkg-deb -c "$deb")
expect() { # mode-prefix path
  grep -qE "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \./${2#/}/?\$" <<<"$contents" || fail "package lacks $1 $2"
}
expect -rw-r--r-- /usr/share/dwcp-agent/dwcp-agent.jar
expect -rwxr-xr-x /usr/bin/dwcp-agent
expect -rw-r--r-- /lib/systemd/system/dwcp-agent.service
expect -rw-r--r-- /usr/share/dwcp-agent/systemd/edge.conf
expect -rw-r--r-- /usr/share/dwcp-agent/systemd/gpu.conf
expect -rw-r--r-- /lib/systemd/system/dwcp-agent-retrain.service
expect -rw-r--r-- /lib/systemd/system/dwcp-agent-retrain.timer
expect -rw-r--r-- /usr/share/dwcp-agent/systemd/retrain-edge.conf
expect -rw-r--r-- /etc/dwcp-agent/application.yml
expect -rw-r--r-- "/usr/share/doc/$want_pkg/README.md"
expect -rw-r--r-- "/usr/share/doc/$want_pkg/PROTOCOL.md"
expect -rw-r--r-- "/usr/share/doc/$want_pkg/copyright"
expect drwxr-x--- /var/lib/dwcp-agent/models
if grep -qE '\./lib/systemd/system/dwcp-agent\.service\.d|\./etc/systemd/' <<<"$contents"; then
  fail "a drop-in or an enablement link is installed active; drop-ins must be opt-in"
fi
pass "contents: jar, launcher, unit, opt-in drop-ins, conffile, docs, models dir"

# --- 2. maintainer scripts -----------------------------------------------------------------------
for s in postinst prerm postrm; do
  [ -x "$work/control/$s" ] || fail "$s missing or not executable"
  sh -n "$work/control/$s" || fail "$s: syntax"
done
if grep -v '^ *#' "$work/control/postinst" | grep -nE 'systemctl +(enable|start|--now)|deb-systemd-helper +enable'; then
  fail "postinst enables or starts the service"
fi
grep -q 'adduser .*--system' "$work/control/postinst" || fail "postinst does not create a system user"
grep -q 'purge)' "$work/control/postrm" || fail "postrm has no purge branch"
pass "maintainer scripts: syntax; postinst creates the user and enables nothing; postrm purges"

# --- 3. the unit where the package puts it -------------------------------------------------------
tree=$work/tree
dpkg-deb -x "$deb" "$tree"
unit=$tree/lib/systemd/system/dwcp-agent.service
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ -x "$tree$exec_start" ] || fail "ExecStart=$exec_start is not in the package"
conf=$(sed -n 's/^Environment=DWCP_AGENT_CONFIG=//p' "$unit")
[ -f "$tree$conf" ] || fail "the unit's config $conf is not in the package"
jar=$(sed -n 's/^jar=\${DWCP_AGENT_JAR:-\(.*\)}$/\1/p' "$tree/usr/bin/dwcp-agent")
[ -f "$tree$jar" ] || fail "the launcher's jar $jar is not in the package"
sock=$(sed -n 's/^ *path: *\(.*\)$/\1/p' "$tree$conf" | head -1)
[ "$(dirname "$sock")" = /run/dwcp-agent ] || fail "config socket $sock is not in the unit's RuntimeDirectory=dwcp-agent"
grep -qx 'RuntimeDirectory=dwcp-agent' "$unit" || fail "RuntimeDirectory"
pass "unit: ExecStart=$exec_start, config $conf, jar $jar, socket $sock all line up"

# A package for one architecture: every ELF object in its jar is for that machine (no other platform's natives
# carried along), and the ones the agent needs are there: our libraries under JavaCPP's platform name (Loader
# finds them with no change in Java code) and Netty's epoll transport (the Unix socket).
case $want_arch in
  arm64) elf_machine=183 javacpp=linux-arm64 netty=aarch_64 ;;
  amd64) elf_machine=62 javacpp=linux-x86_64 netty=x86_64 ;;
  *) elf_machine= ;;
esac
if [ -n "$elf_machine" ] && ! command -v python3 >/dev/null; then
  skip "python3 not installed: natives in the $want_arch jar not checked"
elif [ -n "$elf_machine" ]; then
  python3 - "$tree$jar" "$elf_machine" "$javacpp" "$netty" <<'PY' || fail "natives in the $want_arch jar (above)"
import struct, sys, zipfile
jar, machine, javacpp, netty = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
z = zipfile.ZipFile(jar)
names = set(z.namelist())
bad, elf = [], 0
for n in sorted(names):
    if n.endswith("/"):
        continue
    with z.open(n) as f:
        head = f.read(20)
    if head[:4] == b"\x7fELF":
        elf += 1
        m = struct.unpack("<H", head[18:20])[0]
        if m != machine:
            bad.append("%s (e_machine %d)" % (n, m))
    elif n.endswith((".dll", ".dylib", ".jnilib")):
        bad.append(n)
need = ["io/dwcp/jni/internal/%s/lib%s.so" % (javacpp, l)
        for l in ("jniDwcpNets", "jniDwcpCpu", "jniDwcpCuda", "dwcp_nets", "dwcp_cpu", "dwcp_cuda")]
need.append("META-INF/native/libnetty_transport_native_epoll_%s.so" % netty)
missing = [n for n in need if n not in names]
for n in bad:
    print("deb-test: other platform's native in the jar: " + n, file=sys.stderr)
for n in missing:
    print("deb-test: jar lacks " + n, file=sys.stderr)
print("deb-test: %d ELF objects in the jar, %d for e_machine %d" % (elf, elf - len([b for b in bad if "e_machine" in b]), machine))
sys.exit(1 if bad or missing else 0)
PY
  pass "$want_arch jar: only $want_arch natives; JNI libraries under $javacpp, Netty epoll $netty"
fi

if command -v systemd-analyze >/dev/null; then
  # verify needs the standard targets (multi-user.target, sysinit.target) inside --root.
  cp -an /lib/systemd/system/. "$tree/lib/systemd/system/" 2>/dev/null || true
  for variant in "" edge gpu; do
    rm -rf "$tree/etc/systemd/system/dwcp-agent.service.d"
    if [ -n "$variant" ]; then
      mkdir -p "$tree/etc/systemd/system/dwcp-agent.service.d"
      cp "$tree/usr/share/dwcp-agent/systemd/$variant.conf" "$tree/etc/systemd/system/dwcp-agent.service.d/"
    fi
    out=$(systemd-analyze verify --root="$tree" dwcp-agent.service 2>&1) || fail "verify ${variant:-base}: $out"
    [ -z "$out" ] || fail "systemd-analyze verify ${variant:-base} warns: $out"
    score=$(systemd-analyze security --offline=yes --root="$tree" dwcp-agent.service 2>&1 \
      | sed -n 's/.*Overall exposure level for dwcp-agent.service: \([0-9.]*\).*/\1/p')
    [ -n "$score" ] || fail "no security score"
    awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure ${variant:-base} $score > 2.0"
    pass "systemd-analyze verify clean, security exposure $score (${variant:-base unit}${variant:+ drop-in})"
  done
  rm -rf "$tree/etc/systemd/system/dwcp-agent.service.d"
  # Issue 8: the retrain service (alone and with the edge drop-in) and its timer, same bar as the agent.
  for variant in "" retrain-edge; do
    rm -rf "$tree/etc/systemd/system/dwcp-agent-retrain.service.d"
    if [ -n "$variant" ]; then
      mkdir -p "$tree/etc/systemd/system/dwcp-agent-retrain.service.d"
      cp "$tree/usr/share/dwcp-agent/systemd/$variant.conf" "$tree/etc/systemd/system/dwcp-agent-retrain.service.d/"
    fi
    out=$(systemd-analyze verify --root="$tree" dwcp-agent-retrain.service dwcp-agent-retrain.timer 2>&1) \
      || fail "verify retrain ${variant:-base}: $out"
    [ -z "$out" ] || fail "systemd-analyze verify retrain ${variant:-base} warns: $out"
    score=$(systemd-analyze security --offline=yes --root="$tree" dwcp-agent-retrain.service 2>&1 \
      | sed -n 's/.*Overall exposure level for dwcp-agent-retrain.service: \([0-9.]*\).*/\1/p')
    [ -n "$score" ] || fail "no security score for the retrain service"
    awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "retrain exposure ${variant:-base} $score > 2.0"
    pass "systemd-analyze verify clean: retrain service + timer, exposure $score (${variant:-base unit}${variant:+ drop-in})"
  done
  rm -rf "$tree/etc/systemd/system/dwcp-agent-retrain.service.d"
  grep -qx 'Persistent=true' "$tree/lib/systemd/system/dwcp-agent-retrain.timer" || fail "timer not Persistent"
  grep -q '^RandomizedDelaySec=' "$tree/lib/systemd/system/dwcp-agent-retrain.timer" || fail "timer has no RandomizedDelaySec"
  for k in NoNewPrivileges ProtectSystem CapabilityBoundingSet SystemCallFilter User; do
    grep -q "^$k=" "$tree/lib/systemd/system/dwcp-agent-retrain.service" || fail "retrain service lacks $k="
  done
else
  skip "systemd-analyze not installed (apt-get install systemd): unit not verified"
fi

# --- 4. install, run, upgrade, purge in a throw-away overlay root ---------------------------------
host_arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
if [ "$want_arch" != all ] && [ "$want_arch" != "$host_arch" ]; then
  skip_priv "package for $want_arch, host is $host_arch: not installed here (systemd/src/test/arm64-smoke.sh runs its agent under qemu)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  skip_priv "not root: install test into an overlay root needs mount namespaces"
  exit 0
fi
if ! command -v dpkg >/dev/null || ! command -v unshare >/dev/null; then
  skip "dpkg or unshare missing: install test"
  exit 0
fi
mkdir -p "$work/ov/upper" "$work/ov/work" "$work/ov/root"
if ! unshare -m --propagation private sh -c \
    "mount -t overlay overlay -o lowerdir=/,upperdir=$work/ov/upper,workdir=$work/ov/work $work/ov/root" 2>"$work/ovprobe"; then
  skip_priv "cannot mount overlayfs here ($(cat "$work/ovprobe")): install test"
  exit 0
fi
host_before=$(cat /etc/passwd /etc/group /var/lib/dpkg/status | md5sum)
host_had_pkg=$([ -e /usr/share/dwcp-agent ] && echo yes || echo no)
export DEB="$deb" WORK="$work" STRICT="$strict"
unshare -m --propagation private bash "$here/deb-install-test.sh"
[ "$(cat /etc/passwd /etc/group /var/lib/dpkg/status | md5sum)" = "$host_before" ] \
  || fail "the host's passwd/group/dpkg status changed"
[ "$host_had_pkg" = yes ] || [ ! -e /usr/share/dwcp-agent ] || fail "files landed on the host"
pass "host untouched: every write went to the overlay"
