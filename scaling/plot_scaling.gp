# Plot of a scaling table of scaling/strong.sh or weak.sh (docs/scaling.md):
#   gnuplot -e "csv='scaling/results/strong.csv'; png='scaling/results/strong.png'; mode='strong'; nproc=2; \
#     note='free text under the title'" scaling/plot_scaling.gp
# Columns of the CSV (scaling/perf_table.py): 1 ranks, 2 oversubscribed, 3 n_tickers, 4 schedule,
# 5 wall_s, 6 elapsed_s, 7 speedup, 8 efficiency, 9 fits, 10 fits_per_s, 11 imbalance,
# 12 imbalance_basis, 13 peak_rss_mb_max, 14 cpu_share, 15 load_avg.
# Four panels against ranks (log2 axis): wall time, speedup (with the ideal), parallel efficiency,
# imbalance. Runs with more ranks than cores (oversubscribed = 1) are open grey triangles, not
# joined to the others: they measure time sharing of the cores, not scaling.
if (!exists("nproc")) nproc = 0
if (!exists("note")) note = ""
set terminal pngcairo size 1100,800 font ",10" noenhanced
set output png
set datafile separator ","
set key top left
set logscale x 2
set grid
set xlabel "MPI ranks"
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
ok(c)   = (column(2) == 0 ? column(c) : 1/0)
over(c) = (column(2) == 1 ? column(c) : 1/0)
lw = "lc rgb '#1f77b4' pt 7 ps 1.3 lw 2"
lo = "lc rgb '#888888' pt 8 ps 1.5"
set multiplot layout 2,2 title sprintf("hpcast %s scaling (%d cores; open triangles: oversubscribed)\n%s", mode, nproc, note)
set ylabel "wall time (s)"
plot csv every ::1 using 1:(ok(5)) with linespoints @lw title "wall time", \
     csv every ::1 using 1:(over(5)) with points @lo title "oversubscribed"
set ylabel (mode eq "weak" ? "scaled speedup" : "speedup")
set yrange [0:*]
plot csv every ::1 using 1:1 with lines dt 2 lc rgb "black" title "ideal", \
     csv every ::1 using 1:(ok(7)) with linespoints @lw title "measured", \
     csv every ::1 using 1:(over(7)) with points @lo title "oversubscribed"
set ylabel "parallel efficiency"
set yrange [0:1.2]
plot 1 with lines dt 2 lc rgb "black" title "ideal", \
     csv every ::1 using 1:(ok(8)) with linespoints @lw title "measured", \
     csv every ::1 using 1:(over(8)) with points @lo title "oversubscribed"
set ylabel "imbalance max/mean (busy_s or fit_s)"
set yrange [1:*]
plot csv every ::1 using 1:(ok(11)) with linespoints @lw title "imbalance", \
     csv every ::1 using 1:(over(11)) with points @lo title "oversubscribed"
unset multiplot
