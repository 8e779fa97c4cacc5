#!/usr/bin/env bash
# Runs inside a private mount namespace (see deb-test.sh): overlay of / at $WORK/ov/root, install the
# package there with dpkg --root (maintainer scripts run chrooted into it), run it, upgrade, purge.
set -euo pipefail
R=$WORK/ov/root
pass() { echo "deb-test: ok   - $*"; }
fail() { echo "deb-test: FAIL - $*" >&2; exit 1; }

mount -t overlay overlay -o "lowerdir=/,upperdir=$WORK/ov/upper,workdir=$WORK/ov/work" "$R"
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc" 2>/dev/null || mount --rbind /proc "$R/proc"
# Fresh /run and /tmp: no /run/systemd/system, so the scripts never talk to a systemd (the host's or any).
mount -t tmpfs tmpfs "$R/run"
mount -t tmpfs tmpfs "$R/tmp"
rootdo() { chroot "$R" "$@"; }

# --- install ---
dpkg --root="$R" --force-depends -i "$DEB" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "dpkg -i"; }
rootdo dpkg-query -W -f='${Status}\n' dwcp-agent | grep -qx 'install ok installed' || fail "not installed"
pw=$(rootdo getent passwd dwcp-agent) || fail "postinst did not create user dwcp-agent"
IFS=: read -r _ _ uid gid _ home shell <<<"$pw"
[ "$uid" -lt 1000 ] || fail "dwcp-agent is not a system user (uid $uid)"
[ "$shell" = /usr/sbin/nologin ] || fail "shell $shell"
[ "$home" = /var/lib/dwcp-agent ] || fail "home $home"
[ "$(rootdo getent group dwcp-agent | cut -d: -f3)" = "$gid" ] || fail "group dwcp-agent"
for d in /var/lib/dwcp-agent /var/lib/dwcp-agent/models /var/cache/dwcp-agent; do
  [ "$(rootdo stat -c '%U:%G %a' "$d")" = "dwcp-agent:dwcp-agent 750" ] || fail "$d is $(rootdo stat -c '%U:%G %a' "$d")"
done
[ ! -e "$R/etc/systemd/system/multi-user.target.wants/dwcp-agent.service" ] || fail "install enabled the service"
pass "dpkg --root install: user dwcp-agent (uid $uid, nologin), group, state/cache/models dirs 0750, nothing enabled"

# --- run the packaged launcher and jar as the packaged user, the way the unit does ---
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if command -v python3 >/dev/null && command -v curl >/dev/null; then
  udp=$(free_port); http=$(free_port)
  # A setting that differs from the built-in default proves the launcher hands the conffile to Micronaut;
  # max-drain is set in both the file and edge.conf's environment, where the environment must win.
  sed -i 's/^    max-clients: 64$/    max-clients: 7/; s/^    max-drain: 1024$/    max-drain: 333/' "$R/etc/dwcp-agent/application.yml"
  grep -q '^    max-clients: 7$' "$R/etc/dwcp-agent/application.yml" || fail "cannot edit the test config"
  # The edge drop-in's Environment= settings (not JAVA_OPTS: the test picks its own heap).
  mapfile -t edge_env < <(sed -n 's/^Environment=\(DWCP_[A-Z_]*=[^ ]*\)$/\1/p' "$R/usr/share/dwcp-agent/systemd/edge.conf")
  [ "${#edge_env[@]}" -ge 5 ] || fail "edge.conf Environment= lines not found"
  rootdo install -d -o dwcp-agent -g dwcp-agent -m 0750 /run/dwcp-agent   # the unit's RuntimeDirectory=
  # Stand-in for systemd's notify socket (abstract, so the chrooted agent reaches it): the real jar must
  # send READY=1, WATCHDOG=1 at half of WATCHDOG_USEC and STOPPING=1.
  notify=dwcp-deb-test-$$
  python3 - "$notify" "$WORK/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + sys.argv[1])
s.settimeout(180)
with open(sys.argv[2], "w") as f:
    while True:
        try:
            d = s.recv(4096).decode()
        except OSError:
            break
        f.write("%.3f %s\n" % (time.monotonic(), d.replace("\n", " | ")))
        f.flush()
        if "STOPPING=1" in d:
            break
PY
  notify_pid=$!
  sleep 0.5
  wait_up() {  # $1: the agent's log; until /health answers (60 s), failing if the agent ($pid) exits first
    local up=no
    for _ in $(seq 120); do
      if curl -sf "http://127.0.0.1:$http/health" >/dev/null; then up=yes; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    [ "$up" = yes ] || { tail -20 "$1"; kill "$pid" 2>/dev/null || true; fail "packaged agent did not become healthy ($1)"; }
  }
  chroot --userspec=dwcp-agent:dwcp-agent "$R" env -i PATH=/usr/bin:/bin HOME=/var/lib/dwcp-agent \
    NOTIFY_SOCKET="@$notify" WATCHDOG_USEC=1000000 "${edge_env[@]}" \
    DWCP_AGENT_CONFIG=/etc/dwcp-agent/application.yml DWCP_AGENT_JAVACPP_CACHEDIR=/var/cache/dwcp-agent/javacpp \
    DWCP_AGENT_CDS_DIR=/var/cache/dwcp-agent/cds JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" TF_CPP_MIN_LOG_LEVEL=2 \
    /usr/bin/dwcp-agent run --dwcp.ingest.port="$udp" --micronaut.server.port="$http" >"$WORK/agent.log" 2>&1 &
  pid=$!
  # A check that fails below must not leave the packaged agent (or the notify listener) running.
  trap 'kill "$pid" "$notify_pid" 2>/dev/null || true' EXIT
  wait_up "$WORK/agent.log"
  [ "$(rootdo stat -c '%U:%G %a %F' /run/dwcp-agent/agent.sock)" = "dwcp-agent:dwcp-agent 660 socket" ] \
    || fail "socket is $(rootdo stat -c '%U:%G %a %F' /run/dwcp-agent/agent.sock)"
  grep -q 'config dwcp.socket = .*maxClients=7[],]' "$WORK/agent.log" || fail "/etc/dwcp-agent/application.yml was not read"
  grep -q 'config dwcp.pipeline = Pipeline\[queueCapacity=8192, maxDrain=256, queueMaxBytes=8388608\]' "$WORK/agent.log" \
    || fail "edge.conf's environment did not override the file: $(grep 'config dwcp.pipeline' "$WORK/agent.log")"
  grep -q 'config dwcp.windows = .*maxLinks=1000, maxNodes=1000' "$WORK/agent.log" || fail "edge.conf window limits"
  grep -q 'config dwcp.socket = Socket\[path=/run/dwcp-agent/agent.sock' "$WORK/agent.log" || fail "socket path"
  for _ in $(seq 100); do  # let the watchdog tick (every 0.5 s) a few times before stopping
    [ "$(grep -c 'WATCHDOG=1' "$WORK/notify.log" 2>/dev/null)" -ge 3 ] && break
    sleep 0.1
  done
  kill -TERM "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" = 143 ] || { tail -20 "$WORK/agent.log"; fail "exit status $rc on SIGTERM, unit expects 143 (SuccessExitStatus)"; }
  grep -q 'stopping: ingest' "$WORK/agent.log" || fail "no graceful stop logged"
  [ ! -e "$R/run/dwcp-agent/agent.sock" ] || fail "socket left behind"
  wait "$notify_pid" || true
  grep -q ' READY=1 | STATUS=epoll; models ' "$WORK/notify.log" || { cat "$WORK/notify.log"; fail "no READY=1 with STATUS from the agent"; }
  [ "$(grep -c 'WATCHDOG=1' "$WORK/notify.log")" -ge 3 ] || { cat "$WORK/notify.log"; fail "fewer than 3 WATCHDOG=1 (every 0.5 s)"; }
  tail -1 "$WORK/notify.log" | grep -q 'STOPPING=1' || { cat "$WORK/notify.log"; fail "STOPPING=1 was not the last notification"; }
  pass "sd_notify from the packaged agent: READY=1 with STATUS, $(grep -c 'WATCHDOG=1' "$WORK/notify.log") × WATCHDOG=1, STOPPING=1 last"
  pass "packaged agent ran as dwcp-agent with /etc/dwcp-agent/application.yml and edge.conf's environment (which wins): /health UP, socket 0660 dwcp-agent, SIGTERM → drained, exit 143"

  # Class-data sharing (issue 16): the first start records an archive at exit, the next one maps it; a damaged
  # archive is replaced, never fatal (the JVM aborts on one if it is handed over unchecked).
  grep -q 'no usable class-data archive' "$WORK/agent.log" || fail "first start did not announce recording a class-data archive"
  jsa=$(rootdo sh -c 'ls /var/cache/dwcp-agent/cds/dwcp-agent-*.jsa' 2>/dev/null) || fail "no class-data archive after the first stop"
  [ "$(rootdo stat -c '%U' "$jsa")" = dwcp-agent ] || fail "archive $jsa not owned by dwcp-agent"
  run_again() {  # $1: log file; starts, waits for /health UP, stops with SIGTERM (exit 143)
    chroot --userspec=dwcp-agent:dwcp-agent "$R" env -i PATH=/usr/bin:/bin HOME=/var/lib/dwcp-agent \
      DWCP_AGENT_CONFIG=/etc/dwcp-agent/application.yml DWCP_AGENT_CDS_DIR=/var/cache/dwcp-agent/cds \
      JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" /usr/bin/dwcp-agent run --dwcp.ingest.port="$udp" \
      --micronaut.server.port="$http" >"$1" 2>&1 &
    pid=$!
    wait_up "$1"
    kill -TERM "$pid"
    rc=0; wait "$pid" || rc=$?
    [ "$rc" = 143 ] || { tail -20 "$1"; fail "exit status $rc on SIGTERM ($1)"; }
  }
  run_again "$WORK/agent-cds.log"
  ! grep -q 'class-data' "$WORK/agent-cds.log" || fail "second start did not use the archive: $(grep class-data "$WORK/agent-cds.log")"
  head -c 4096 "$R$jsa" >"$WORK/cut.jsa" && cp "$WORK/cut.jsa" "$R$jsa"   # as a dump cut short would leave it
  run_again "$WORK/agent-cut.log"
  grep -q 'no usable class-data archive' "$WORK/agent-cut.log" || fail "a damaged archive was not replaced"
  [ "$(stat -c %s "$R$jsa")" -gt 4096 ] || fail "the damaged archive was not recorded anew"
  pass "class-data sharing: first start records $(basename "$jsa") at exit, the next maps it, a damaged one is replaced"
else
  echo "deb-test: SKIP - python3/curl missing: packaged agent not started"
fi

# --- upgrade keeps the operator's config ---
echo "# edited by the operator" >>"$R/etc/dwcp-agent/application.yml"
dpkg --root="$R" --force-depends --force-confold -i "$DEB" >"$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "upgrade"; }
grep -q '^# edited by the operator' "$R/etc/dwcp-agent/application.yml" || fail "upgrade lost the edited conffile"
[ "$(rootdo getent passwd dwcp-agent | cut -d: -f3)" = "$uid" ] || fail "upgrade changed the user"
pass "upgrade (dpkg -i over the installed version): edited /etc/dwcp-agent/application.yml kept, same user"

# --- remove keeps config and user; purge cleans ---
dpkg --root="$R" -r dwcp-agent >"$WORK/remove.log" 2>&1 || { cat "$WORK/remove.log"; fail "remove"; }
[ ! -e "$R/usr/share/dwcp-agent/dwcp-agent.jar" ] || fail "remove left the jar"
[ -f "$R/etc/dwcp-agent/application.yml" ] || fail "remove deleted the config"
rootdo getent passwd dwcp-agent >/dev/null || fail "remove deleted the user"
dpkg --root="$R" --purge dwcp-agent >"$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "purge"; }
for p in /etc/dwcp-agent /var/lib/dwcp-agent /var/cache/dwcp-agent /usr/bin/dwcp-agent /lib/systemd/system/dwcp-agent.service; do
  [ ! -e "$R$p" ] || fail "purge left $p"
done
! rootdo getent passwd dwcp-agent >/dev/null || fail "purge left user dwcp-agent"
! rootdo getent group dwcp-agent >/dev/null || fail "purge left group dwcp-agent"
pass "remove keeps config and user; purge removes config, state, cache, user and group"
