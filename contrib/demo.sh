#!/bin/sh
# The README's first command: build failoverdns, start it as the
# nameserver of www.example.com for "server1" on 127.0.0.1 port 5300
# (UDP, socket-activated, as systemd would), and ask it with dig.
cd "$(dirname "$0")/.." || exit 1
sh tests/deps.sh demo || exit 1
make failoverdns || exit 1
port=${PORT:-5300}
set -- ./failoverdns -v -i 5 -n server1.com. -n server2.com. \
    www.example.com 198.51.100.1 2001:db8::1
echo "\$ systemd-socket-activate --datagram -l 127.0.0.1:$port $*"
systemd-socket-activate --datagram -l "127.0.0.1:$port" "$@" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT INT TERM
sleep 0.5
for type in A AAAA NS; do
	echo
	echo "\$ dig @127.0.0.1 -p $port www.example.com $type +norecurse"
	dig @127.0.0.1 -p "$port" www.example.com "$type" +norecurse \
	    +nocmd +nostats +noedns || exit 1
done
echo
echo "\$ dig @127.0.0.1 -p $port nope.www.example.com A +norecurse"
dig @127.0.0.1 -p "$port" nope.www.example.com A +norecurse +nocmd +nostats \
    +noedns
