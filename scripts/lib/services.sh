# Sourced by scripts/test. The cluster tests (faults/, dev.hookline.faults.cluster) and the redis
# and postgres plugins' tests use Redis and PostgreSQL on loopback, at their standard ports. This
# starts them when they are down, with the machine's own commands (its environment doc), and
# leaves them running afterwards: other jobs may use them.

# wait_until WHAT SECONDS COMMAND...: polls COMMAND every 0.5 s, at most SECONDS
hookline_wait_until() {
  local what=$1 seconds=$2 tries
  shift 2
  for ((tries = seconds * 2; tries > 0; tries--)); do
    if "$@" >/dev/null 2>&1; then
      echo "== $what answers"
      return 0
    fi
    sleep 0.5
  done
  echo "== $what did not answer within ${seconds}s" >&2
  return 1
}

hookline_redis_answers() {
  [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ]
}

hookline_ensure_services() {
  if pg_isready -h 127.0.0.1 >/dev/null 2>&1; then
    echo "== PostgreSQL answers on 127.0.0.1:5432"
  else
    echo "== starting PostgreSQL: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    hookline_wait_until PostgreSQL 60 pg_isready -h 127.0.0.1
  fi
  if hookline_redis_answers; then
    echo "== Redis answers on 127.0.0.1:6379"
  else
    echo "== starting Redis on 127.0.0.1:6379 (no persistence, log /var/log/redis/ci.log)"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    hookline_wait_until Redis 30 hookline_redis_answers
  fi
}
