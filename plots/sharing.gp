# SPDX-License-Identifier: MIT
# Where the saving comes from: per kernel section and the initrd, the MiB
# still shared, copied on write and never touched after boot (stacked).
#   gnuplot -c plots/sharing.gp DATA OUT [SUBTITLE]
# DATA: bench/sharing.py's plots/data/sharing.dat. OUT ends in .png or .svg.
if (ARGC < 2) {
	print "usage: gnuplot -c plots/sharing.gp DATA OUT [SUBTITLE]"
	exit status 2
}
if (strstrt(ARG2, ".png")) {
	set terminal pngcairo size 1100, 700 font "sans,11" linewidth 1.5 background "white"
} else {
	if (strstrt(ARG2, ".svg")) {
		set terminal svg size 1100, 700 font "sans,11" linewidth 1.5 background "white"
	} else {
		print "gnuplot: ", ARG2, ": the output must end in .png or .svg"
		exit status 2
	}
}
set output ARG2
set termoption noenhanced
set title "Pages of the mapped images after boot, per kernel section" . \
	(ARGC >= 3 ? "\n" . ARG3 : "")
set ylabel "MiB per instance"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb "#555555"
set boxwidth 0.7
set xtics rotate by -40 left nomirror
set key outside right top
set grid ytics lc rgb "#dddddd"
set border 3
set ytics nomirror
set bmargin 9
plot ARG1 using 2:xtic(1) title "shared (page cache)" lc rgb "#1f78b4", \
	'' using 3 title "copied on write" lc rgb "#d95f02", \
	'' using 4 title "never touched" lc rgb "#bbbbbb"
