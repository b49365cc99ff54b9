// The "compare" subcommand: sigmoid-ADMM against gradient training of ReLU and sigmoid
// networks over grids of hyperparameters, initialisations and input preprocessing, on
// synthetic tasks and the diabetes data. Runs in double.
#pragma once

#include <string>
#include <vector>

namespace deepadmm::app {

struct CompareConfig {
  std::string size = "smoke";  // smoke (seconds, for CI) or full (the reported comparison)
  std::string out_dir = "comparison";
  int jobs = 2;                // runs in parallel, one thread each
  // Overrides of the size preset; 0 or empty keeps the preset.
  int seeds = 0;
  int passes = 0;
  int hidden = 0;
  int samples = 0;
  std::vector<std::string> tasks;
  std::vector<std::string> methods;
  std::string data_dir;  // folder with diabetes.csv; empty means the source tree's data folder
  bool plots = true;     // run gnuplot on the written plot script
  bool quiet = false;
};

// Runs the grids and writes runs.csv, runs.json, curves.csv, summary.md, the plot data and
// plots.gp to config.out_dir, and the PNG plots when gnuplot is available. Returns 0 once the
// results are written: runs that diverged or failed are recorded there with their status,
// not in the return value. Throws std::invalid_argument on a bad setting and
// std::runtime_error when a file cannot be read or written.
int run_compare_command(const CompareConfig& config);

}  // namespace deepadmm::app
