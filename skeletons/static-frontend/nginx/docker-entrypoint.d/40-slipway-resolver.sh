#!/bin/sh
# Writes /tmp/nginx/resolver.conf, the `resolver` directive nginx.conf includes.
#
# nginx resolves the /api backends at request time (conf.d/default.conf), through the DNS
# server its `resolver` names, and that has to be an IP address: nginx cannot look up the
# name of its own DNS server (kube-dns.kube-system.svc.cluster.local does not work there).
# The addresses come from, in this order:
#   NGINX_RESOLVER    set in the pod spec: space-separated IPv4 or [IPv6] addresses,
#                     each with an optional :port (e.g. "10.96.0.10" or "169.254.20.10:53")
#   /etc/resolv.conf  the nameservers the kubelet wrote for the pod: with the default
#                     dnsPolicy ClusterFirst, the cluster DNS Service IP (or NodeLocal
#                     DNSCache's link-local address), which is what the pod itself uses
# Anything that is not an address stops the container here, with a message, instead of
# starting an nginx whose every /api request fails.
#
# The image's /docker-entrypoint.sh runs /docker-entrypoint.d/*.sh in order before it
# starts nginx, and stops when one fails. SLIPWAY_RESOLVER_CONF and SLIPWAY_RESOLV_CONF
# move the two files (for tests); leave them unset in a pod.
set -eu
# No globbing: the addresses are split on spaces, and a "*" must not become file names.
set -f

ME=$(basename "$0")
out=${SLIPWAY_RESOLVER_CONF:-/tmp/nginx/resolver.conf}
resolv_conf=${SLIPWAY_RESOLV_CONF:-/etc/resolv.conf}
# How long nginx keeps an answer, whatever its TTL: Service IPs rarely change, and a
# recreated Service is picked up within this time.
valid=10s

fail() {
  echo "$ME: $*" >&2
  exit 1
}

if [ -n "${NGINX_RESOLVER:-}" ]; then
  servers=$NGINX_RESOLVER
  from=NGINX_RESOLVER
else
  [ -r "$resolv_conf" ] || fail "NGINX_RESOLVER is not set and $resolv_conf cannot be read"
  # IPv6 nameservers get the brackets nginx needs; a zone (fe80::1%eth0) nginx cannot use.
  servers=$(awk '$1 == "nameserver" && $2 !~ /%/ { if ($2 ~ /:/) printf "[%s] ", $2; else printf "%s ", $2 }' "$resolv_conf")
  from=$resolv_conf
fi

checked=
for server in $servers; do
  if printf '%s\n' "$server" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$'; then
    checked="$checked $server"
  else
    fail "$from: \"$server\" is not an IP address (nginx's resolver needs IPv4, or IPv6 in brackets, each with an optional :port)"
  fi
done
[ -n "$checked" ] || fail "no DNS server: set NGINX_RESOLVER, or give the pod a nameserver in $resolv_conf"

mkdir -p "$(dirname "$out")"
printf 'resolver%s valid=%s;\n' "$checked" "$valid" > "$out.tmp"
mv "$out.tmp" "$out"
echo "$ME: nginx resolves backends through$checked (from $from)"
