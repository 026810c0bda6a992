#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the given cmocka unit-test binaries, printing their output, one result
# line per binary and a closing "N passed, N failed" (N counts test cases).
set -eu
[ $# -gt 0 ] || {
	echo "usage: tests/run-unit.sh BINARY..." >&2
	exit 2
}
exec python3 "$(dirname "$0")/run.py" --unit-only "$@"
