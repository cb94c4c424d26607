# shellcheck shell=bash
# shellcheck disable=SC2154 # caller_dir, rounds, out, sweeps: sweep.sh's, which sources this
# bench/sweep.sh's knobs sweep (sourced by it): Debian's kernel under guest
# configurations that change what Linux writes into its own image at boot,
# each with its security cost. One loadbench run per configuration
# (DIR/knobs-<name>/), then bench/knobs_table.py makes DIR/knobs.dat and
# DIR/knobs.md from their summary.json and sharing.csv.
#
# Real Linux guests need native KVM: elsewhere the whole sweep runs in one
# boot of the nested rig (bench/rig/run.sh), which starts this script again
# with --rig off; a rig that stalls or crashes is booted again (up to 3
# times, within the time limit) and the sweep continues where it stopped:
# finished configurations are kept, an interrupted loadbench run resumes.

# The configurations, in the table's order.
KNOBS=(stock vcpus=2 noreplace-smp mitigations=off retbleed=off spectre_v2=retpoline spectre_v2=off)

# Its vCPUs and what it appends to loadvm's command line (loadbench --cmdline).
knob_vcpus() { if [ "$1" = vcpus=2 ]; then echo 2; else echo 1; fi; }
knob_cmdline() { case "$1" in stock | vcpus=2) ;; *) echo "$1" ;; esac; }
# Its run directory below DIR: the name without '='.
knob_dir() { echo "knobs-${1//=/-}"; }

# What it costs in security, from Documentation/admin-guide/kernel-parameters.txt
# and hw-vuln/spectre.rst of linux-source-6.1, and arch/x86 where they are
# silent (noreplace-smp is documented for X86-32 but applies to x86-64 too).
knob_cost() {
	case "$1" in
	stock)
		echo "none: the distribution's defaults (mitigations=auto picks each" \
			"CPU-vulnerability mitigation for the CPU the guest sees)"
		;;
	vcpus=2)
		echo "none: the same command line; with 2 vCPUs Linux keeps its SMP code (no LOCK" \
			"prefixes patched out for one CPU), at a second vCPU thread per VM"
		;;
	noreplace-smp)
		echo "none: a 1-vCPU guest keeps the LOCK prefixes it would patch out for one CPU" \
			"(atomics stay locked: slower, not less safe); no effect with 2+ vCPUs"
		;;
	mitigations=off)
		echo "every optional CPU-vulnerability mitigation off (PTI, Spectre v1/v2, retbleed," \
			"MDS, L1TF, TAA, ...): the guest kernel and its processes are open to" \
			"Spectre/Meltdown-class attacks from the guest's own user space, as far as the" \
			"CPU is affected"
		;;
	retbleed=off)
		echo "no RETBleed mitigation: on affected CPUs (AMD families 15h-17h incl. Zen 1/2," \
			"Intel Skylake to Ice/Rocket Lake) the guest's user space can steer the guest" \
			"kernel's speculative returns and leak its memory"
		;;
	spectre_v2=retpoline)
		echo "Spectre v2 still mitigated, by generic retpolines instead of what auto picks" \
			"(e.g. eIBRS): slower where eIBRS exists, and on Intel Skylake-era CPUs" \
			"retpolines cover \"most, but not all, cases\" (hw-vuln/spectre.rst)"
		;;
	spectre_v2=off)
		echo "no Spectre v2 mitigation, kernel or user (implies spectre_v2_user=off): the" \
			"guest's user space can poison indirect-branch prediction to steer the guest" \
			"kernel's and other guest processes' indirect branches"
		;;
	esac
}

# The options' defaults (sweep.sh parses them).
knobs=$(
	IFS=,
	echo "${KNOBS[*]}"
)
knob_instances=8
knob_kernel=
knob_initrd=
knob_ksm=0
knob_rig=auto
knob_rig_timeout=
knob_options_given=0

# A path given on the command line, made absolute against the caller's
# directory (sweep.sh works from the project's top).
absolute() {
	case "$1" in /* | -) echo "$1" ;; *) echo "$caller_dir/$1" ;; esac
}

# A FIFO would block the reader; a directory or a device is never an image.
regular_file() { [ -f "$1" ] && [ -r "$1" ]; }

# Refuses, in one line, what cannot run: before anything is built or started.
knobs_check_options() {
	local want=" ${sweeps[*]} " name seen=" " known=" ${KNOBS[*]} "
	if [[ "$want" != *" knobs "* ]]; then
		[ "$knob_options_given" -eq 0 ] ||
			die "--knobs, --instances, --kernel, --initrd, --ksm, --rig and --rig-timeout" \
				"are the knobs sweep's options: add knobs"
		return 0
	fi
	[[ "$knobs" =~ ^[^,]+(,[^,]+)*$ ]] || die "--knobs '$knobs': expected a comma list of ${KNOBS[*]}"
	for name in ${knobs//,/ }; do
		[[ "$known" == *" $name "* ]] ||
			die "--knobs '$knobs': unknown configuration '$name' (known: ${KNOBS[*]})"
		[[ "$seen" != *" $name "* ]] || die "--knobs '$knobs': $name appears twice"
		seen="$seen$name "
	done
	if [ -n "$knob_kernel" ]; then
		regular_file "$knob_kernel" || die "--kernel '$knob_kernel': not a readable regular file"
	fi
	if [ -n "$knob_initrd" ] && [ "$knob_initrd" != - ]; then
		regular_file "$knob_initrd" || die "--initrd '$knob_initrd': not a readable regular file"
	fi
}

# off (here), or on (in the nested rig). auto: here only where KVM is native
# or we are the rig's command; real Linux does not boot on emulated KVM in
# useful time.
knobs_where() {
	local mode
	[ -z "${RIG:-}" ] || {
		echo off
		return
	}
	mode=$(build/kvm-mode 2>/dev/null || echo none)
	case "$knob_rig:$mode" in
	on:* | auto:emulated | auto:none | auto:unknown) echo on ;;
	*) echo off ;;
	esac
}

# Builds what the runs need, on the host (the rig has no compiler).
knobs_prepare() {
	local where=$1
	if [ -z "$knob_kernel" ] || [ "$where" = on ]; then
		tools/deps.sh kernel || exit 2
		make -s kernel
	fi
	[ -n "$knob_kernel" ] || knob_kernel=$PWD/build/kernel/vmlinux
	if [ -z "$knob_initrd" ]; then
		make -s initrd
		knob_initrd=$PWD/build/initrd.cpio
	fi
	if [ "$where" = on ]; then
		tools/deps.sh rig || exit 2
		make -s rig
	fi
	# Page-cache pages of a freshly written image read as Dirty in smaps.
	sync
}

knobs_loaders() {
	if [ "$knob_ksm" -eq 1 ]; then echo copy,mmap,mmap-ksm; else echo copy,mmap; fi
}

# --ksm: ksmd running at bench/ksm.sh's default pace for the sweep, and back
# as it was afterwards ($KVMLB_KSM_ROOT: a test's stand-in, as for loadbench).
ksm_dir=${KVMLB_KSM_ROOT:-}/sys/kernel/mm/ksm
ksm_saved=()
ksm_start() {
	local f
	[ -w "$ksm_dir/run" ] || die "--ksm: $ksm_dir/run is not writable (needs root and a kernel with KSM)"
	for f in run pages_to_scan sleep_millisecs; do ksm_saved+=("$(cat "$ksm_dir/$f")"); done
	trap ksm_restore EXIT
	echo 1000 >"$ksm_dir/pages_to_scan"
	echo 20 >"$ksm_dir/sleep_millisecs"
	echo 1 >"$ksm_dir/run"
}

# shellcheck disable=SC2317 # called by the EXIT trap
ksm_restore() {
	echo "${ksm_saved[1]}" >"$ksm_dir/pages_to_scan"
	echo "${ksm_saved[2]}" >"$ksm_dir/sleep_millisecs"
	# Unmerge what was merged for us, unless ksmd ran before (others' pages).
	[ "${ksm_saved[0]}" = 1 ] || echo 2 >"$ksm_dir/run"
	echo "${ksm_saved[0]}" >"$ksm_dir/run"
}

# SIGINT/SIGTERM: loadbench (in the background, so that we hear the signal
# at once) ends its run as it does on its own SIGTERM; then we exit, and
# --ksm's EXIT trap puts ksmd back.
knob_bench=
# shellcheck disable=SC2317 # called by the INT and TERM traps
knobs_stop() {
	[ -z "$knob_bench" ] || kill -s TERM "$knob_bench" 2>/dev/null || true
	[ -z "$knob_bench" ] || wait "$knob_bench" 2>/dev/null || true
	echo "sweep: interrupted; finished configurations are kept: run the same command to continue" >&2
	exit "$1"
}

# One loadbench run per configuration, here; a finished one is kept, an
# interrupted one resumed. Then the table.
knobs_here() {
	local name run args status failed=0 loaders
	loaders=$(knobs_loaders)
	[ "$knob_ksm" -eq 0 ] || ksm_start
	trap 'knobs_stop 130' INT
	trap 'knobs_stop 143' TERM
	: >"$out/knobs.tsv"
	for name in ${knobs//,/ }; do
		run="$out/$(knob_dir "$name")"
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(knob_dir "$name")" "$(knob_vcpus "$name")" \
			"$(knob_cmdline "$name")" "$(knob_cost "$name")" >>"$out/knobs.tsv"
		if [ -e "$run/summary.json" ]; then
			echo "sweep: knobs $name: kept from an earlier attempt ($run)"
			continue
		fi
		args=(build/loadbench --kernel "$knob_kernel" --instances "$knob_instances"
			--rounds "$rounds" --loaders "$loaders" --vcpus "$(knob_vcpus "$name")" --quiet)
		[ "$knob_initrd" = - ] || args+=(--initrd "$knob_initrd")
		[ -z "$(knob_cmdline "$name")" ] || args+=(--cmdline "$(knob_cmdline "$name")")
		if [ -e "$run/config.json" ]; then args+=(--resume "$run"); else args+=(--out "$run"); fi
		echo "sweep: knobs $name (N=$knob_instances, $loaders, rounds $rounds)"
		status=0
		"${args[@]}" >/dev/null &
		knob_bench=$!
		wait "$knob_bench" || status=$?
		knob_bench=
		case "$status" in
		0) ;;
		3) echo "sweep: knobs $name: some instances failed ($run/raw.csv says why)" >&2 ;;
		*)
			echo "sweep: knobs $name: loadbench failed (status $status; see $run)" >&2
			failed=1
			;;
		esac
	done
	python3 bench/knobs_table.py "$out" "$knob_instances" "$loaders"
	echo "sweep: knobs table in $out/knobs.md and $out/knobs.dat"
	return "$failed"
}

# Inside the rig, only what it shares is there: the project and /usr.
in_rig_share() {
	local path
	path=$(realpath -m "$1")
	[[ "$path" == "$(pwd -P)"/* || "$path" == /usr/* ]]
}

# The rig's RAM: every guest and its VMM, plus the rig's own kernel (as
# run-bench.sh), at least run.sh's default.
knobs_rig_mem() {
	local need=$((knob_instances * (128 + 48) + 1024))
	[ "$need" -ge 4096 ] || need=4096
	echo "$need"
}

# The rig's time limit: 300 s (loadbench's boot deadline) per round and
# loader, 120 s more per mmap-ksm round (ksmd's settling), 10 minutes to boot.
knobs_rig_timeout() {
	local nknobs per=$((2 * 300))
	[ -z "$knob_rig_timeout" ] || {
		echo "$knob_rig_timeout"
		return
	}
	nknobs=$(echo "${knobs//,/ }" | wc -w)
	[ "$knob_ksm" -eq 0 ] || per=$((3 * 300 + 120))
	echo $((600 + nknobs * rounds * per))
}

# What the rig cannot do, refused before anything is built for it.
knobs_rig_check() {
	local path
	[ "$(id -u)" -eq 0 ] ||
		die "knobs: the nested rig needs root (virtiofsd): run as root, or on a host with native KVM"
	for path in "$out" "$knob_kernel" "$knob_initrd"; do
		[ -z "$path" ] || [ "$path" = - ] || in_rig_share "$path" ||
			die "knobs: $path is outside the project directory and /usr, all that the rig shares"
	done
}

# The whole sweep in one rig boot: this script again, with --rig off.
knobs_in_rig() {
	local attempt status=0 deadline left cmd
	cmd=(bench/sweep.sh --rounds "$rounds" --out "$out" knobs --rig off --knobs "$knobs"
		--instances "$knob_instances" --kernel "$knob_kernel" --initrd "$knob_initrd")
	[ "$knob_ksm" -eq 0 ] || cmd+=(--ksm)
	deadline=$((SECONDS + $(knobs_rig_timeout)))
	for attempt in 1 2 3; do
		left=$((deadline - SECONDS))
		[ "$left" -gt 60 ] || break
		echo "sweep: knobs in the nested rig (attempt $attempt, at most $left s; timings are TCG-scaled)"
		status=0
		bench/rig/run.sh --out "$out/rig/attempt-$attempt" --mem "$(knobs_rig_mem)" \
			--timeout "$left" -- "${cmd[@]}" || status=$?
		# 125: the rig stalled, crashed or timed out (run.sh), not the sweep.
		[ "$status" -eq 125 ] || return "$status"
		echo "sweep: the nested rig failed (see $out/rig/attempt-$attempt/console.log)" >&2
	done
	echo "sweep: knobs: giving up after $attempt rig attempts; run the same command again to" \
		"continue (finished configurations are kept)" >&2
	return "$status"
}

# Where the knobs sweep runs (on: the rig), decided and checked before
# anything is made; sweep.sh calls it when knobs is asked for.
knobs_place=off
knobs_decide() {
	knobs_place=$(knobs_where)
	[ "$knobs_place" = off ] || knobs_rig_check
}

sweep_knobs() {
	knobs_prepare "$knobs_place"
	if [ "$knobs_place" = on ]; then knobs_in_rig; else knobs_here; fi
}
