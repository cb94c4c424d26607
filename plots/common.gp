# SPDX-License-Identifier: MIT
# Shared by memory.gp, boot.gp and loadphase.gp (loaded, not run by itself).
# Before loading, the caller sets plot_title, plot_usage and args = ARGC, arg1..arg3 = ARG1..ARG3
# (a loaded file does not see the caller's ARGn); after, it has:
#   DATA, OUT          its first two arguments
#   ctx                the run's context line (for the subtitle)
#   scaled_timings     1 when KVM mode is emulated or rig (timings are emulation-scaled)
#   show_scaled_note   eval it to add the red "emulation-scaled" line under the subtitle
#   nr_loaders         the number of data blocks, one per loader
#   loader_name[i]     i = 1..nr_loaders, from column 1 of block i - 1
#   loader_color(i)    a colour-blind-safe colour per loader
#   NA                 the string that marks a value that was not measured
# and the terminal, title, subtitle and shared styles are set.

if (args < 2) {
	print plot_usage
	exit status 2
}
DATA = arg1
OUT = arg2

# --- terminal by the output's extension ---------------------------------------------------
ends_with(s, tail) = strlen(s) >= strlen(tail) && s[strlen(s) - strlen(tail) + 1:] eq tail
if (ends_with(OUT, ".png") || ends_with(OUT, ".PNG")) {
	if (strstrt(GPVAL_TERMINALS, " pngcairo ")) {
		set terminal pngcairo size 1100, 700 font "sans,11" linewidth 1.5 background "white"
	} else {
		set terminal png size 1100, 700 font "sans,11" background "white"
	}
} else {
	if (ends_with(OUT, ".svg") || ends_with(OUT, ".SVG")) {
		set terminal svg size 1100, 700 font "sans,11" linewidth 1.5 background "white"
	} else {
		print "gnuplot: ", OUT, ": the output must end in .png or .svg"
		exit status 2
	}
}
set output OUT

# --- the run's context: arg3 is the text, or a .txt file holding it (plotdata's context.txt);
# --- without arg3, context.txt next to DATA -------------------------------------------------
last_slash(s, i) = i < 1 ? 0 : s[i:i] eq "/" ? i : last_slash(s, i - 1)
data_dir = last_slash(DATA, strlen(DATA)) ? DATA[1:last_slash(DATA, strlen(DATA))] : ""
context_file = args >= 3 ? (ends_with(arg3, ".txt") ? arg3 : "") : data_dir . "context.txt"
ctx = args >= 3 ? arg3 : ""
if (context_file ne "") {
	# A tab never occurs in the line, so the whole line is column 1.
	set datafile separator "\t"
	stats context_file using (ctx = strcol(1), 0) nooutput
	set datafile separator whitespace
}
scaled_timings = strstrt(ctx, "KVM mode emulated") || strstrt(ctx, "KVM mode rig")
scaled_note = "KVM mode " . (strstrt(ctx, "KVM mode rig") ? "rig" : "emulated") . \
	": timings are emulation-scaled - compare loaders as ratios, not as absolute ms"
# Timing plots eval this: a second subtitle line, in red, when timings are scaled.
show_scaled_note = 'if (scaled_timings) { set label 101 scaled_note ' . \
	'at screen 0.5, screen 0.895 ' . \
	'center font ",10" textcolor rgb "#b00000" }'


# --- the loaders: one data block each, column 1 holds the name ------------------------------
NA = "n/a"
set datafile missing NA
stats DATA using 2 nooutput
nr_loaders = STATS_blocks
array loader_name[nr_loaders]
do for [i = 1:nr_loaders] {
	stats DATA index (i - 1) using (loader_name[i] = strcol(1), $2) nooutput
}
loader_color(i) = word("#D55E00 #0072B2 #009E73 #CC79A7 #E69F00 #56B4E9", (i - 1) % 6 + 1)

# --- title, subtitle and shared looks -------------------------------------------------------
# noenhanced everywhere text comes from data: trace-point names have underscores.
set termoption noenhanced
# Title and subtitles centred on the canvas, whatever the key takes on the right.
set label 99 plot_title at screen 0.5, screen 0.965 center font ",15"
set label 100 ctx at screen 0.5, screen 0.93 center font ",10" textcolor rgb "#444444"
set tmargin at screen 0.86
set grid ytics lc rgb "#dddddd" lt 1
set border 3 lc rgb "#555555"
set tics nomirror
set key noenhanced
