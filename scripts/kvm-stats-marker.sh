#!/bin/sh
# kvm-stats-marker.sh: write a running VM's KVM statistics into the ftrace buffer, as the
# marker lines the shared real traces carry and kvm-mmu-viz's importer checks:
#
#   realtrace: kvm-stats vm NAME=VALUE NAME=VALUE ...
#   realtrace: kvm-stats vcpu0 NAME=VALUE NAME=VALUE ...
#
# It reads debugfs (/sys/kernel/debug/kvm/) and writes tracefs's trace_marker, once or every N
# seconds. POSIX sh, ls and awk only: it runs on a plain KVM host without Node.js. Run it as root
# beside `trace-cmd record -e kvmmmu`; `--help` lists the options.
#
# What debugfs holds (virt/kvm/kvm_main.c and arch/x86/kvm/debugfs.c, Linux 5.14 and later, the
# kernels with binary statistics):
#
# - /sys/kernel/debug/kvm/ is made by kvm_init_debug() when the module loads. It holds a file
#   for every VM stat and every vCPU stat, summed over all VMs (vm_stat_get(), vcpu_stat_get()),
#   and one folder per VM.
# - The VM folder is made by kvm_create_vm_debugfs(), called from kvm_create_vm() at
#   KVM_CREATE_VM. Its name is "%d-%s": the pid of the task that created the VM
#   (task_pid_nr(current)), then the VM's file descriptor number in that process. If that name
#   is already taken, the VM gets no folder ("KVM: debugfs: duplicate directory").
# - In the VM folder, kvm_create_vm_debugfs() makes a file for each entry of
#   kvm_vm_stats_desc[] (KVM_STAT_VM), then one for each entry of kvm_vcpu_stats_desc[]
#   (KVM_STAT_VCPU), named after the descriptor, with stat_fops_per_vm. Reading one calls
#   kvm_stat_data_get(), which prints "%llu\n" (kvm_stat_data_open()):
#     - a VM stat: kvm_get_stat_per_vm(), the raw u64 at the descriptor's offset in kvm->stat;
#     - a vCPU stat: kvm_get_stat_per_vcpu(), the SUM over kvm_for_each_vcpu() of the u64 at
#       that offset in each vcpu->stat. With one vCPU that is the vCPU's own value; with
#       several, debugfs has only the sum.
#   Cumulative and peak stats are mode 0644 (kvm_stats_debugfs_mode()): writing 0 to one
#   clears it (kvm_stat_data_clear()). This script only reads them.
# - Histograms (halt_poll_success_hist, halt_poll_fail_hist, halt_wait_hist: 32 log2 buckets)
#   get a file too, as kvm_create_vm_debugfs() does not look at the stat's type. But
#   kvm_get_stat_per_vcpu() reads a single u64 at the stat's offset: the file holds bucket 0
#   only (summed over the vCPUs). The other buckets are only in KVM_GET_STATS_FD
#   (kvm_stats_read() in virt/kvm/binary_stats.c), which only the VMM holds. So this script
#   leaves every *_hist stat out of its lines, rather than print a wrong NAME=[...].
# - Then kvm_arch_create_vm_debugfs() (arch/x86/kvm/debugfs.c) adds "mmu_rmaps_stat", a table
#   of rmap lengths (kvm_mmu_rmaps_stat_show(), computed with mmu_lock held for write). It is
#   no stat: this script never reads it.
# - vcpuN/ folders (N = the vCPU id) are made by kvm_create_vcpu_debugfs() at
#   KVM_CREATE_VCPU: "pid" (vcpu_get_pid()), then kvm_arch_create_vcpu_debugfs() adds
#   guest_mode (vcpu->stat.guest_mode), tsc-offset, lapic_timer_advance_ns (when the LAPIC is
#   in the kernel), tsc-scaling-ratio and tsc-scaling-ratio-frac-bits (with TSC scaling). No
#   other per-vCPU stat is there. The number of vcpuN/ folders is the number of vCPUs.
#
# Order: the stat files are created in descriptor order, VM table first, and debugfs lists a
# folder newest first: d_alloc() puts a new dentry at the head of its parent's list of
# children (hlist_add_head(&dentry->d_sib, &parent->d_children); list_add() onto d_subdirs
# before 6.8), and dcache_readdir() walks that list from its head. So `ls -f` of a VM folder
# gives the vcpuN/ folders, mmu_rmaps_stat, the vCPU stats last to first, then the VM stats
# last to first. This script reverses that listing and uses it when the names it knows come
# out in the order of the tables below, at least 8 of them (a name it does not know keeps its
# place; one before the first known vCPU stat is a VM stat). Otherwise (a copy of the tree on another file
# system, or an ls without -f) it writes the names it knows in the tables' order and the
# others after the vCPU stats, in name order.
#
# The tables (arch/x86/kvm/x86.c kvm_vm_stats_desc[] and kvm_vcpu_stats_desc[], each starting
# with KVM_GENERIC_VM_STATS() / KVM_GENERIC_VCPU_STATS() from include/linux/kvm_host.h) are
# those of 6.1 and 6.12, plus mmu_shadow_pages (7.3) and lpages (5.14, before pages_4k/2m/1g
# replaced it): they match the descriptor tables in the shared traces' meta.txt.
#
# Lines: one "kvm-stats vm ..." line, then one "kvm-stats vcpu0 ..." line when the VM has one
# vCPU (the debugfs value is then that vCPU's; the name is the folder's, vcpu<id>), or one
# "kvm-stats vcpus ..." line of sums when it has several; none before the first vCPU exists.
# Values are the raw u64 debugfs prints. A line stays under 1000 bytes: a longer one is split
# as "kvm-stats vm[1/2] ...", "kvm-stats vm[2/2] ...". Each line is one write() to
# trace_marker, hence one tracing_mark_write event.
#
# The files are read one after another, in one awk process: the values are close in time,
# not one snapshot.

set -u

ME=kvm-stats-marker
DEFAULT_DEBUGFS=/sys/kernel/debug/kvm

VM_TABLE='remote_tlb_flush remote_tlb_flush_requests mmu_shadow_zapped mmu_pte_write
mmu_pde_zapped mmu_flooded mmu_recycled mmu_cache_miss mmu_unsync mmu_shadow_pages lpages
pages_4k pages_2m pages_1g nx_lpage_splits max_mmu_rmap_size max_mmu_page_hash_collisions'

VCPU_TABLE='halt_successful_poll halt_attempted_poll halt_poll_invalid halt_wakeup
halt_poll_success_ns halt_poll_fail_ns halt_wait_ns halt_poll_success_hist halt_poll_fail_hist
halt_wait_hist blocking pf_taken pf_fixed pf_emulate pf_spurious pf_fast pf_mmio_spte_created
pf_guest tlb_flush invlpg exits io_exits mmio_exits signal_exits irq_window_exits
nmi_window_exits l1d_flush halt_exits request_irq_exits irq_exits host_state_reload fpu_reload
insn_emulation insn_emulation_fail hypercalls irq_injections nmi_injections req_event nested_run
directed_yield_attempted directed_yield_successful preemption_reported preemption_other
guest_mode notify_window_exits'

usage() {
	cat <<'EOF'
Usage: kvm-stats-marker.sh [--vm PID-FD] [--every N] [--debugfs DIR] [--marker FILE]
                           [--prefix TEXT] [--label TEXT]

Reads a running VM's KVM statistics from debugfs and writes them to ftrace's trace_marker as
  realtrace: kvm-stats vm NAME=VALUE ...
  realtrace: kvm-stats vcpu0 NAME=VALUE ...
the lines kvm-mmu-viz's importer checks against its model. Run it as root, beside
`trace-cmd record -e kvmmmu`.

  --vm PID-FD     the VM's folder in DIR (default: the only one; with several, an error
                  lists them)
  --every N       write the lines every N seconds until interrupted (default: once)
  --debugfs DIR   KVM's debugfs folder (default: /sys/kernel/debug/kvm)
  --marker FILE   where to write (default: /sys/kernel/tracing/trace_marker, else
                  /sys/kernel/debug/tracing/trace_marker; with trace-cmd record -B NAME use
                  /sys/kernel/tracing/instances/NAME/trace_marker; /dev/stdout to look)
  --prefix TEXT   put before "kvm-stats" (default: "realtrace:")
  --label TEXT    first write the line "PREFIX TEXT", a phase marker such as
                  --label 'phase warmup done' (once, before the first stats)
  -h, --help      this help

The vCPU line: with one vCPU it is "kvm-stats vcpu0" (vcpu<id>, the name of the VM's one
vcpu folder), that vCPU's own values. With several vCPUs it is "kvm-stats vcpus": debugfs only
has each vCPU stat SUMMED OVER ALL vCPUs, and so are these values. There is none before the
VM's first vCPU exists. Histograms (*_hist) are left out: debugfs shows only their bucket 0.
The order is the kernel's descriptor order; a line longer than 1000 bytes is split as
"kvm-stats vm[1/2] ...", "kvm-stats vm[2/2] ...".

Exit status: 0 done (or interrupted, or the VM ended during --every), 1 a problem with the
host (message says the fix), 2 a bad option.
EOF
}

die() { # die STATUS MESSAGE: one line on stderr, then exit
	printf '%s: %s\n' "$ME" "$2" >&2
	exit "$1"
}

need_arg() {
	[ "$#" -ge 2 ] || die 2 "$1 needs a value (see --help)"
}

VM=
EVERY=
DEBUGFS=$DEFAULT_DEBUGFS
MARKER=
PREFIX=realtrace:
LABEL=

while [ "$#" -gt 0 ]; do
	case $1 in
	--vm) need_arg "$@"; VM=$2; shift 2 ;;
	--vm=*) VM=${1#*=}; shift ;;
	--every) need_arg "$@"; EVERY=$2; shift 2 ;;
	--every=*) EVERY=${1#*=}; shift ;;
	--debugfs) need_arg "$@"; DEBUGFS=$2; shift 2 ;;
	--debugfs=*) DEBUGFS=${1#*=}; shift ;;
	--marker) need_arg "$@"; MARKER=$2; shift 2 ;;
	--marker=*) MARKER=${1#*=}; shift ;;
	--prefix) need_arg "$@"; PREFIX=$2; shift 2 ;;
	--prefix=*) PREFIX=${1#*=}; shift ;;
	--label) need_arg "$@"; LABEL=$2; shift 2 ;;
	--label=*) LABEL=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die 2 "unknown option '$1' (see --help)" ;;
	esac
done

if [ -n "$EVERY" ]; then
	case $EVERY in
	'' | *[!0-9.]* | *.*.* | .* | *.) die 2 "--every takes a number of seconds, such as 1 or 0.5, not '$EVERY'" ;;
	esac
	case $EVERY in
	*[1-9]*) ;;
	*) die 2 "--every must be more than 0 seconds" ;;
	esac
fi
case $VM in
*/*) die 2 "--vm takes a folder name in $DEBUGFS, such as 1234-11, not '$VM'" ;;
esac
[ "$(printf '%s' "$PREFIX" | wc -c)" -le 400 ] || die 2 "--prefix is too long (more than 400 bytes)"
HEAD=
[ -n "$PREFIX" ] && HEAD="$PREFIX "
LABEL_LINE=
if [ -n "$LABEL" ]; then
	LABEL_LINE="$HEAD$LABEL"
	[ "$(printf '%s' "$LABEL_LINE" | wc -c)" -lt 1000 ] ||
		die 2 "--label is too long (the line must stay under 1000 bytes)"
fi

UID_NOW=$(id -u)

not_root() { # not_root PATH readable|writable
	die 1 "$1 is $2 by root only: run this as root (sudo $0 ...)"
}

# debugfs: mounted, readable, with KVM's folder.
if [ ! -d "$DEBUGFS" ]; then
	if [ "$DEBUGFS" = "$DEFAULT_DEBUGFS" ]; then
		if [ -d /sys/kernel/debug ] && [ ! -x /sys/kernel/debug ] && [ "$UID_NOW" -ne 0 ]; then
			not_root /sys/kernel/debug readable
		fi
		if ! grep -qs '^[^ ]* /sys/kernel/debug debugfs ' /proc/mounts; then
			die 1 "debugfs is not mounted: mount it with 'mount -t debugfs none /sys/kernel/debug'"
		fi
		die 1 "no $DEBUGFS: load KVM ('modprobe kvm_intel' or 'modprobe kvm_amd')"
	fi
	die 1 "no folder $DEBUGFS (--debugfs): is debugfs mounted ('mount -t debugfs none /sys/kernel/debug')?"
fi
if [ ! -r "$DEBUGFS" ] || [ ! -x "$DEBUGFS" ]; then
	[ "$UID_NOW" -ne 0 ] && not_root "$DEBUGFS" readable
	die 1 "cannot read $DEBUGFS: check its permissions"
fi

list_vms() { # the VM folders' names, one a line
	for d in "$DEBUGFS"/*-*; do
		[ -d "$d" ] || continue
		n=${d##*/}
		case $n in
		[0-9]*-[0-9]*) printf '%s\n' "$n" ;;
		esac
	done
}

describe_vms() { # "1234-11 (qemu-system-x86), 5678-12": the folders and, if known, their process
	out=
	for n in $(list_vms); do
		comm=$(cat "/proc/${n%%-*}/comm" 2>/dev/null) || comm=
		[ -n "$comm" ] && n="$n ($comm)"
		out="${out:+$out, }$n"
	done
	printf '%s' "${out:-none}"
}

if [ -n "$VM" ]; then
	[ -d "$DEBUGFS/$VM" ] ||
		die 1 "no VM folder $VM in $DEBUGFS (VMs there: $(describe_vms)): pick one with --vm PID-FD"
else
	VMS=$(list_vms)
	[ -n "$VMS" ] ||
		die 1 "no VM folder in $DEBUGFS: start the VM first (each VM gets a folder PID-FD when it is created)"
	case $VMS in
	*"
"*) die 1 "several VMs in $DEBUGFS: $(describe_vms); pick one with --vm PID-FD" ;;
	esac
	VM=$VMS
fi
VMDIR=$DEBUGFS/$VM

# trace_marker.
if [ -z "$MARKER" ]; then
	for m in /sys/kernel/tracing/trace_marker /sys/kernel/debug/tracing/trace_marker; do
		if [ -e "$m" ]; then
			MARKER=$m
			break
		fi
	done
	if [ -z "$MARKER" ]; then
		if [ -d /sys/kernel/tracing ] && [ ! -x /sys/kernel/tracing ] && [ "$UID_NOW" -ne 0 ]; then
			not_root /sys/kernel/tracing readable
		fi
		die 1 "no trace_marker: mount tracefs with 'mount -t tracefs nodev /sys/kernel/tracing'"
	fi
elif [ ! -e "$MARKER" ]; then
	die 1 "no file $MARKER (--marker): mount tracefs with 'mount -t tracefs nodev /sys/kernel/tracing'"
fi
if [ ! -w "$MARKER" ]; then
	[ "$UID_NOW" -ne 0 ] && not_root "$MARKER" writable
	die 1 "cannot write $MARKER: check its permissions"
fi
(: >>"$MARKER") 2>/dev/null || die 1 "cannot open $MARKER for writing"
exec 3>>"$MARKER"

write_line() {
	printf '%s\n' "$1" >&3 ||
		die 1 "writing to $MARKER failed: is tracing on ('echo 1 > /sys/kernel/tracing/tracing_on', 'echo 1 > /sys/kernel/tracing/options/markers')?"
}

# The lines for one read of the VM folder, on stdout. Status 3: the folder is gone.
stat_lines() {
	listing=$(ls -f -- "$VMDIR" 2>/dev/null) || listing=$(ls -a -- "$VMDIR" 2>/dev/null) || return 3
	[ -d "$VMDIR" ] || return 3
	files=
	nvcpu=0
	vcpu_name=
	while IFS= read -r e; do
		case $e in
		. | .. | '' | mmu_rmaps_stat) continue ;;
		esac
		if [ -d "$VMDIR/$e" ]; then
			case $e in
			vcpu[0-9]*)
				nvcpu=$((nvcpu + 1))
				vcpu_name=$e
				;;
			esac
		elif [ -f "$VMDIR/$e" ]; then
			files="$files$e
"
		fi
	done <<EOF
$listing
EOF
	case $nvcpu in
	0) scope= ;;
	1) scope=$vcpu_name ;;
	*) scope=vcpus ;;
	esac
	printf '%s' "$files" | LC_ALL=C awk -v dir="$VMDIR" -v head="$HEAD" -v vscope="$scope" \
		-v vmt="$VM_TABLE" -v vct="$VCPU_TABLE" '
	BEGIN {
		nv = split(vmt, t, /[ \n]+/)
		for (i = 1; i <= nv; i++) { idx[t[i]] = i; isvm[t[i]] = 1 }
		nc = split(vct, t, /[ \n]+/)
		for (i = 1; i <= nc; i++) idx[t[i]] = nv + i
	}
	$0 != "" { n++; L[n] = $0 }
	# Whether the names known to the tables come in their order, from L[from] to L[to]; at
	# least 8 of them, so that a shuffled listing (2 in 8! do) is not taken for the order.
	function increasing(from, to, step,    i, last, k) {
		last = 0
		for (i = from; i != to + step; i += step)
			if (L[i] in idx) {
				if (idx[L[i]] <= last) return 0
				last = idx[L[i]]
				k++
			}
		return k >= 8
	}
	function add(scope, name,    f, v, r) {
		if (name ~ /_hist$/) return
		f = dir "/" name
		r = (getline v < f)
		close(f)
		if (r <= 0) { gone = 1; return }
		if (v !~ /^[0-9]+$/) return
		if (scope == "vm") vm[++nvm] = name "=" v
		else vc[++nvc] = name "=" v
	}
	function sortby(a, cnt, byname,    i, j, x, kx, ky) {
		for (i = 2; i <= cnt; i++) {
			x = a[i]
			for (j = i - 1; j >= 1; j--) {
				kx = byname ? x : idx[x]; ky = byname ? a[j] : idx[a[j]]
				if (byname ? (ky > kx) : (ky + 0 > kx + 0)) a[j + 1] = a[j]
				else break
			}
			a[j + 1] = x
		}
	}
	function emit(scope, p, cnt,    line, i, d, k, budget, base, chunk, len, nch, c) {
		if (cnt == 0) return
		base = head "kvm-stats " scope
		line = base
		for (i = 1; i <= cnt; i++) line = line " " p[i]
		if (length(line) < 1000) { print line; return }
		for (d = 1; ; d++) {
			budget = 999 - (length(base) + 3 + 2 * d)
			nch = 1; len = 0; chunk[1] = ""
			for (i = 1; i <= cnt; i++) {
				if (len > 0 && len + 1 + length(p[i]) > budget) { nch++; chunk[nch] = ""; len = 0 }
				chunk[nch] = chunk[nch] " " p[i]
				len += 1 + length(p[i])
			}
			if (length(nch "") <= d) break
		}
		for (c = 1; c <= nch; c++) print base "[" c "/" nch "]" chunk[c]
	}
	END {
		if (increasing(n, 1, -1)) { from = n; to = 1; step = -1 }
		else if (increasing(1, n, 1)) { from = 1; to = n; step = 1 }
		else step = 0
		if (step != 0) {
			# The kernel order: the listing, VM stats up to the first known vCPU stat.
			scope = "vm"
			for (i = from; i != to + step; i += step) {
				if ((L[i] in idx) && !(L[i] in isvm)) scope = "vcpu"
				add(scope, L[i])
			}
		} else {
			# No order from the listing: the tables, then unknown names by name.
			for (i = 1; i <= n; i++) {
				if (!(L[i] in idx)) unk[++nu] = L[i]
				else if (L[i] in isvm) kv[++nkv] = L[i]
				else kc[++nkc] = L[i]
			}
			sortby(kv, nkv, 0); sortby(kc, nkc, 0); sortby(unk, nu, 1)
			for (i = 1; i <= nkv; i++) add("vm", kv[i])
			for (i = 1; i <= nkc; i++) add("vcpu", kc[i])
			for (i = 1; i <= nu; i++) add("vcpu", unk[i])
		}
		if (gone) exit 3
		if (nvm == 0) exit 4
		emit("vm", vm, nvm)
		if (vscope != "") emit(vscope, vc, nvc)
	}'
}

ROUNDS=0
one_round() {
	lines=$(stat_lines)
	st=$?
	case $st in
	0) ;;
	3)
		[ "$ROUNDS" -gt 0 ] && {
			printf '%s: VM %s is gone (its folder left %s): stopping\n' "$ME" "$VM" "$DEBUGFS" >&2
			exit 0
		}
		die 1 "VM folder $VMDIR went away while being read: start the VM again, or pick another with --vm PID-FD"
		;;
	4) die 1 "no stat files in $VMDIR: is it a KVM VM folder (--debugfs, --vm)?" ;;
	*) die 1 "reading $VMDIR failed (awk exit $st)" ;;
	esac
	if [ "$ROUNDS" -eq 0 ] && [ -n "$LABEL" ]; then
		write_line "$LABEL_LINE"
	fi
	while IFS= read -r l; do
		[ -n "$l" ] && write_line "$l"
	done <<EOF
$lines
EOF
	ROUNDS=$((ROUNDS + 1))
}

if [ -z "$EVERY" ]; then
	one_round
	exit 0
fi
trap 'exit 0' INT TERM HUP
while :; do
	one_round
	sleep "$EVERY" || exit 0
done
