# SPDX-License-Identifier: MIT
# A sweep: one line per column of DATA against its first column.
#   gnuplot -c plots/sweep.gp DATA OUT TITLE XLABEL YLABEL [SUBTITLE] [log]
# DATA: whitespace-separated, a header line "# x name1 name2 ..." naming the
# series, "n/a" where nothing was measured. OUT ends in .png or .svg.
# A 7th argument "log" puts both axes on log2/log10 scales.
if (ARGC < 5) {
	print "usage: gnuplot -c plots/sweep.gp DATA OUT TITLE XLABEL YLABEL [SUBTITLE] [log]"
	exit status 2
}
DATA = ARG1
OUT = ARG2
if (strstrt(OUT, ".png")) {
	set terminal pngcairo size 1000, 640 font "sans,11" linewidth 1.5 background "white"
} else {
	if (strstrt(OUT, ".svg")) {
		set terminal svg size 1000, 640 font "sans,11" linewidth 1.5 background "white"
	} else {
		print "gnuplot: ", OUT, ": the output must end in .png or .svg"
		exit status 2
	}
}
set output OUT
subtitle = ARGC >= 6 ? ARG6 : ""
set termoption noenhanced
set title ARG3 . (subtitle ne "" ? "\n" . subtitle : "")
set xlabel ARG4
set ylabel ARG5
set datafile missing "n/a"
set key outside right top
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
if (ARGC >= 7 && ARG7 eq "log") {
	set logscale x 2
	set logscale y 10
}
# The header names the series: "# x copy mmap ksm".
header = system("head -1 '" . DATA . "'")
nr_series = words(header) - 2
colors = "#d95f02 #1f78b4 #33a02c #6a3d9a"
plot for [i = 1:nr_series] DATA using 1:(column(i + 1)) with linespoints pt 7 ps 1.2 \
	lc rgb word(colors, i) title word(header, i + 2)
