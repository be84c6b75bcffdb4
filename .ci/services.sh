#!/usr/bin/env bash
# Runs the given command with the services the tests need:
# - a Redis answering at $REDIS_ADDR (default 127.0.0.1:6379). When none
#   answers and redis-server is installed, it starts a private one on a free
#   port for the command's lifetime; when redis-server is missing it says how
#   to install it and fails;
# - a PostgreSQL database at $PDPATH_TEST_POSTGRES (default
#   postgres://postgres@127.0.0.1:5432/test?sslmode=disable). When the server
#   answers without that database, it is created; when no server answers, or
#   the database cannot be created, it says which and how to fix it, and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

redis_addr=${REDIS_ADDR:-127.0.0.1:6379}
host=${redis_addr%:*}
port=${redis_addr##*:}

answers() { # host port
	if command -v redis-cli >/dev/null 2>&1; then
		[ "$(redis-cli -h "$1" -p "$2" ping 2>/dev/null)" = "PONG" ]
	else
		(exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null
	fi
}

started=""
if ! answers "$host" "$port"; then
	if ! command -v redis-server >/dev/null 2>&1; then
		echo "make test needs Redis: none answers at $redis_addr and redis-server is not installed." >&2
		echo "Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)" >&2
		echo "or point REDIS_ADDR at a running one." >&2
		exit 1
	fi
	port=$(( 20000 + RANDOM % 20000 ))
	dir=$(mktemp -d)
	redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize yes \
		--pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
	for _ in $(seq 50); do answers 127.0.0.1 "$port" && break; sleep 0.1; done
	started="$dir"
	host=127.0.0.1
	echo "started a private redis-server on 127.0.0.1:$port for the tests" >&2
fi
cleanup() {
	if [ -n "$started" ] && [ -f "$started/redis.pid" ]; then
		kill "$(cat "$started/redis.pid")" 2>/dev/null || true
		rm -rf "$started"
	fi
}
trap cleanup EXIT

export PDPATH_TEST_REDIS="redis://$host:$port/15"
tool=$(mktemp -d)
"${GO:-go}" build -o "$tool/testdb" ./.ci/testdb
if ! "$tool/testdb"; then rm -rf "$tool"; exit 1; fi
rm -rf "$tool"
"$@"
