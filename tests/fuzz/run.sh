#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs libFuzzer targets: tests/fuzz/run.sh [SECONDS [NAME...]]
#   SECONDS  fuzzing time per target (default 60); NAME  mb2, acpi, ... (default: all)
# Per target, from $BUILD/fuzz/fuzz_NAME (make fuzz-build):
#   1. replays every input in tests/fuzz/regress/NAME/ (past crashes);
#   2. fuzzes for SECONDS on a copy of tests/fuzz/corpus/NAME/ in
#      $BUILD/fuzz/corpus/NAME/ (new inputs go there, not into the source tree),
#      crash inputs go to $BUILD/fuzz/artifacts/NAME/, the log to $BUILD/fuzz/NAME.log.
# Prints "fuzz NAME: <execs> execs in <s> s, <n> crashes" per target, and the
# sanitizer report and artifact of each crash. Exits 1 if anything crashed.
# A crash is reproduced with: $BUILD/fuzz/fuzz_NAME <artifact>; once fixed, copy
# the artifact into tests/fuzz/regress/NAME/. BUILD is HV_BUILD, else BUILD, else build.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${HV_BUILD:-${BUILD:-build}}
secs=${1:-60}
[ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
	for f in "$here"/fuzz_*.c; do
		n=${f##*/fuzz_}
		set -- "$@" "${n%.c}"
	done
fi

: "${UBSAN_OPTIONS:=print_stacktrace=1}"
export UBSAN_OPTIONS
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
	export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

now() {
	date +%s.%N
}

# The sanitizer or CHECK report in a log, from its first line to its SUMMARY,
# without libFuzzer's and libc's own stack frames.
show_report() {
	awk '/ERROR: |check failed|runtime error|ALARM: |out-of-memory/ { on = 1 }
	     on && !/ in (fuzzer::|__libc_start|_start |main )/ && n++ < 30 { print "    | " $0 }
	     on && /^SUMMARY: / { exit }' "$1"
}

# Replays the regression inputs; prints and counts those that still crash.
replay() {
	bad=0
	for f in "$here/regress/$name"/*; do
		[ -f "$f" ] || continue
		if ! "$bin" "-artifact_prefix=$arts/regress-" "$f" >"$log" 2>&1; then
			echo "fuzz $name: regression input ${f#"$here"/} crashes again"
			show_report "$log"
			bad=$((bad + 1))
		fi
	done
	return $bad
}

run_one() {
	name=$1
	bin=$build/fuzz/fuzz_$name
	corpus=$build/fuzz/corpus/$name
	arts=$build/fuzz/artifacts/$name
	log=$build/fuzz/$name.log
	stamp=$build/fuzz/.start-$name
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: $bin is not built (make fuzz-build)"
		return 1
	fi
	mkdir -p "$corpus" "$arts"
	if [ -d "$here/corpus/$name" ]; then
		cp "$here/corpus/$name"/* "$corpus"/
	fi
	replay
	crashes=$?
	set -- "-max_total_time=$secs" -timeout=10 -print_final_stats=1 "-artifact_prefix=$arts/"
	[ -f "$here/fuzz_$name.dict" ] && set -- "$@" "-dict=$here/fuzz_$name.dict"
	set -- "$@" "$corpus"
	[ -d "$here/regress/$name" ] && set -- "$@" "$here/regress/$name"
	: >"$stamp"
	t0=$(now)
	"$bin" "$@" >"$log" 2>&1
	rc=$?
	t1=$(now)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	found=$(find "$arts" -type f -newer "$stamp")
	new=$(echo "$found" | grep -c .)
	crashes=$((crashes + new))
	[ $rc -ne 0 ] && [ "$new" -eq 0 ] && crashes=$((crashes + 1))
	printf 'fuzz %s: %s execs in %s s, %d crashes\n' "$name" "${execs:-0}" \
		"$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')" "$crashes"
	if [ $rc -ne 0 ]; then
		show_report "$log"
		for a in $found; do
			echo "    artifact: $a (reproduce: $bin $a)"
		done
		[ "$new" -eq 0 ] && echo "    libFuzzer exit status $rc, no artifact: see $log"
	fi
	[ "$crashes" -eq 0 ]
}

status=0
mkdir -p "$build/fuzz"
for name in "$@"; do
	run_one "$name" || status=1
done
exit $status
