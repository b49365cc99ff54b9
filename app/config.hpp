// Settings of one run of the command, as parsed from the command line. Numbers that enter
// the solver are kept as text and parsed in the run's scalar type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepadmm::app {

struct TrainConfig {
  std::string task = "product";  // product, square or csv
  std::string data_path;         // csv task: training data
  std::string test_path;         // csv task: optional separate test data
  std::vector<std::string> target_columns;
  std::vector<std::string> input_columns;  // empty: every column that is not a target
  bool classify = false;         // one target column of class labels, trained one-hot
  double test_fraction = 0;      // share of the rows held out for testing
  std::optional<int> samples;    // synthetic tasks: training samples
  int test_samples = 0;          // synthetic tasks: test samples drawn from the same law
  std::string standardize = "none";  // none, inputs or all (inputs and targets)

  std::optional<std::vector<int>> hidden_widths;
  std::string activation = "sigmoid";
  std::string precision = "double";  // double, float128 or mpfr
  unsigned digits = 50;              // decimal digits of the mpfr type

  std::vector<std::string> beta = {"1"};
  std::string lambda = "1e-6";
  std::string curvature = "reference";
  std::string curvature_value = "1";
  std::optional<int> iterations;
  std::string kkt_tolerance = "0";
  std::string relative_tolerance = "0";
  double time_limit = 0;  // seconds; 0 means none
  int kkt_every = 1;

  std::optional<std::string> init;
  std::optional<double> init_scale;
  std::uint64_t seed = 1;

  // given: beta and the curvature rule as set; theory: computed by the convergence
  // theory's rules (proofs_notes/convergence.md, section 11).
  std::string params = "given";
  double theory_margin = 2;
  std::string theory_bounds = "measured";  // measured or certified

  std::string trace_path;
  std::string save_model_path;
  bool quiet = false;
};

struct CheckConfig {
  TrainConfig train;
  std::string which = "all";  // descent, rate, kkt or all
  std::string json_path;
};

// Settings of `deepadmm activations`. `problem` is the default check problem, on which the
// theory parameters and the table's checks run.
struct ActivationsConfig {
  std::string activation;  // empty: every registered activation
  bool table = false;      // run the convergence checks and print one row per activation
  std::string precision = "double";
  unsigned digits = 50;
  std::string markdown_path;  // --table: also write the table as Markdown to this file
  TrainConfig problem;
};

struct PredictConfig {
  std::string model_path;
  std::string data_path;
  std::string output_path;  // empty: standard output
  std::string precision = "double";
  unsigned digits = 50;
};

}  // namespace deepadmm::app
