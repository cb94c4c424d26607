# SPDX-License-Identifier: MIT
# Memory per instance (USS, PSS) against the number of concurrent instances, one colour per
# loader: the seed's "memory footprint" table as a plot.
#   gnuplot -c plots/memory.gp RESULTS/plots/data/memory.dat RESULTS/plots/memory.png [CONTEXT]
# OUT: .png (pngcairo, else png) or .svg. CONTEXT: subtitle text, or a .txt file holding it
# (default: context.txt next to the data). Data: bench/plotdata.py (columns in its header).

plot_title = "Memory per instance (USS, PSS) vs number of concurrent instances"
plot_usage = "usage: gnuplot -c plots/memory.gp memory.dat OUT.png|OUT.svg [CONTEXT]"
args = ARGC; arg1 = ARG1; arg2 = ARG2; arg3 = ARG3
last_slash(s, i) = i < 1 ? 0 : s[i:i] eq "/" ? i : last_slash(s, i - 1)
load ARG0[1:last_slash(ARG0, strlen(ARG0))] . "common.gp"

# memory.dat columns
N = 2; USS = 3; USS_CI = 4; PSS = 7; PSS_CI = 8

stats DATA using N nooutput
n_min = STATS_min
n_max = STATS_max
set logscale x 2
# Room on the right for the saving's label; tics only at the measured counts (see the plot).
set xrange [n_min / 1.4 : n_max * 3.2]
set xlabel "concurrent instances (log2 scale)"
set ylabel "memory per instance [MB = 2^20 bytes]"
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0

# The saving between the first two loaders at the largest N: USS of loader 1 - USS of loader 2.
if (nr_loaders >= 2) {
	uss_a = NaN; uss_b = NaN
	stats DATA index 0 using (column(N) == n_max ? uss_a = column(USS) : 0) nooutput
	stats DATA index 1 using (column(N) == n_max ? uss_b = column(USS) : 0) nooutput
	if (uss_a == uss_a && uss_b == uss_b) {
		saving = sprintf("USS saved at N=%d:\n%.1f MB per instance\n(%.0f%%, %s - %s)", \
			n_max, uss_a - uss_b, uss_a > 0 ? 100 * (uss_a - uss_b) / uss_a : 0, \
			loader_name[1], loader_name[2])
		set arrow 1 from n_max * 1.15, uss_b to n_max * 1.15, uss_a heads size screen 0.008, 90 \
			lc rgb "#333333" lw 1.2
		set label 1 saving at n_max * 1.25, (uss_a + uss_b) / 2 left font ",10" \
			textcolor rgb "#333333"
	}
}

set label 2 "lines: median across rounds; error bars: 95% CI; " . \
	"solid = USS (Private_Clean+Private_Dirty), dashed = PSS" \
	at screen 0.5, screen 0.02 center font ",9" textcolor rgb "#555555"
set bmargin 5
set key outside right top vertical Left reverse samplen 3 spacing 1.3 title "loader, metric"

# Curve k: loader k/2 + 1, USS for even k and PSS for odd k, so the key lists each loader's pair.
is_pss(k) = k % 2
curve_loader(k) = k / 2 + 1
do for [k = 0:2 * nr_loaders - 1] {
	dash = is_pss(k) ? 2 : 1  # "dt (...)" would read as a dash pattern
	set style line (k + 1) lc rgb loader_color(curve_loader(k)) lw 2 \
		pt (is_pss(k) ? 6 : 7) ps 1.3 dt dash
}
plot for [k = 0:2 * nr_loaders - 1] DATA index (k / 2) \
		using N:(column(is_pss(k) ? PSS : USS)):(column(is_pss(k) ? PSS_CI : USS_CI)) \
		with yerrorlines ls (k + 1) \
		title (loader_name[curve_loader(k)] . (is_pss(k) ? " PSS" : " USS")), \
	DATA index 0 using N:(NaN):xtic(sprintf("%d", column(N))) notitle
