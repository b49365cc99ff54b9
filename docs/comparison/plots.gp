# Plots of the comparison. Run in this folder: gnuplot plots.gp
set terminal pngcairo size 1560,1200 font ',10'
set key top right font ',8'
set grid
set output 'loss.png'
set multiplot layout 3,3 title "median training error, raw inputs, each method at its best value (cut off at 100)"
set title 'product'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 0 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 0 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 0 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 0 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 0 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'square'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 1 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 1 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 1 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 1 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 1 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'relu'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 2 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 2 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 2 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 2 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 2 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial2'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 3 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 3 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 3 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 3 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 3 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial5'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 4 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 4 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 4 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 4 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 4 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial10'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 5 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 5 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 5 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 5 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 5 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'diabetes'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves.dat' index 6 using 1:2 with linespoints title 'sigmoid-admm', 'curves.dat' index 6 using 1:4 with linespoints title 'relu-sgd', 'curves.dat' index 6 using 1:6 with linespoints title 'sigmoid-sgd', 'curves.dat' index 6 using 1:8 with linespoints title 'relu-adam', 'curves.dat' index 6 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
unset multiplot
set output 'saturation.png'
set multiplot layout 3,3 title "median share of saturated hidden responses, raw inputs, each method at its best value"
set title 'product'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 0 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 0 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 0 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 0 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 0 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'square'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 1 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 1 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 1 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 1 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 1 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'relu'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 2 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 2 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 2 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 2 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 2 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial2'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 3 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 3 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 3 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 3 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 3 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial5'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 4 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 4 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 4 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 4 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 4 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial10'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 5 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 5 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 5 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 5 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 5 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'diabetes'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves.dat' index 6 using 1:3 with linespoints title 'sigmoid-admm', 'curves.dat' index 6 using 1:5 with linespoints title 'relu-sgd', 'curves.dat' index 6 using 1:7 with linespoints title 'sigmoid-sgd', 'curves.dat' index 6 using 1:9 with linespoints title 'relu-adam', 'curves.dat' index 6 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
unset multiplot
set output 'loss_x100.png'
set multiplot layout 3,3 title "median training error, inputs times 100, each method at its best raw-input value (cut off at 100)"
set title 'product'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 0 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 0 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 0 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 0 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 0 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'square'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 1 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 1 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 1 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 1 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 1 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'relu'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 2 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 2 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 2 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 2 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 2 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial2'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 3 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 3 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 3 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 3 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 3 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial5'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 4 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 4 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 4 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 4 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 4 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial10'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 5 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 5 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 5 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 5 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 5 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'diabetes'
set format y '%.0e'
set logscale y
set yrange [*:100]
set xlabel 'pass'
set ylabel 'train MSE'
plot 'curves_x100.dat' index 6 using 1:2 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 6 using 1:4 with linespoints title 'relu-sgd', 'curves_x100.dat' index 6 using 1:6 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 6 using 1:8 with linespoints title 'relu-adam', 'curves_x100.dat' index 6 using 1:10 with linespoints title 'sigmoid-adam'
set yrange [*:*]
unset multiplot
set output 'saturation_x100.png'
set multiplot layout 3,3 title "median share of saturated hidden responses, inputs times 100"
set title 'product'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 0 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 0 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 0 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 0 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 0 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'square'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 1 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 1 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 1 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 1 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 1 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'relu'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 2 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 2 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 2 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 2 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 2 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial2'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 3 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 3 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 3 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 3 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 3 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial5'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 4 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 4 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 4 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 4 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 4 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'radial10'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 5 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 5 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 5 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 5 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 5 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
set title 'diabetes'
set format y '%g'
unset logscale y
set xlabel 'pass'
set ylabel 'saturated (sigmoid) or inactive (ReLU) share'
set yrange [0:1]
plot 'curves_x100.dat' index 6 using 1:3 with linespoints title 'sigmoid-admm', 'curves_x100.dat' index 6 using 1:5 with linespoints title 'relu-sgd', 'curves_x100.dat' index 6 using 1:7 with linespoints title 'sigmoid-sgd', 'curves_x100.dat' index 6 using 1:9 with linespoints title 'relu-adam', 'curves_x100.dat' index 6 using 1:11 with linespoints title 'sigmoid-adam'
set yrange [*:*]
unset multiplot
set output 'rate.png'
set multiplot layout 3,3 title "test error against the hyperparameter (median, min to max over seeds; diverged cells and errors above 100 not drawn)"
set title 'product'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (0*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (0*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (0*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (0*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (0*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
set title 'square'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (1*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (1*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (1*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (1*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (1*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
set title 'relu'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (2*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (2*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (2*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (2*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (2*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
set title 'radial2'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (3*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (3*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (3*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (3*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (3*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
set title 'radial5'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (4*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (4*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (4*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (4*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (4*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
set title 'radial10'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (5*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (5*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (5*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (5*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (5*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
set title 'diabetes'
set format y '%.0e'
set format x '%.0e'
set xtics font ',8'
set logscale xy
set yrange [*:100]
set xlabel 'beta (ADMM) or learning rate'
set ylabel 'test MSE'
plot 'rate.dat' index (6*5+0) using 1:2:3:4 with yerrorlines title 'sigmoid-admm', 'rate.dat' index (6*5+1) using 1:2:3:4 with yerrorlines title 'relu-sgd', 'rate.dat' index (6*5+2) using 1:2:3:4 with yerrorlines title 'sigmoid-sgd', 'rate.dat' index (6*5+3) using 1:2:3:4 with yerrorlines title 'relu-adam', 'rate.dat' index (6*5+4) using 1:2:3:4 with yerrorlines title 'sigmoid-adam'
unset logscale xy
set format x '%g'
set xtics font ',10'
set yrange [*:*]
unset multiplot
