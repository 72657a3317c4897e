#!/usr/bin/env bash
# Whole-process benchmarks of the SSH backend (docs/performance.md, "SSH hosts"), against a real sshd on 127.0.0.1
# that this script starts with its own keys, so the "host" is this machine:
#   upload  the code upload: a project of UPLOAD_MB of random bytes; `tar -c | ssh HOST 'tar -x'` next to
#           `dstack run -b ssh`, whose controller logs "dstack: uploaded to bench: N MB in T s";
#   port    a forwarded port: curl of PORT_MB from a server on the host, through `ssh -N -L` and through the tunnel
#           of an attached `dstack run -b ssh` with `ports:` (and straight to the server, for scale);
#   first   the time to the first log line: from the start of `dstack run -y` to the job's first line
#           (`echo first-line`) on its standard output, on the SSH host (with its connection shared, and with none
#           open) and on the local backend.
# Prints a Markdown table and writes benchmarks/ssh/results.json.
#   bash benchmarks/scripts/ssh_bench.sh [RUNS]      (default 3; every measure is repeated RUNS times)
# Environment: SSH_BENCH_UPLOAD_MB (default 200), SSH_BENCH_PORT_MB (default 500), SSH_BENCH_PARTS (default
# "upload port first"), SSH_BENCH_BASHRC=1 to let the login shell read its startup files (see the sshd_config below).
# Needs /usr/sbin/sshd, ssh, ssh-keygen, python3, curl. Everything it starts and writes is removed on exit, its runs'
# folders on the host included; it leaves only benchmarks/ssh/results.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
runs="${1:-3}"
upload_mb="${SSH_BENCH_UPLOAD_MB:-200}"
port_mb="${SSH_BENCH_PORT_MB:-500}"
parts="${SSH_BENCH_PARTS:-upload port first}"
[[ $runs =~ ^[1-9][0-9]?$ ]] || { echo "usage: $0 [RUNS, 1 to 99]" >&2; exit 2; }
[[ $upload_mb =~ ^[1-9][0-9]{0,4}$ && $port_mb =~ ^[1-9][0-9]{0,4}$ ]] || { echo "SSH_BENCH_UPLOAD_MB and SSH_BENCH_PORT_MB are whole numbers" >&2; exit 2; }
for part in $parts; do
  [[ $part =~ ^(upload|port|first)$ ]] || { echo "SSH_BENCH_PARTS: unknown part $part (upload, port, first)" >&2; exit 2; }
done
for tool in /usr/sbin/sshd ssh ssh-keygen python3 curl tar; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done

dotnet build "$root/src/Dstack.Cli" -c Release -nologo -v quiet
dstack="$root/src/Dstack.Cli/bin/Release/net10.0/dstack"
out_dir="$root/benchmarks/ssh"
user="$(id -un)"
python="$(command -v python3)"
interpreter="$("$python" -c 'import sys; print(sys.executable)')" # the real one (not a pyenv shim), for the servers

# Short: dstack's ssh control sockets live under it, and a socket path holds at most 107 characters.
work="$(mktemp -d /tmp/dskb-XXXX)"
tag="dskb-$(basename "$work" | cut -d- -f2 | tr 'A-Z' 'a-z')" # the prefix of this script's run names
samples="$work/samples"
: > "$samples"
export DSTACK_HOME="$work/home" DSTACK_SSH_CONFIG_INCLUDE=0
sshd_pid="" server_pid="" tunnel_pid="" run_pid=""
active_runs=() # runs that may still be going when the script stops early

stop_pid() { # stops a process this script started and waits for it (at most 10 s)
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? name socket
  set +e
  stop_pid "$run_pid"
  stop_pid "$tunnel_pid"
  stop_pid "$server_pid"
  for name in "${active_runs[@]}"; do
    timeout 60 "$dstack" stop -x -y "$name" >/dev/null 2>&1
  done
  timeout 30 "$dstack" pool remove bench >/dev/null 2>&1 # closes the shared connection (ControlPersist)
  for socket in "$DSTACK_HOME"/ssh/cm-* "$work"/cm; do
    [ -S "$socket" ] && timeout 10 ssh -S "$socket" -O exit bench >/dev/null 2>&1
  done
  stop_pid "$sshd_pid"
  rm -rf "$HOME/.dstack-runs/$tag"-* # the runs' folders on the host (the controller removes them; a killed one does not)
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_us() { echo "${EPOCHREALTIME/./}"; } # microseconds, without starting a process

record() { # record KIND VALUE: one sample, summarised at the end
  echo "$1 $2" >> "$samples"
}

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() { # wait_for_port PORT SECONDS: until something accepts on 127.0.0.1:PORT
  local i
  for i in $(seq 1 $(($2 * 20))); do
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing answered on 127.0.0.1:$1 within $2 s" >&2
  return 1
}

forget_run() { # the run NAME ended by itself
  local name="$1" i
  for i in "${!active_runs[@]}"; do [ "${active_runs[$i]}" != "$name" ] || unset 'active_runs[i]'; done
}

# dstack_run PROJECT NAME ARGS...: an attached `dstack run -y -n NAME ARGS` in PROJECT; its output goes to $work/NAME.*
dstack_run() {
  local project="$1" name="$2"
  shift 2
  active_runs+=("$name")
  (cd "$project" && exec timeout 300 "$dstack" run -y -n "$name" "$@" > "$work/$name.out" 2> "$work/$name.err") \
    || { echo "$name failed:" >&2; cat "$work/$name.err" >&2; return 1; }
  forget_run "$name"
}

# --- the SSH host: sshd on 127.0.0.1 with its own host key and a client key --------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
ssh_port="$(free_port)"
cat > "$work/sshd_config" <<EOF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
LogLevel ERROR
EOF
# sshd runs every command through the login shell, and bash reads ~/.bashrc when sshd starts it unless SHLVL is set.
# On the machine these numbers come from, root's ~/.bashrc runs `pyenv init` (about 50 ms per command, and a lock
# file that a login killed half-way leaves behind, after which every login waits 60 s); SHLVL=1 keeps it out.
[ "${SSH_BENCH_BASHRC:-0}" = 1 ] || echo "SetEnv SHLVL=1" >> "$work/sshd_config"
mkdir -p /run/sshd # sshd checks that its privilege separation folder exists
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2> "$work/sshd.log" &
sshd_pid=$!
wait_for_port "$ssh_port" 15
# dstack's options for ssh (docs/backends.md) less connection sharing, for the plain-ssh baselines
ssh_opts=(-i "$work/client_key" -p "$ssh_port" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10
  -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$work/known_hosts" -o HashKnownHosts=no
  -o ServerAliveInterval=5 -o ServerAliveCountMax=3)
"$dstack" pool add-ssh "$user@127.0.0.1" -p "$ssh_port" -i "$work/client_key" --name bench
cipher="$(ssh -v "${ssh_opts[@]}" "$user@127.0.0.1" true 2>&1 | sed -nE 's/.*kex: client->server cipher: ([^ ]+).*/\1/p' | head -n 1)"

# --- upload ---------------------------------------------------------------------------------------------------------
bench_upload() {
  local big="$work/big" i j k start line
  mkdir -p "$big/data"
  printf 'type: task\ncommands:\n  - echo first-line\n' > "$big/.dstack.yml"
  for i in $(seq 1 20); do
    head -c "$((upload_mb * 1024 * 1024 / 20))" /dev/urandom > "$big/data/blob$i.bin"
  done
  for j in $(seq 1 10); do # 300 small files, 0.2 to 8 KB
    mkdir -p "$big/src/m$j"
    for k in $(seq 1 30); do head -c "$(((j * k * 997) % 8000 + 200))" /dev/urandom > "$big/src/m$j/f$k.py"; done
  done
  record upload_files "$(find "$big" -type f | wc -l)"
  record upload_bytes "$(du -sb --apparent-size "$big" | cut -f1)"
  echo "upload: $upload_mb MB, $runs runs of each" >&2

  # A control master of our own, for tar | ssh over a shared connection (the path dstack's upload takes).
  ssh "${ssh_opts[@]}" -M -S "$work/cm" -N -o ControlPersist=no "$user@127.0.0.1" &
  tunnel_pid=$!
  for i in $(seq 1 100); do ssh -S "$work/cm" -O check bench 2>/dev/null && break; sleep 0.1; done

  dstack_run "$big" "$tag-warm" -b ssh # warm-up: the page cache of the files, the host's first login
  for i in $(seq 1 "$runs"); do
    sync
    start=$(now_us)
    tar -c -C "$big" . | ssh "${ssh_opts[@]}" "$user@127.0.0.1" "mkdir -p $work/x && tar -x -C $work/x"
    record upload_tar_ssh_s "$(($(now_us) - start))e-6"
    rm -rf "$work/x"
    sync
    start=$(now_us)
    tar -c -C "$big" . | ssh "${ssh_opts[@]}" -S "$work/cm" "$user@127.0.0.1" "mkdir -p $work/x && tar -x -C $work/x"
    record upload_tar_ssh_shared_s "$(($(now_us) - start))e-6"
    rm -rf "$work/x"
    sync
    start=$(now_us)
    dstack_run "$big" "$tag-up-$i" -b ssh
    record upload_dstack_run_s "$(($(now_us) - start))e-6"
    # The controller's typed "uploaded" event (bytes, seconds), from dstack ps --json: no log line is parsed.
    uploaded="$("$dstack" ps -a --json | "$python" -c 'import json, sys
run = next(r for r in json.load(sys.stdin)["runs"] if r["name"] == sys.argv[1])
event = next(e for e in run["events"] if e["kind"] == "uploaded")
print(event["bytes"], event["seconds"])' "$tag-up-$i")" || { cat "$work/$tag-up-$i.err" >&2; return 1; }
    record upload_dstack_event_bytes "${uploaded% *}"
    record upload_dstack_event_s "${uploaded#* }"
  done
  stop_pid "$tunnel_pid"
  tunnel_pid=""
  for i in $(seq 1 "$runs"); do # the cost of a login, for reading the tar | ssh numbers
    start=$(now_us)
    ssh "${ssh_opts[@]}" "$user@127.0.0.1" true
    record ssh_login_s "$(($(now_us) - start))e-6"
  done
  rm -rf "$big"
}

# --- port -----------------------------------------------------------------------------------------------------------
curl_speed() { # curl_speed PORT KIND: one download through 127.0.0.1:PORT, recorded in bytes per second
  local result
  result="$(curl -sS --max-time 120 -o /dev/null -w '%{speed_download} %{size_download}' "http://127.0.0.1:$1/")"
  [ "${result#* }" = "$((port_mb * 1024 * 1024))" ] || { echo "curl through port $1 got ${result#* } bytes" >&2; return 1; }
  record "$2" "${result% *}"
}

bench_port() {
  local ports="$work/ports" server_port job_port job_local_port local_port name i j
  mkdir -p "$ports"
  cat > "$ports/serve.py" <<'EOF'
# Answers every HTTP request with MEGABYTES MB of random bytes (one MB, sent again and again), on 127.0.0.1:PORT.
import os, socket, sys, threading
port, megabytes = int(sys.argv[1]), int(sys.argv[2])
chunk = memoryview(os.urandom(1024 * 1024))
def serve(client):
    with client:
        try:
            client.recv(65536)
            client.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % (megabytes * len(chunk)))
            for _ in range(megabytes):
                client.sendall(chunk)
        except OSError:
            pass
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(16)
print("serving on", port, flush=True)
while True:
    client, _ = server.accept()
    threading.Thread(target=serve, args=(client,), daemon=True).start()
EOF
  server_port="$(free_port)"
  "$interpreter" "$ports/serve.py" "$server_port" "$port_mb" > "$work/serve.log" 2>&1 &
  server_pid=$!
  wait_for_port "$server_port" 10
  job_port="$(free_port)"
  job_local_port="$(free_port)"
  printf 'type: task\nports: ["%s:%s"]\ncommands:\n  - exec %s serve.py %s %s\n' \
    "$job_local_port" "$job_port" "$interpreter" "$job_port" "$port_mb" > "$ports/.dstack.yml"
  echo "port: $port_mb MB per download, $runs runs of each" >&2
  curl_speed "$server_port" warm_up_Bps
  for i in $(seq 1 "$runs"); do
    curl_speed "$server_port" port_direct_Bps

    local_port="$(free_port)"
    ssh "${ssh_opts[@]}" -N -o ExitOnForwardFailure=yes -L "$local_port:127.0.0.1:$server_port" "$user@127.0.0.1" &
    tunnel_pid=$!
    wait_for_port "$local_port" 20
    sleep 1 # as for dstack below
    curl_speed "$local_port" port_ssh_L_Bps
    stop_pid "$tunnel_pid"
    tunnel_pid=""

    name="$tag-port-$i"
    active_runs+=("$name")
    (cd "$ports" && exec timeout 300 "$dstack" run -b ssh -y -n "$name" > "$work/$name.out" 2> "$work/$name.err") &
    run_pid=$!
    # Until the job runs, the CLI only holds the local port (a connection then is reset): wait for the tunnel
    # ("Forwarded ports") and for the job's server ("serving on" in the job's output).
    for j in $(seq 1 600); do
      grep -q '^Forwarded ports' "$work/$name.out" "$work/$name.err" && grep -q '^serving on' "$work/$name.out" && break
      kill -0 "$run_pid" 2>/dev/null || { cat "$work/$name.err" >&2; return 1; }
      sleep 0.1
    done
    grep -q '^serving on' "$work/$name.out" || { echo "$name did not forward its port in 60 s" >&2; cat "$work/$name.err" >&2; return 1; }
    # A second for the CLI and the controller to settle: right after the job starts they still start its log followers
    # and compile code, which on 2 cores took 10-20 % off a download started at once.
    sleep 1
    curl_speed "$job_local_port" port_dstack_Bps
    timeout 120 "$dstack" stop -y "$name" > /dev/null
    wait "$run_pid" || true # the attached run ends with the job's status (stopped)
    run_pid=""
    forget_run "$name"
  done
  stop_pid "$server_pid"
  server_pid=""
}

# --- first ----------------------------------------------------------------------------------------------------------
first_line() { # first_line KIND NAME ARGS...: the time from start to the job's first line on stdout, and to the exit
  local kind="$1" name="$2" start seen="" line
  shift 2
  active_runs+=("$name")
  start=$(now_us)
  while IFS= read -r line; do
    if [ -z "$seen" ] && [ "$line" = first-line ]; then seen=$(now_us); fi
  done < <(cd "$work/small" && exec timeout 120 "$dstack" run -y -n "$name" "$@" 2> "$work/$name.err")
  [ -n "$seen" ] || { echo "$name printed no first-line" >&2; cat "$work/$name.err" >&2; return 1; }
  record "${kind}_first_line_s" "$((seen - start))e-6"
  record "${kind}_exit_s" "$(($(now_us) - start))e-6"
  forget_run "$name"
}

close_connection() { # the state of a host nobody used for a minute: no shared connection, no cached probe
  local socket
  for socket in "$DSTACK_HOME"/ssh/cm-*; do
    [ -S "$socket" ] && { timeout 10 ssh -S "$socket" -O exit bench >/dev/null 2>&1 || true; }
  done
  rm -rf "$DSTACK_HOME/ssh/probes"
}

bench_first() {
  local i
  mkdir -p "$work/small"
  printf 'type: task\ncommands:\n  - echo first-line\n' > "$work/small/.dstack.yml"
  printf 'print("hello")\n' > "$work/small/main.py"
  printf '# small\n' > "$work/small/README.md"
  echo "first log line: $runs runs of each" >&2
  first_line warm_up_ssh "$tag-warm-ssh" -b ssh
  first_line warm_up_local "$tag-warm-local" -b local
  for i in $(seq 1 "$runs"); do
    first_line ssh "$tag-first-$i" -b ssh
    close_connection
    first_line ssh_cold "$tag-cold-$i" -b ssh
    first_line local "$tag-local-$i" -b local
  done
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for part in $parts; do
  "bench_$part"
done

# --- report ---------------------------------------------------------------------------------------------------------
mkdir -p "$out_dir"
"$python" - "$samples" "$out_dir/results.json" "$runs" "$port_mb" "$cipher" "$load_before" "${SSH_BENCH_BASHRC:-0}" <<'EOF'
import datetime, json, os, platform, statistics, subprocess, sys
samples_file, out, runs, port_mb, cipher, load_before, bashrc = sys.argv[1:]
samples = {}
for line in open(samples_file):
    kind, value = line.rstrip("\n").split(" ", 1)
    samples.setdefault(kind, []).append(json.loads(value) if value.startswith('"') else float(value))
MB = 1024 * 1024
med = lambda kind: statistics.median(samples[kind])
rows, result = [], {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cores": os.cpu_count(), "kernel": platform.release(), "load_average_before": load_before,
                "load_average_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                "ssh": subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip(), "cipher": cipher,
                "login_shell_startup_files": bashrc == "1"},
    "runs": int(runs),
}
if "upload_tar_ssh_s" in samples:
    size = samples["upload_bytes"][0]
    tar, shared = (size / MB / med(k) for k in ("upload_tar_ssh_s", "upload_tar_ssh_shared_s"))
    # the controller's "uploaded" event: its bytes over its seconds (the connection already open)
    logged = [b / MB / s for b, s in zip(samples["upload_dstack_event_bytes"], samples["upload_dstack_event_s"])]
    seconds = samples["upload_dstack_event_s"]
    dstack = statistics.median(logged)
    rows += [
        (f"upload {size / MB:.0f} MB: `tar -c \\| ssh HOST 'tar -x'`", f"{tar:.0f} MB/s ({med('upload_tar_ssh_s'):.2f} s)",
         f"new connection; a login alone (`ssh HOST true`) takes {med('ssh_login_s') * 1000:.0f} ms"),
        ("upload: the same over a shared connection (`-S`)", f"{shared:.0f} MB/s ({med('upload_tar_ssh_shared_s'):.2f} s)", ""),
        ("upload: `dstack run -b ssh` (the controller's uploaded event)", f"{dstack:.0f} MB/s ({statistics.median(seconds):.2f} s)",
         f"**{dstack / tar:.0%}** of tar \\| ssh, {dstack / shared:.0%} of the shared one; whole `dstack run` {med('upload_dstack_run_s'):.2f} s"),
    ]
    result["upload"] = {"files": int(samples["upload_files"][0]), "bytes": int(size), "tar_ssh_mb_per_s": tar,
                        "tar_ssh_shared_mb_per_s": shared, "dstack_mb_per_s": dstack, "dstack_over_tar_ssh": dstack / tar,
                        "dstack_over_tar_ssh_shared": dstack / shared, "ssh_login_s": med("ssh_login_s"),
                        "dstack_whole_run_s": med("upload_dstack_run_s")}
if "port_direct_Bps" in samples:
    direct, ssh_l, dstack = (med(k) / MB for k in ("port_direct_Bps", "port_ssh_L_Bps", "port_dstack_Bps"))
    rows += [
        (f"port, {port_mb} MB: curl straight to the server", f"{direct:,.0f} MB/s", ""),
        ("port: curl through `ssh -N -L`", f"{ssh_l:,.0f} MB/s", ""),
        ("port: curl through `dstack run -b ssh` (`ports:`)", f"{dstack:,.0f} MB/s", f"**{dstack / ssh_l:.0%}** of ssh -L"),
    ]
    result["port"] = {"megabytes": int(port_mb), "direct_mb_per_s": direct, "ssh_L_mb_per_s": ssh_l,
                      "dstack_mb_per_s": dstack, "dstack_over_ssh_L": dstack / ssh_l}
if "ssh_first_line_s" in samples:
    result["first_line_ms"] = {}
    for kind, label in (("ssh", "SSH host, connection shared"), ("ssh_cold", "SSH host, no connection open"), ("local", "local backend")):
        low, middle = min(samples[kind + "_first_line_s"]) * 1000, med(kind + "_first_line_s") * 1000
        rows.append((f"first log line, {label}: min / median", f"{low:.0f} / {middle:.0f} ms", f"exit {med(kind + '_exit_s') * 1000:.0f} ms (median)"))
        result["first_line_ms"][kind] = {"min": low, "median": middle, "exit_median": med(kind + "_exit_s") * 1000}
result["samples"] = samples
print(f"\n{runs} runs of each, medians; MB = 1,048,576 bytes; cipher {cipher}; load average {load_before} before, {result['machine']['load_average_after']} after\n")
print("| Measure | Result | Ratio / note |")
print("|---|---:|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(f"\nwritten to {os.path.relpath(out)}")
EOF
