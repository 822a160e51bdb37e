# shellcheck shell=sh
# tvcap_video: prints the /dev node of sunxi-tvcap's video device (nothing
# when it has none). Shared by the guest tests that stream from it.
tvcap_video() {
	for v in /sys/class/video4linux/video*; do
		# read, not cat: the fault-injection loops call this per bind, and
		# a process costs about 0.1 s in the debug guest.
		name=
		read -r name 2>/dev/null <"$v/name"
		[ "$name" = sunxi-tvcap ] && echo "/dev/${v##*/}"
	done
}
# tvcap_client TOOL: the start of a test of Debian's TOOL (v4l2-ctl,
# v4l2-compliance) on sunxi-tvcap: a counted SKIP (exit 77) when the guest
# has no TOOL; else VIDEO is the capture node and the simulated source
# (SIM) is connected. Fails through the caller's fail().
SIM=/sys/kernel/debug/hy300-tvcap-sim
tvcap_client() {
	if ! command -v "$1" >/dev/null; then
		echo "SKIP $1 is not in this guest"
		exit 77
	fi
	VIDEO=$(tvcap_video)
	[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
	echo 1 >$SIM/connected || fail "cannot connect the simulated source"
}
# clocks "BUS CAPTURE DMA" WHEN: the enable counts of the capture block's
# three clocks (fixed-rate clocks tests/sim gives the node under the
# binding's names bus, mod and ram: the factory tree's clk_bus_tvcap,
# cap_300m and vincap_dma_clk) must be BUS CAPTURE DMA at WHEN. Fails
# through the caller's fail().
CLK=/sys/kernel/debug/clk
clocks() {
	got=""
	for c in bus cap dma; do
		[ -r "$CLK/hy300-sim-tvcap-$c/clk_enable_count" ] || fail "no clock hy300-sim-tvcap-$c in $CLK"
		got="$got $(cat "$CLK/hy300-sim-tvcap-$c/clk_enable_count")"
	done
	[ "${got# }" = "$1" ] || fail "$2: clock enable counts (bus, capture, dma) '${got# }', expected '$1'"
}
# value NAME [FILE]: the value of sample NAME in FILE (default $T/metrics;
# T is the caller's /sys/class/hy300/tvcap).
value() { grep "^$1 " "${2:-$T/metrics}" | cut -d' ' -f2; }
# expect NAME VALUE [FILE]: sample NAME is VALUE, or the caller's fail().
expect() {
	got=$(value "$1" "${3:-$T/metrics}")
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2' (${3:-$T/metrics})"
}
# The register status gauges (signal_detection only): one per bit.
status_bit() { expect "hy300_tvcap_status_bit{bit=\"$1\"}" "$2" "$T/signal_detection"; }
irq_enable_bit() { expect "hy300_tvcap_irq_enable_bit{bit=\"$1\"}" "$2" "$T/signal_detection"; }
irq_status_bit() { expect "hy300_tvcap_irq_status_bit{bit=\"$1\"}" "$2" "$T/signal_detection"; }
