# SPDX-License-Identifier: MIT
# Boot trace points per loader as stacked bars: VMM start -> vmm_init_end -> linux_start_kernel
# -> linux_start_user, with each point's 95% CI: the seed's "boot time" table as a plot.
#   gnuplot -c plots/boot.gp RESULTS/plots/data/boot.dat RESULTS/plots/boot.png [CONTEXT]
# OUT: .png (pngcairo, else png) or .svg. CONTEXT: subtitle text, or a .txt file holding it
# (default: context.txt next to the data). Data: bench/plotdata.py (columns in its header).
# A point no instance reported (n/a) has no segment: the next segment starts at the last
# point that was measured, and a note under the bar names what is missing.

args = ARGC; arg1 = ARG1; arg2 = ARG2; arg3 = ARG3
plot_title = "Boot trace points per loader"
plot_usage = "usage: gnuplot -c plots/boot.gp boot.dat OUT.png|OUT.svg [CONTEXT]"
last_slash(s, i) = i < 1 ? 0 : s[i:i] eq "/" ? i : last_slash(s, i - 1)
load ARG0[1:last_slash(ARG0, strlen(ARG0))] . "common.gp"
eval show_scaled_note

# boot.dat columns: the point's median, its ci95, and where its segment starts.
N = 2; SLOT = 3; TOP = 17; TOP_CI = 18; NOTE = 19
array point_name[3] = ["vmm_init_end", "linux_start_kernel", "linux_start_user"]
array point_col[3] = [4, 6, 8]
array point_ci[3] = [5, 7, 9]
array seg_lo[3] = [14, 15, 16]
array point_key[3] = ["start -> vmm/qemu_init_end (first KVM_RUN)", \
	"-> linux_start_kernel", "-> linux_start_user (init exec'd)"]
point_color(p) = word("#8fb3d9 #f0b55a #6bb38a", p)

stats DATA using N nooutput
instances = int(STATS_min)
set label 99 sprintf("%s, %d instance%s", plot_title, instances, instances == 1 ? "" : "s")

# The first loader's top, to print every other loader's top as a ratio of it.
first_top = NaN
stats DATA index 0 using (first_top = column(TOP), 0) nooutput
top_label(top, slot) = sprintf("%.2f ms", top) . (slot > 0 && first_top > 0 ? \
	sprintf("\n= %.2f x %s", top / first_top, loader_name[1]) : "")
note_of(s) = s eq "-" ? "" : s
# Each segment's length inside it, where the segment is tall enough to hold the text.
stats DATA using TOP nooutput
tallest = STATS_max
segment_label(lo, hi) = hi - lo > 0.07 * tallest ? sprintf("+%.2f", hi - lo) : ""

half = 0.22
set xrange [-0.6 : nr_loaders - 0.4]
set xtics ()
do for [i = 1:nr_loaders] {
	set xtics add (loader_name[i] i - 1)
}
set xtics scale 0 font ",12"
set ylabel "time since the VMM started [ms] (loadvm: main; QEMU: exec)"
set yrange [0:*]
set offsets 0, 0, graph 0.2, 0
set bmargin 5
set key outside right top vertical Left reverse samplen 2 spacing 1.4 title "segments"
set label 2 "medians across rounds; +x.xx: segment length; error bars: 95% CI of each " . \
	"trace point; bar top: the last point measured" \
	at screen 0.5, screen 0.02 center font ",9" textcolor rgb "#555555"

plot for [p = 1:3] DATA using (column(SLOT)):(column(point_col[p])) \
		:(column(SLOT) - half):(column(SLOT) + half):(column(seg_lo[p])):(column(point_col[p])) \
		with boxxyerror fs solid 0.9 border lc rgb "#666666" fc rgb point_color(p) \
		title point_key[p], \
	for [p = 1:3] DATA using (column(SLOT) + (p - 2) * 0.1):(column(point_col[p])) \
		:(column(point_ci[p])) with yerrorbars lc rgb "#222222" lw 1 pt 7 ps 0.3 notitle, \
	for [p = 1:3] DATA using (column(SLOT) - half):((column(seg_lo[p]) + column(point_col[p])) / 2) \
		:(segment_label(column(seg_lo[p]), column(point_col[p]))) \
		with labels left offset char 0.6, 0 font ",10" textcolor rgb "#333333" notitle, \
	DATA using (column(SLOT)):(column(TOP) + column(TOP_CI)) \
		:(top_label(column(TOP), column(SLOT))) \
		with labels center offset 0, char 1.6 font ",11" notitle, \
	DATA using (column(SLOT)):(0):(note_of(strcol(NOTE))) with labels center \
		offset 0, char -2.6 font ",9" textcolor rgb "#b00000" notitle
