#!/bin/sh
# make lint: clang-tidy (the checks in .clang-tidy) and cppcheck over the
# product's code, src/*.c and port/posix/*.c, with the build's include paths
# and defines. Prints "ok - ..." or "not ok - ..." per tool, each finding
# indented under it, keeps the full output in build/lint/, and exits 1 on any
# finding (2 when a tool or an input is missing).
#   sh tests/lint.sh              both tools, every file
#   sh tests/lint.sh src/http.c   only the files named
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
. "$top/toolchains/mbedtls.pin"
out=build/lint
mkdir -p "$out"

files=${*:-$(ls src/*.c port/posix/*.c)}
nfiles=$(echo $files | wc -w)
mbed_inc=build/src/$MBEDTLS_DIR/include
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
if [ -z "$tidy" ] || ! command -v cppcheck > /dev/null; then
    echo "not ok - lint: clang-tidy-14 and cppcheck are needed (make deps)"; exit 2
fi
if [ ! -d "$mbed_inc" ]; then
    echo "not ok - lint: no $mbed_inc (make deps fetches it)"; exit 2
fi
make -s --no-print-directory build/include/jsmn.h > /dev/null 2>&1 || {
    echo "not ok - lint: cannot make build/include/jsmn.h (make deps)"; exit 2; }

# the build's view of the code (the Makefile's CPPFLAGS and warnings,
# native), as a compilation database for clang-tidy, so no flag goes
# through a shell twice
db=$out/compile_commands.json
{
    sep='['
    for f in $files; do
        printf '%s\n{"directory": "%s", "file": "%s", "arguments": ["cc", "-std=c11",' "$sep" "$top" "$f"
        printf ' "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Wconversion",'
        printf ' "-iquote", "src", "-iquote", "port", "-Ibuild/include", "-I%s",' "$mbed_inc"
        printf ' "-D_DEFAULT_SOURCE", "-DGWHIST_VERSION=\\"0.0.0\\"", "-DGWHIST_TARGET=\\"lint\\"",'
        printf ' "-DMBEDTLS_CONFIG_FILE=\\"%s/port/mbedtls_config.h\\"", "-c", "%s"]}' "$top" "$f"
        sep=','
    done
    printf '\n]\n'
} > "$db"
rc=0

# finding lines: "file:line:col: warning|error|style|...: text [check]"
finding='^[^ ].*:[0-9]+:[0-9]+: [a-z]+: .*\[[A-Za-z0-9.,_-]+\]$'
report() { # tool, raw output, ok|fail (fail: the tool itself failed)
    n=$(grep -cE "$finding" "$2")
    if [ "$n" -eq 0 ] && [ "$3" = ok ]; then
        echo "ok - $1 clean ($nfiles files)"
    else
        echo "not ok - $1: $n findings (full output: $2)"
        grep -E "$finding" "$2" | sed "s|^$top/||; s/^/  # /" | head -n 60
        rc=1
    fi
}

# clang-tidy: one process per file, two at a time; the build's compiler
# warnings come along as clang-diagnostic-*
: > "$out/tidy.failed"
rm -rf "$out/tidy" && mkdir -p "$out/tidy"
for f in $files; do echo "$f"; done | TIDY=$tidy OUT=$out xargs -P 2 -n 1 sh -c '
    o="$OUT/tidy/$(echo "$1" | tr / _).txt"
    "$TIDY" --quiet --config-file=.clang-tidy -p "$OUT" "$1" > "$o" 2>&1 || echo "$1" >> "$OUT/tidy.failed"
' sh
for f in $files; do cat "$out/tidy/$(echo "$f" | tr / _).txt"; done > "$out/clang-tidy.txt" 2>&1
rm -rf "$out/tidy"
tstate=ok
# a failure without a finding line (a crash, a bad flag) still fails
if [ -s "$out/tidy.failed" ] && ! grep -qE "$finding" "$out/clang-tidy.txt"; then
    tstate=fail
    sed 's/^/  # clang-tidy failed on /' "$out/tidy.failed"
    grep -v '^ *$' "$out/clang-tidy.txt" | head -n 10 | sed 's/^/  # /'
fi
rm -f "$out/tidy.failed"
report clang-tidy "$out/clang-tidy.txt" $tstate

# cppcheck does not read the system headers, so CHAR_BIT (which mbedTLS's
# check_config.h tests with #error) is given as every target here has it
# shellcheck disable=SC2086
cppcheck -q --std=c11 --platform=unix64 --library=posix \
    --enable=warning,style,performance,portability --error-exitcode=1 --inline-suppr \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
    -I src -I port -I build/include -I "$mbed_inc" -D_DEFAULT_SOURCE -DCHAR_BIT=8 \
    -DGWHIST_VERSION='"0.0.0"' -DGWHIST_TARGET='"lint"' \
    -DMBEDTLS_CONFIG_FILE="\"$top/port/mbedtls_config.h\"" $files \
    > "$out/cppcheck.txt" 2>&1
crc=$?
cstate=ok
if [ $crc -ne 0 ] && ! grep -qE "$finding" "$out/cppcheck.txt"; then
    cstate=fail
    head -n 10 "$out/cppcheck.txt" | sed 's/^/  # cppcheck: /'
fi
report cppcheck "$out/cppcheck.txt" $cstate
exit $rc
