#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A private nginx for the benchmarks, on 127.0.0.1 only, everything under DIR (a temp dir).
#
#   benchmarks/nginx.sh start DIR [--root WWW] [--upstream HOST:PORT]
#   benchmarks/nginx.sh stop DIR
#
# start writes DIR/nginx.conf, starts nginx (stopped again by stop, by the PID in DIR/nginx.pid)
# and prints "PORT H2PORT": PORT speaks HTTP/1.1, H2PORT HTTP/2 without TLS (h2c prior
# knowledge, "listen ... http2"); both are also written to DIR/port and DIR/port_h2. Both serve
#   /...        static files from WWW (default DIR/www), sendfile on, as text/event-stream;
#   /sub        an nchan EventSource subscriber of the channel "bench" (if nchan is installed);
#   /pub        its publisher (POST a message: every subscriber gets it as one event);
#   /proxy/...  with --upstream: proxy_pass to http://HOST:PORT/..., unbuffered.
# The limits allow 10,000+ concurrent streams: worker_rlimit_nofile and worker_connections
# 20000. NGINX_WORKERS sets worker_processes (default 1: the benchmark client needs the other
# core). Scripts call stop from an EXIT trap.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [--root WWW] [--upstream HOST:PORT] | stop DIR" >&2
    exit 2
}

[[ $# -ge 2 ]] || usage
command=$1
dir=$(cd "$2" && pwd)
shift 2

stop_nginx() {
    local pid
    [[ -s "$dir/nginx.pid" ]] || return 0
    pid=$(cat "$dir/nginx.pid")
    kill -TERM "$pid" 2>/dev/null || return 0 # fast shutdown: open streams are closed
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$dir/nginx.pid"; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/nginx.pid"
}

if [[ $command == stop ]]; then
    stop_nginx
    exit 0
fi
[[ $command == start ]] || usage

root="$dir/www"
upstream=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --root) root=$(cd "$2" && pwd); shift 2 ;;
    --upstream) upstream=$2; shift 2 ;;
    *) usage ;;
    esac
done
mkdir -p "$root" "$dir/tmp"

nchan_module=/usr/lib/nginx/modules/ngx_nchan_module.so
load_nchan="" nchan_locations=""
if [[ -f $nchan_module ]]; then
    load_nchan="load_module $nchan_module;"
    nchan_locations='
        location = /sub {
            nchan_subscriber eventsource;
            nchan_channel_id bench;
            nchan_subscriber_first_message newest;
        }
        location = /pub {
            nchan_publisher;
            nchan_channel_id bench;
            nchan_message_buffer_length 4;
            nchan_message_timeout 60s;
        }'
fi
proxy_location=""
if [[ -n $upstream ]]; then
    proxy_location="
        location /proxy/ {
            proxy_pass http://$upstream/;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_buffering off;
            proxy_cache off;
            proxy_read_timeout 1h;
        }"
fi

write_config() { # PORT H2PORT
    cat >"$dir/nginx.conf" <<CONF
# Written by benchmarks/nginx.sh
$load_nchan
user $(id -un);
worker_processes ${NGINX_WORKERS:-1};
worker_rlimit_nofile 20000;
worker_shutdown_timeout 1s;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 20000;
}
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    types { }
    default_type text/event-stream;
    charset off;
    gzip off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 100000;
    keepalive_timeout 1h;
    http2_max_concurrent_streams 1000;
    server {
        listen 127.0.0.1:$1 backlog=4096;
        listen 127.0.0.1:$2 http2 backlog=4096;
        root $root;
        add_header Cache-Control no-cache;$nchan_locations$proxy_location
    }
}
CONF
}

port_free() {
    ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# Free ports from the unprivileged range below the ephemeral one; a port taken between the check
# and nginx's bind makes nginx fail: then try others.
for attempt in $(seq 20); do
    port=$((20000 + RANDOM % 12000))
    port_h2=$((port + 1))
    port_free "$port" && port_free "$port_h2" || continue
    write_config "$port" "$port_h2"
    if nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/start.log"; then
        for _ in $(seq 50); do
            [[ -s "$dir/nginx.pid" ]] && break
            sleep 0.1
        done
        echo "$port" >"$dir/port"
        echo "$port_h2" >"$dir/port_h2"
        echo "$port $port_h2"
        exit 0
    fi
    grep -q "Address already in use" "$dir/start.log" || break
done
echo "nginx.sh: nginx did not start:" >&2
cat "$dir/start.log" >&2
exit 1
