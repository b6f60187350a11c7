#!/bin/sh
# Suite: the README's first command, contrib/demo.sh, on a free port:
# it must show dig getting the configured answers with the aa flag.
# Protocol: "pass: NAME" / "FAIL: NAME: reason" lines; exit 0 iff no FAIL.
cd "$(dirname "$0")/.." || exit 1
port=$(( 40000 + $$ % 10000 ))
while ss -Hlun "sport = :$port" 2>/dev/null | grep -q . && [ "$port" -lt 50999 ]; do
	port=$((port + 1))
done
out=$(PORT=$port timeout 60 sh contrib/demo.sh 2>&1)
bad=
for want in "www.example.com.	60	IN	A	198.51.100.1" \
    "www.example.com.	60	IN	AAAA	2001:db8::1" \
    "www.example.com.	60	IN	NS	server2.com." \
    "status: NXDOMAIN" "flags: qr aa;"; do
	printf '%s\n' "$out" | grep -qF "$want" || bad="$bad [$want]"
done
if [ -z "$bad" ]; then
	echo "pass: demo-answers-dig"
else
	echo "FAIL: demo-answers-dig: missing$bad; last lines: $(printf '%s\n' "$out" | tail -3 | tr '\n' ' ')"
	exit 1
fi
