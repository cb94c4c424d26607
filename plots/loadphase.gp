# SPDX-License-Identifier: MIT
# The load phase (load_done: kernel and initrd placed in guest RAM) per loader, grouped by the
# number of concurrent instances, with each loader's ratio to the first (copy) printed above.
#   gnuplot -c plots/loadphase.gp RESULTS/plots/data/loadphase.dat RESULTS/plots/loadphase.png \
#       [CONTEXT]
# OUT: .png (pngcairo, else png) or .svg. CONTEXT: subtitle text, or a .txt file holding it
# (default: context.txt next to the data). Data: bench/plotdata.py (columns in its header).
# The y axis turns logarithmic when one loader is over LOG_RATIO times faster than another.

args = ARGC; arg1 = ARG1; arg2 = ARG2; arg3 = ARG3
plot_title = "Load phase (load_done) per loader and number of concurrent instances"
plot_usage = "usage: gnuplot -c plots/loadphase.gp loadphase.dat OUT.png|OUT.svg [CONTEXT]"
last_slash(s, i) = i < 1 ? 0 : s[i:i] eq "/" ? i : last_slash(s, i - 1)
load ARG0[1:last_slash(ARG0, strlen(ARG0))] . "common.gp"
eval show_scaled_note

# loadphase.dat columns
N = 2; SLOT = 3; MS = 4; CI = 5; RATIO = 8; CLUSTER_TOP = 9
LOG_RATIO = 10.0

stats DATA using SLOT nooutput
nr_slots = int(STATS_max) + 1
stats DATA using MS nooutput
ms_min = STATS_min
ms_max = STATS_max
log_y = ms_min > 0 && ms_max / ms_min > LOG_RATIO

# Bars of one N side by side, centred on its slot.
bar_width = 0.8 / nr_loaders
bar_x(slot, i) = slot + (i - (nr_loaders + 1) / 2.0) * bar_width
if (log_y) {
	set logscale y 10
	floor_ms = 10 ** floor(log10(ms_min / 2))
	set yrange [floor_ms : *]
	set ylabel "load_done: time since loadvm started [ms] (log scale)"
} else {
	floor_ms = 0
	set yrange [0 : *]
	set ylabel "load_done: time since loadvm started [ms]"
}
# An error bar may not reach below the axis' bottom on a log scale.
err_lo(ms, ci) = ms - ci > floor_ms ? ms - ci : floor_ms
set offsets 0, 0, graph (log_y ? 0.25 : 0.2), 0

set xrange [-0.6 : nr_slots - 0.4]
set xtics scale 0 font ",12"
set xlabel "concurrent instances"
set bmargin 5
set key outside right top vertical Left reverse samplen 2 spacing 1.4 title "loader"
set label 2 sprintf("bars: median across rounds; error bars: 95%% CI; above each group: " . \
	"%s's load time / the other loader's", loader_name[1]) \
	at screen 0.5, screen 0.02 center font ",9" textcolor rgb "#555555"
# Two lines, so that neighbouring groups' labels do not run into each other.
ratio_text(i, r) = r != r ? "" : sprintf("%s/%s\n= %s", loader_name[1], loader_name[i], \
	r >= 100 ? sprintf("%.0fx", r) : sprintf("%.3gx", r))

plot for [i = 1:nr_loaders] DATA index (i - 1) \
		using (bar_x(column(SLOT), i)):(column(MS)) \
		:(bar_x(column(SLOT), i) - bar_width / 2):(bar_x(column(SLOT), i) + bar_width / 2) \
		:(floor_ms):(column(MS)) \
		with boxxyerror fs solid 0.85 border lc rgb "#555555" fc rgb loader_color(i) \
		title loader_name[i], \
	for [i = 1:nr_loaders] DATA index (i - 1) \
		using (bar_x(column(SLOT), i)):(column(MS)):(err_lo(column(MS), column(CI))) \
		:(column(MS) + column(CI)) with yerrorbars lc rgb "#222222" pt 0 notitle, \
	for [i = 1:nr_loaders] DATA index (i - 1) \
		using (bar_x(column(SLOT), i)):(column(MS) + column(CI)):(sprintf("%.3g", column(MS))) \
		with labels center offset 0, char 0.8 font ",9" notitle, \
	for [i = 2:nr_loaders] DATA index (i - 1) \
		using (column(SLOT)):(column(CLUSTER_TOP)):(ratio_text(i, column(RATIO))) \
		with labels center offset 0, char (2.4 * i - 1.6) font ",11" textcolor rgb "#000000" \
		notitle, \
	DATA index 0 using (column(SLOT)):(NaN):xtic(sprintf("N = %d", column(N))) notitle
