#!/usr/bin/env bash
# The service endpoint against nginx as a reference reverse proxy (docs/performance.md, "Service endpoint"): the
# benchmark's replica on a fixed loopback port, two nginx in front of it (worker_processes 1 and 2, keep-alive
# connections to the replica), and the benchmark's clients sending the same GETs, in turns, straight to the replica,
# through the endpoint in the benchmark's process, through an endpoint in a process of its own (as the run controller
# hosts it), and through each nginx.
#   bash benchmarks/scripts/service_vs_nginx.sh [BENCHMARK OPTIONS...]    e.g. --repeats 7 --auth
# Environment: SERVICE_BENCH_WORK="0 100 500" runs one measurement per replica work (µs of CPU per request; default
# "0"; not --work-us, which the script sets), the options apply to each.
# Needs nginx (Debian: `apt-get install -y nginx-light`; its system service is not used: this script starts its own
# with a configuration in a temporary folder, listening on 127.0.0.1 only, and stops it) and python3 (for free ports).
# Everything it starts and writes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
works="${SERVICE_BENCH_WORK:-0}"
for work in $works; do
  [[ $work =~ ^[0-9]{1,6}$ ]] || { echo "SERVICE_BENCH_WORK: whole numbers of µs, not $work" >&2; exit 2; }
done
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx" ] || { echo "nginx is missing (Debian: apt-get install -y nginx-light)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 2; }

dotnet build "$root/benchmarks/Dstack.Benchmarks" -c Release -nologo -v quiet
bench="$root/benchmarks/Dstack.Benchmarks/bin/Release/net10.0/Dstack.Benchmarks"

work_dir="$(mktemp -d /tmp/dsnx-XXXX)"
nginx_pids=()

stop_pid() { # stops a process this script started and waits for it (at most 10 s)
  local pid="$1" i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? pid
  set +e
  for pid in "${nginx_pids[@]}"; do stop_pid "$pid"; done
  rm -rf "$work_dir"
  exit "$status"
}
trap cleanup EXIT INT TERM

# Free loopback ports (bound and released here, so one could in principle be taken before it is used: rerun then).
read -r replica_port nginx1_port nginx2_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])
for x in s: x.close()')

start_nginx() { # start_nginx NAME WORKERS PORT: an nginx of its own in $work_dir/NAME, in the foreground (daemon off)
  local name="$1" workers="$2" port="$3" dir="$work_dir/$1" i
  mkdir -p "$dir/tmp"
  cat > "$dir/nginx.conf" <<EOF
daemon off;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000;
  upstream replica {
    server 127.0.0.1:$replica_port;
    keepalive 32;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://replica;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host; # as the endpoint: the caller's Host, no X-Forwarded-* (neither adds them)
    }
  }
}
EOF
  "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  nginx_pids+=("$!")
  for i in $(seq 1 50); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null && return 0
    kill -0 "${nginx_pids[-1]}" 2>/dev/null || { cat "$dir/error.log" >&2; echo "nginx ($name) did not start" >&2; exit 1; }
    sleep 0.1
  done
  echo "nginx ($name) does not listen on 127.0.0.1:$port" >&2
  exit 1
}

start_nginx nginx-1w 1 "$nginx1_port"
start_nginx nginx-2w 2 "$nginx2_port"
sleep 0.5 # its workers started
nginx_cpu_pids() { # the master and its workers, for the benchmark's CPU time per request
  local pids="$1" child
  for child in $(pgrep -P "$1"); do pids="$pids,$child"; done
  echo "$pids"
}
echo "nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///'): worker_processes 1 on 127.0.0.1:$nginx1_port, 2 on 127.0.0.1:$nginx2_port; replica on 127.0.0.1:$replica_port; load average $(cut -d' ' -f1-3 /proc/loadavg)"

for work in $works; do
  echo "== replica work $work µs"
  timeout 900 "$bench" service --work-us "$work" --replica-port "$replica_port" --spawn endpoint-process \
    --via "nginx-1w=http://127.0.0.1:$nginx1_port/" --via "nginx-2w=http://127.0.0.1:$nginx2_port/" \
    --pids "nginx-1w=$(nginx_cpu_pids "${nginx_pids[0]}")" --pids "nginx-2w=$(nginx_cpu_pids "${nginx_pids[1]}")" "$@"
done
