#!/usr/bin/env bash
# The benchmark: lectern against Zola and Hugo on one synthetic corpus.
#
#   benches/run.sh N [ROUNDS]        e.g. benches/run.sh 10000 3
#
# 1. builds lectern (release) and generates the corpus of N documents into
#    benches/corpus-N/{lectern,zola,hugo} (deterministic; reused when present);
# 2. a warm-up round: every tool builds once (lectern mints every id and writes
#    lectern.lock; the page cache fills), reported apart;
# 3. ROUNDS rounds (default 3), the tools interleaved and their order rotated
#    each round, each a clean build into an emptied output folder (lectern with
#    its lock present, as in a committed archive); /usr/bin/time gives wall
#    time and peak RSS;
# 4. medians per tool, output size, lectern.lock size and the time to parse it;
# 5. the one-document rebuild under `lectern serve` (benches/serve_edit.rs).
#
# Peers come from benches/peers.sh (or set ZOLA=… HUGO=…; LECTERN=… runs another
# lectern binary); a missing peer is skipped. TOOLS="lectern zola" limits the tools; SERVE=0 skips step 5. On a
# shared machine only ratios from one run mean anything.
#
# FRESH=1 builds each time into a new folder and deletes them all only at the end.
# On ext4 without a journal, creating files soon after others were deleted scans
# past every recently deleted inode, and that cost can decide the ratios (see
# BENCHMARKS.md); FRESH=1 measures the tools without it.
set -euo pipefail
n="${1:?usage: benches/run.sh N [ROUNDS]}"
rounds="${2:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
corpus="${CORPUS:-$here/corpus-$n}"
lectern="${LECTERN:-$repo/target/release/lectern}"
ZOLA="${ZOLA:-$here/peers/zola-src/target/release/zola}"
HUGO="${HUGO:-$(ls "$here"/peers/hugo-venv/lib/python3*/site-packages/hugo/binaries/hugo 2>/dev/null || true)}"
TOOLS="${TOOLS:-lectern zola hugo}"
# BASE=/path/to/an/older/lectern adds it as the tool `base`, on a copy of the
# lectern corpus, for before/after numbers from the same run.
BASE="${BASE:-}"
[ -z "$BASE" ] || TOOLS="$TOOLS base"
log="$corpus/times.log"

cd "$repo"
[ -n "${LECTERN:-}" ] || cargo build --release --quiet
cargo bench --quiet --no-run --bench corpus --bench serve_edit --bench lock 2>/dev/null
if [ ! -f "$corpus/lectern/site.toml" ]; then
    cargo bench --quiet --bench corpus -- --docs "$n" --out "$corpus"
fi

if [ -n "$BASE" ] && [ ! -f "$corpus/base/site.toml" ]; then
    mkdir -p "$corpus/base"
    cp -r "$corpus/lectern/content" "$corpus/lectern/site.toml" "$corpus/base/"
fi

tools=()
for tool in $TOOLS; do
    case $tool in
        zola) [ -x "$ZOLA" ] || { echo "skipping zola: no $ZOLA (run benches/peers.sh)"; continue; } ;;
        hugo) [ -x "${HUGO:-}" ] || { echo "skipping hugo: not installed (run benches/peers.sh)"; continue; } ;;
    esac
    tools+=("$tool")
done

# build TOOL LABEL: one clean build, appending "LABEL TOOL wall_s peak_kb user_s sys_s" to the log.
fresh=0
declare -A output
build() {
    local tool=$1 label=$2 dir="$corpus/$1"
    local out="$dir/public"
    if [ "${FRESH:-0}" = 1 ]; then
        fresh=$((fresh + 1))
        out="$dir/fresh-$fresh"
    else
        rm -rf "$out"
    fi
    output[$tool]="$out"
    local cmd
    case $tool in
        lectern) cmd=("$lectern" build --root "$dir" --out "$out") ;;
        base) cmd=("$BASE" build --root "$dir" --out "$out") ;;
        zola) cmd=("$ZOLA" --root "$dir" build --output-dir "$out" --force) ;;
        hugo) cmd=("$HUGO" --source "$dir" --destination "$out" --quiet) ;;
    esac
    if ! /usr/bin/time -f "%e %M %U %S" "${cmd[@]}" >/dev/null 2>"$corpus/$tool.err"; then
        echo "$tool failed:"; tail -20 "$corpus/$tool.err"; exit 1
    fi
    local t
    t="$(tail -1 "$corpus/$tool.err")"
    echo "$label $tool $t" | tee -a "$log"
}

: >"$log"
echo "# warm-up (lectern: no lock yet)"
rm -f "$corpus/lectern/lectern.lock" "$corpus/base/lectern.lock"
for tool in "${tools[@]}"; do build "$tool" warmup; done
for ((r = 1; r <= rounds; r++)); do
    echo "# round $r"
    k=${#tools[@]}
    for ((i = 0; i < k; i++)); do build "${tools[$(((i + r) % k))]}" round; done
done

echo
echo "| $n documents, median of $rounds | wall s | peak RSS MB | user s | sys s | output MB | files |"
echo "|---|---|---|---|---|---|---|"
for tool in "${tools[@]}"; do
    med() { grep "^round $tool " "$log" | awk -v c="$1" '{print $c}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    out="$(du -sb "${output[$tool]}" | cut -f1)"
    files="$(find "${output[$tool]}" -type f | wc -l)"
    printf "| %s | %s | %d | %s | %s | %.0f | %d |\n" "$tool" "$(med 3)" "$(($(med 4) / 1024))" "$(med 5)" "$(med 6)" \
        "$(echo "$out / 1000000" | bc -l)" "$files"
done
[ "${FRESH:-0}" != 1 ] || rm -rf "$corpus"/*/fresh-*
markdown="$(du -sb "$corpus/lectern/content" | cut -f1)"
echo
for tool in lectern base; do
    [ -f "$corpus/$tool/lectern.lock" ] || continue
    lock="$(stat -c %s "$corpus/$tool/lectern.lock")"
    printf "%s: content %.1f MB, lectern.lock %.1f MB (%.1f %% of the content)\n" "$tool" \
        "$(echo "$markdown / 1000000" | bc -l)" "$(echo "$lock / 1000000" | bc -l)" "$(echo "100 * $lock / $markdown" | bc -l)"
done
grep "^warmup " "$log" | awk '{printf "first build (warm-up) %s: %s s, %d MB\n", $2, $3, $4 / 1024}'
cargo bench --quiet --bench lock -- "$corpus/lectern/lectern.lock"

if [ "${SERVE:-1}" != 0 ]; then
    echo
    cargo bench --quiet --bench serve_edit -- --lectern "$lectern" --root "$corpus/lectern" --rounds 5
    if [ -n "$BASE" ]; then
        echo "base:"
        cargo bench --quiet --bench serve_edit -- --lectern "$BASE" --root "$corpus/base" --rounds 5 --port 8750
    fi
fi
