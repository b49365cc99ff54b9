// deepadmm: trains networks by ADMM, evaluates saved models, and (later subcommands)
// runs the theory checks. With no arguments it runs the authors' product-gate task.
#include "approx_command.hpp"
#include "compare_command.hpp"
#include "config.hpp"
#include "run.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "solver/network.hpp"
#include "solver/scalar.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace {

using deepadmm::app::PredictConfig;
using deepadmm::app::TrainConfig;

// Sets the MPFR precision before any value of that type exists, then runs `job` in the
// scalar type `precision` names.
template <class Job>
int dispatch_precision(const std::string& precision, unsigned digits, Job job) {
  if (precision == "double") return job(double{});
  if (precision == "float128") return job(deepadmm::float128{});
  deepadmm::set_mpfr_digits(digits);
  return job(deepadmm::mpfr_real{});
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Rejects a negative number with a short message (CLI11's NonNegativeNumber prints the
// largest double in full).
const CLI::Validator kPositiveInteger(
    [](std::string& text) {
      std::size_t used = 0;
      long long value = 0;
      try {
        value = std::stoll(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || text.empty()) return "value '" + text + "' is not an integer; give a positive integer";
      return value < 1 ? "value " + text + " is not positive; give an integer >= 1" : std::string();
    },
    "POSITIVE");

const CLI::Validator kNonNegative(
    [](std::string& text) { return !text.empty() && text[0] == '-' ? "value " + text + " is negative; it must be >= 0" : std::string(); },
    "NONNEGATIVE");

void add_training_options(CLI::App& app, TrainConfig& c) {
  app.add_option("--task", c.task, "Task: product (y = x1*x2), square (y = x^2) or csv (--data)")
      ->check(CLI::IsMember({"product", "square", "csv"}))
      ->capture_default_str();
  app.add_option("--data", c.data_path, "CSV file with a header line (csv task)");
  app.add_option("--targets", c.target_columns, "Target column name(s) of the CSV file")->delimiter(',');
  app.add_option("--inputs", c.input_columns, "Input column names (default: every non-target column)")->delimiter(',');
  app.add_flag("--classify", c.classify, "Treat the single target column as class labels; train on one-hot targets");
  app.add_option("--test-data", c.test_path, "Separate CSV file with the same columns, used as the test set");
  app.add_option("--test-fraction", c.test_fraction, "Share of CSV rows held out as a test set, in [0, 1)")
      ->capture_default_str();
  app.add_option("--samples", c.samples, "Training samples of a synthetic task (default 1000)");
  app.add_option("--test-samples", c.test_samples, "Test samples of a synthetic task")->capture_default_str();
  app.add_option("--standardize", c.standardize,
                 "Standardise none, inputs, or all (inputs and regression targets) to mean 0, variance 1")
      ->check(CLI::IsMember({"none", "inputs", "all"}))
      ->capture_default_str();

  app.add_option("--layers", c.hidden_widths, "Hidden layer widths, e.g. 300,300 (default by task)")->delimiter(',');
  app.add_option("--activation", c.activation, "Activation: " + joined(deepadmm::activation_names()))
      ->check(CLI::IsMember(deepadmm::activation_names()))
      ->capture_default_str();
  app.add_option("--precision", c.precision, "Scalar type: double, float128 or mpfr")
      ->check(CLI::IsMember({"double", "float128", "mpfr"}))
      ->capture_default_str();
  app.add_option("--digits", c.digits, "Decimal digits of the mpfr scalar type")
      ->check(CLI::Range(10u, 10000u))
      ->capture_default_str();

  app.add_option("--beta", c.beta, "Penalty beta: one value, or one per weight layer (input side first)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--lambda", c.lambda, "Weight decay lambda >= 0")->capture_default_str();
  app.add_option("--curvature", c.curvature, "Curvature rule for h and mu: reference, majorising or fixed")
      ->check(CLI::IsMember({"reference", "majorising", "fixed"}))
      ->capture_default_str();
  app.add_option("--curvature-value", c.curvature_value, "h = mu for the fixed curvature rule")->capture_default_str();
  app.add_option("--iterations", c.iterations, "Maximum iterations (default 30 product, 50 square, 100 csv)");
  app.add_option("--kkt-tol", c.kkt_tolerance, "Stop when the KKT residual is at most this (0: off)")->capture_default_str();
  app.add_option("--rel-tol", c.relative_tolerance,
                 "Stop when |L_k - L_{k-1}| <= this * |L_{k-1}| for the augmented Lagrangian L (0: off)")
      ->capture_default_str();
  app.add_option("--time-limit", c.time_limit, "Wall-time limit in seconds (0: none)")->capture_default_str();
  app.add_option("--kkt-every", c.kkt_every, "Compute the KKT residual every m iterations (0: never)")
      ->check(kNonNegative)
      ->capture_default_str();

  app.add_option("--init", c.init, "Initialisation: " + joined(deepadmm::init_scheme_names()) + " (default msra)")
      ->check(CLI::IsMember(deepadmm::init_scheme_names()));
  app.add_option("--init-scale", c.init_scale, "Factor on the drawn weights (default 8 for msra, else 1)");
  app.add_option("--seed", c.seed, "Seed of the data draw, the split and the initialisation (>= 0)")
      ->check(kNonNegative)
      ->capture_default_str();

  app.add_option("--params", c.params,
                 "Parameter set: given (beta and curvature as set) or theory (penalties and curvature from the "
                 "convergence theory, proofs_notes/convergence.md section 11)")
      ->check(CLI::IsMember({"given", "theory"}))
      ->capture_default_str();
  app.add_option("--theory-margin", c.theory_margin, "Margin m >= 1 of the theory parameters")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  app.add_option("--theory-bounds", c.theory_bounds,
                 "Weight bound of the theory parameters: measured (from the start weights) or certified (from lambda)")
      ->check(CLI::IsMember({"measured", "certified"}))
      ->capture_default_str();

  app.add_option("--trace", c.trace_path, "Write every iteration record to FILE (.json for JSON, else CSV)");
  app.add_option("--save-model", c.save_model_path, "Write the trained model to FILE (JSON)");
  app.add_flag("--quiet", c.quiet, "Print only the final summary");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "deepadmm: ADMM training of deep networks with smooth activations (Zeng, Lin, Yao and Zhou, JMLR 2021).\n"
      "Without arguments it trains the authors' product-gate network (2-300-300-1 sigmoid, 30 iterations)."};
  TrainConfig train_config;
  add_training_options(app, train_config);

  PredictConfig predict_config;
  CLI::App* predict = app.add_subcommand("predict", "Evaluate a saved model on the rows of a CSV file");
  predict->add_option("--model", predict_config.model_path, "Model file written by --save-model")->required();
  predict->add_option("--data", predict_config.data_path, "CSV file containing the model's input columns")->required();
  predict->add_option("--output", predict_config.output_path, "Write predictions to FILE instead of standard output");
  predict->add_option("--precision", predict_config.precision, "Scalar type: double, float128 or mpfr")
      ->check(CLI::IsMember({"double", "float128", "mpfr"}))
      ->capture_default_str();
  predict->add_option("--digits", predict_config.digits, "Decimal digits of the mpfr scalar type")
      ->check(CLI::Range(10u, 10000u))
      ->capture_default_str();

  // The checks run on a small problem by default, where high precision stays cheap.
  deepadmm::app::CheckConfig check_config;
  check_config.train.samples = 20;
  check_config.train.hidden_widths = std::vector<int>{4, 4};
  check_config.train.iterations = 200;
  check_config.train.lambda = "1e-2";
  check_config.train.init = "he-normal";
  check_config.train.params = "theory";
  CLI::App* check = app.add_subcommand(
      "check", "Run the convergence checks (descent, rate, kkt or all) on one run; default: product gate, "
               "2-4-4-1, 20 samples, 200 iterations, lambda 1e-2, theory parameters");
  check->add_option("which", check_config.which, "descent, rate, kkt or all")
      ->check(CLI::IsMember({"descent", "rate", "kkt", "all"}))
      ->capture_default_str();
  check->add_option("--json", check_config.json_path, "Write the checks as JSON to FILE");
  add_training_options(*check, check_config.train);

  deepadmm::app::ActivationsConfig activations_config;
  activations_config.problem = check_config.train;
  CLI::App* activations = app.add_subcommand(
      "activations", "Print each activation's constants, the convergence assumptions it meets and its theory "
                     "parameters on the default check problem; --table runs the checks per activation");
  activations->add_option("--activation", activations_config.activation, "Only this activation (default: all)")
      ->check(CLI::IsMember(deepadmm::activation_names()));
  activations->add_flag("--table", activations_config.table,
                        "Run the descent, rate and kkt checks with theory parameters and print one row per activation");
  activations->add_option("--markdown", activations_config.markdown_path, "With --table, also write it as Markdown to FILE");
  activations->add_option("--precision", activations_config.precision, "Scalar type: double, float128 or mpfr")
      ->check(CLI::IsMember({"double", "float128", "mpfr"}))
      ->capture_default_str();
  activations->add_option("--digits", activations_config.digits, "Decimal digits of the mpfr scalar type")
      ->check(CLI::Range(10u, 10000u))
      ->capture_default_str();

  deepadmm::app::ApproxConfig approx_config;
  CLI::App* approx = app.add_subcommand(
      "approx", "Approximation checks: sigmoid nets approximate ReLU (relu, C4), ReLU nets stall against the "
                "sigmoid (sigmoid, C5), or all; --save-model writes the C4 network instead");
  approx->add_option("which", approx_config.which, "relu, sigmoid or all")
      ->check(CLI::IsMember({"relu", "sigmoid", "all"}))
      ->capture_default_str();
  approx->add_option("--precision", approx_config.precision, "Scalar type: double, float128 or mpfr")
      ->check(CLI::IsMember({"double", "float128", "mpfr"}))
      ->capture_default_str();
  approx->add_option("--digits", approx_config.digits, "Decimal digits of the mpfr scalar type")
      ->check(CLI::Range(10u, 10000u))
      ->capture_default_str();
  approx->add_option("--json", approx_config.json_path, "Write the checks as JSON to FILE");
  approx->add_option("--save-model", approx_config.save_model_path,
                     "Write the 1-2-4-1 sigmoid network for --eps and --a to FILE (input column t)");
  approx->add_option("--eps", approx_config.eps, "Target sup error in (0, 1] of the saved network")->capture_default_str();
  approx->add_option("--a", approx_config.a, "Half-width a > 0 of the interval [-a, a] of the saved network")
      ->capture_default_str();

  deepadmm::app::CompareConfig compare_config;
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare sigmoid-ADMM with SGD and Adam on ReLU and sigmoid nets over grids of hyperparameters, "
                 "initialisations and input preprocessing (double); writes tables, CSV, JSON and PNG plots");
  compare->add_option("--size", compare_config.size, "smoke (seconds) or full (the reported comparison, 10 to 20 minutes on 2 cores)")
      ->check(CLI::IsMember({"smoke", "full"}))
      ->capture_default_str();
  compare->add_option("--out", compare_config.out_dir, "Folder for the results (created if missing)")
      ->capture_default_str();
  compare->add_option("--jobs", compare_config.jobs, "Runs in parallel, one thread each")
      ->check(kPositiveInteger)
      ->capture_default_str();
  compare->add_option("--seeds", compare_config.seeds, "Seeds per grid cell (default by --size)")
      ->check(kPositiveInteger);
  compare->add_option("--passes", compare_config.passes,
                      "Passes over the training data per run: ADMM iterations or SGD epochs (default by --size)")
      ->check(kPositiveInteger);
  compare->add_option("--hidden", compare_config.hidden, "Width of each of the two hidden layers (default by --size)")
      ->check(kPositiveInteger);
  compare->add_option("--samples", compare_config.samples,
                      "Training samples of each synthetic task, and as many test samples (default by --size)")
      ->check(kPositiveInteger);
  compare->add_option("--tasks", compare_config.tasks,
                      "Tasks (default all): product, square, relu, radial2, radial5, radial10, diabetes")
      ->delimiter(',');
  compare->add_option("--methods", compare_config.methods,
                      "Methods: sigmoid-admm, relu-sgd, sigmoid-sgd, relu-adam, sigmoid-adam (default: the first three for smoke, all for full)")
      ->delimiter(',');
  compare->add_option("--data-dir", compare_config.data_dir, "Folder holding diabetes.csv (default: the shipped data)");
  bool no_plots = false;
  compare->add_flag("--no-plots", no_plots, "Write plots.gp but do not run gnuplot");
  compare->add_flag("--quiet", compare_config.quiet, "Print no progress");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "deepadmm: error: %s; run 'deepadmm --help' or 'deepadmm COMMAND --help' for the options\n",
                 error.what());
    return 2;
  }

  try {
    if (predict->parsed()) {
      return dispatch_precision(predict_config.precision, predict_config.digits, [&](auto zero) {
        return deepadmm::app::run_predict<decltype(zero)>(predict_config);
      });
    }
    if (activations->parsed()) return deepadmm::app::run_activations(activations_config);
    if (approx->parsed()) return deepadmm::app::run_approx_command(approx_config);
    if (compare->parsed()) {
      compare_config.plots = !no_plots;
      return deepadmm::app::run_compare_command(compare_config);
    }
    if (check->parsed()) {
      return dispatch_precision(check_config.train.precision, check_config.train.digits, [&](auto zero) {
        return deepadmm::app::run_checks<decltype(zero)>(check_config);
      });
    }
    return dispatch_precision(train_config.precision, train_config.digits, [&](auto zero) {
      return deepadmm::app::run_training<decltype(zero)>(train_config);
    });
  } catch (const std::exception& error) {
    std::fprintf(stderr, "deepadmm: error: %s\n", error.what());
    return 2;
  }
}
