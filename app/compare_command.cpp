#include "compare_command.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "solver/io.hpp"
#include "solver/network.hpp"
#include "solver/sgd.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef DEEPADMM_SOURCE_DATA_DIR
#define DEEPADMM_SOURCE_DATA_DIR "data"
#endif

namespace deepadmm::app {

namespace {

using Mat = Matrix<double>;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A slope below this share of sup|f'| counts as saturated (sigmoid) or inactive (ReLU).
constexpr double kSaturationThreshold = 0.01;
// The regulariser weight of every method, the authors' ADMM default.
constexpr double kLambda = 1e-6;

struct SizePreset {
  int samples;      // training samples of the synthetic tasks (as many test samples)
  int hidden;       // width of each of the two hidden layers
  int passes;       // passes over the training data: ADMM iterations or SGD epochs
  int seeds;
  int record_every; // passes between two curve points
};

SizePreset preset(const std::string& size) {
  if (size == "smoke") return {200, 10, 40, 2, 5};
  if (size == "full") return {1000, 50, 200, 5, 10};
  throw std::invalid_argument("unknown --size '" + size + "'; known: smoke, full");
}

struct Method {
  std::string name;
  std::string activation;
  bool admm;
  Optimizer optimizer;
  std::string hyper_name;
  std::vector<double> grid;  // penalty beta (ADMM) or learning rate, five orders apart
};

const std::vector<Method>& all_methods() {
  static const std::vector<Method> methods = {
      {"sigmoid-admm", "sigmoid", true, Optimizer::Momentum, "beta", {1e-2, 1e-1, 1, 1e1, 1e2}},
      {"relu-sgd", "relu", false, Optimizer::Momentum, "rate", {1e-4, 1e-3, 1e-2, 1e-1, 1}},
      {"sigmoid-sgd", "sigmoid", false, Optimizer::Momentum, "rate", {1e-4, 1e-3, 1e-2, 1e-1, 1}},
      {"relu-adam", "relu", false, Optimizer::Adam, "rate", {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}},
      {"sigmoid-adam", "sigmoid", false, Optimizer::Adam, "rate", {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}},
  };
  return methods;
}

const std::vector<std::string> kDefaultMethods = {"sigmoid-admm", "relu-sgd", "sigmoid-sgd"};
// The full size adds Adam, the common practical choice, on both activations.
const std::vector<std::string> kFullMethods = {"sigmoid-admm", "relu-sgd", "sigmoid-sgd", "relu-adam", "sigmoid-adam"};
const std::vector<std::string> kTasks = {"product", "square", "relu", "radial2", "radial5", "radial10", "diabetes"};
const std::vector<std::string> kPreprocessing = {"raw", "standard", "minmax", "x10", "x100"};
const std::string kBaseInit = "he-normal";
const std::string kBasePreprocessing = "raw";

struct TaskData {
  Mat x_train, y_train, x_test, y_test;
};

int task_dimension(const std::string& task) {
  if (task == "product") return 2;
  if (task == "square" || task == "relu") return 1;
  if (task.rfind("radial", 0) == 0) return std::stoi(task.substr(6));
  return 10;  // diabetes
}

// Target of a synthetic task at x.
double synthetic_target(const std::string& task, const Eigen::Ref<const Eigen::VectorXd>& x) {
  if (task == "product") return x(0) * x(1);
  if (task == "square") return x(0) * x(0);
  if (task == "relu") return std::max(x(0), 0.0);
  // Radial: exp(-3 |x|^2 / d). The mean of |x|^2 over [-1, 1]^d is d/3, so the exponent
  // is -1 on average in every dimension.
  return std::exp(-3.0 * x.squaredNorm() / static_cast<double>(x.size()));
}

TaskData make_task(const std::string& task, int samples, std::uint64_t seed, const std::string& data_dir) {
  TaskData data;
  std::mt19937_64 rng(seed * 1000003ULL + 17);
  if (task != "diabetes") {
    const int d = task_dimension(task);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    auto draw = [&](Mat& x, Mat& y) {
      x.resize(d, samples);
      y.resize(1, samples);
      for (int j = 0; j < samples; ++j) {
        for (int i = 0; i < d; ++i) x(i, j) = uniform(rng);
        y(0, j) = synthetic_target(task, x.col(j));
      }
    };
    draw(data.x_train, data.y_train);
    draw(data.x_test, data.y_test);
    return data;
  }

  const std::string path = (std::filesystem::path(data_dir) / "diabetes.csv").string();
  const CsvTable table = read_csv(path);
  std::vector<std::string> inputs;
  for (const auto& name : table.header)
    if (name != "target") inputs.push_back(name);
  const Mat x = table_matrix<double>(table, find_columns(table, inputs));
  Mat y = table_matrix<double>(table, find_columns(table, {"target"}));

  // 100 rows (of 442 in the shipped file), drawn by the seed, form the test set.
  std::vector<int> order(static_cast<std::size_t>(x.cols()));
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::shuffle(order.begin(), order.end(), rng);
  const int n_test = 100;
  const int n_train = static_cast<int>(x.cols()) - n_test;
  const int min_train = 10;
  if (n_train < min_train)
    throw std::invalid_argument("'" + path + "' has " + std::to_string(x.cols()) +
                                " data rows, but the comparison needs at least " + std::to_string(n_test + min_train) +
                                " (" + std::to_string(n_test) + " test rows and " + std::to_string(min_train) +
                                " training rows); use a larger file");
  data.x_train.resize(x.rows(), n_train);
  data.y_train.resize(1, n_train);
  data.x_test.resize(x.rows(), n_test);
  data.y_test.resize(1, n_test);
  for (int k = 0; k < n_train; ++k) {
    data.x_train.col(k) = x.col(order[static_cast<std::size_t>(k)]);
    data.y_train.col(k) = y.col(order[static_cast<std::size_t>(k)]);
  }
  for (int k = 0; k < n_test; ++k) {
    data.x_test.col(k) = x.col(order[static_cast<std::size_t>(n_train + k)]);
    data.y_test.col(k) = y.col(order[static_cast<std::size_t>(n_train + k)]);
  }
  // The target is standardised with the training statistics in every cell, so its errors
  // read in units of the target's variance (1 is the error of predicting the mean).
  const double mean = data.y_train.mean();
  const double sd = std::sqrt((data.y_train.array() - mean).square().mean());
  if (!(sd > 0))
    throw std::invalid_argument("the 'target' column of '" + path +
                                "' is constant over the training rows; the comparison needs a varying target");
  data.y_train = (data.y_train.array() - mean) / sd;
  data.y_test = (data.y_test.array() - mean) / sd;
  return data;
}

// Applies an input preprocessing fitted on the training inputs to both sets.
void preprocess(const std::string& kind, TaskData& data) {
  if (kind == "raw") return;
  if (kind == "x10" || kind == "x100") {
    const double factor = kind == "x10" ? 10.0 : 100.0;
    data.x_train *= factor;
    data.x_test *= factor;
    return;
  }
  Eigen::VectorXd shift(data.x_train.rows()), scale(data.x_train.rows());
  for (Eigen::Index i = 0; i < data.x_train.rows(); ++i) {
    const auto row = data.x_train.row(i).array();
    if (kind == "standard") {
      shift(i) = row.mean();
      const double sd = std::sqrt((row - shift(i)).square().mean());
      scale(i) = sd > 0 ? sd : 1.0;
    } else {  // minmax: [min, max] of the training inputs onto [-1, 1]
      const double low = row.minCoeff();
      const double high = row.maxCoeff();
      shift(i) = (low + high) / 2;
      scale(i) = high > low ? (high - low) / 2 : 1.0;
    }
  }
  data.x_train = (data.x_train.colwise() - shift).array().colwise() / scale.array();
  data.x_test = (data.x_test.colwise() - shift).array().colwise() / scale.array();
}

struct RunSpec {
  std::string grid, task, method, init, preprocessing;
  double hyper = 0;
  int seed = 0;
  int passes = 0;  // 0: the size preset's passes
};

struct CurvePoint {
  int pass;
  double train_mse, saturation;
};

struct RunResult {
  RunSpec spec;
  std::string status;  // completed, diverged or failed
  std::string message;
  double train_mse = kInfinity, test_mse = kInfinity;
  double saturation_initial = 0, saturation_final = 0;
  double wall_seconds = 0;
  int passes_done = 0;
  std::vector<CurvePoint> curve;
};

const Method& find_method(const std::string& name) {
  for (const auto& m : all_methods())
    if (m.name == name) return m;
  std::string known;
  for (const auto& m : all_methods()) known += (known.empty() ? "" : ", ") + m.name;
  throw std::invalid_argument("unknown method '" + name + "'; known: " + known);
}

double mse(const Network<double>& net, const Mat& x, const Mat& y) {
  const double value = (net.predict(x) - y).squaredNorm() / static_cast<double>(y.cols());
  return std::isfinite(value) ? value : kInfinity;
}

RunResult run_one(const RunSpec& spec, SizePreset size, const std::string& data_dir) {
  RunResult out;
  if (spec.passes > 0) {
    size.record_every = std::max(1, size.record_every * spec.passes / size.passes);
    size.passes = spec.passes;
  }
  out.spec = spec;
  const Method& method = find_method(spec.method);
  TaskData data = make_task(spec.task, size.samples, static_cast<std::uint64_t>(spec.seed), data_dir);
  preprocess(spec.preprocessing, data);

  const int d = static_cast<int>(data.x_train.rows());
  const auto net = make_network<double>({d, size.hidden, size.hidden, 1}, make_activation<double>(method.activation),
                                        parse_init_scheme(spec.init), static_cast<std::uint64_t>(spec.seed));
  auto record = [&](int pass, const Network<double>& current) {
    if (pass % size.record_every != 0 && pass != size.passes) return;
    out.curve.push_back({pass, mse(current, data.x_train, data.y_train),
                         saturation_share(current, data.x_train, kSaturationThreshold)});
  };

  const auto start = std::chrono::steady_clock::now();
  Network<double> final_net = net;
  if (method.admm) {
    Options<double> options;
    options.beta = {spec.hyper};
    options.lambda = kLambda;
    options.max_iterations = size.passes;
    options.kkt_every = 0;
    const Result<double> result =
        train<double>(data.x_train, data.y_train, net, options,
                      [&](const IterationRecord<double>& r, const AdmmState<double>& state) { record(r.iteration, state.network); });
    final_net = result.state.network;
    out.passes_done = static_cast<int>(result.records.size());
    out.message = result.message;
    out.status = result.status == Status::MaxIterations || result.status == Status::Converged ? "completed"
                 : result.status == Status::NonFinite                                          ? "diverged"
                                                                                                : "failed";
  } else {
    SgdOptions<double> options;
    options.optimizer = method.optimizer;
    options.learning_rate = spec.hyper;
    options.lambda = kLambda;
    options.epochs = size.passes;
    options.shuffle_seed = static_cast<std::uint64_t>(spec.seed);
    const SgdResult<double> result = train_sgd<double>(
        data.x_train, data.y_train, net, options,
        [&](const SgdRecord<double>& r, const Network<double>& current) { record(r.epoch, current); });
    final_net = result.network;
    out.passes_done = static_cast<int>(result.records.size()) - 1;
    out.message = result.message;
    out.status = result.status == Status::MaxIterations ? "completed"
                 : result.status == Status::NonFinite   ? "diverged"
                                                        : "failed";
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (out.status == "completed") {
    out.train_mse = mse(final_net, data.x_train, data.y_train);
    out.test_mse = mse(final_net, data.x_test, data.y_test);
    if (!std::isfinite(out.train_mse) || !std::isfinite(out.test_mse)) out.status = "diverged";
  }
  if (!out.curve.empty()) {
    out.saturation_initial = out.curve.front().saturation;
    out.saturation_final = out.curve.back().saturation;
  }
  return out;
}

// Runs the specs on `jobs` threads; results keep the order of the specs.
std::vector<RunResult> run_all(const std::vector<RunSpec>& specs, const SizePreset& size, const CompareConfig& config,
                               const std::string& label, std::size_t& done_total, std::size_t planned_total,
                               std::chrono::steady_clock::time_point command_start) {
  std::vector<RunResult> results(specs.size());
  std::atomic<std::size_t> next{0};
  std::mutex print_mutex;
  const auto start = std::chrono::steady_clock::now();
  std::string first_error;
  int errors = 0;
  auto worker = [&] {
    for (std::size_t k = next++; k < specs.size(); k = next++) {
      try {
        results[k] = run_one(specs[k], size, config.data_dir);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(print_mutex);
        if (first_error.empty()) first_error = e.what();
        ++errors;
        results[k].spec = specs[k];
        results[k].status = "failed";
        results[k].message = e.what();
      }
      std::lock_guard<std::mutex> lock(print_mutex);
      ++done_total;
      if (!config.quiet && (done_total % 50 == 0 || k + 1 == specs.size())) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - command_start).count();
        // The estimate assumes the remaining runs take as long on average as those done.
        const double left = total / static_cast<double>(done_total) * static_cast<double>(planned_total - done_total);
        std::fprintf(stderr, "compare: %s grid, %zu of %zu runs done in all, %.0f s in this grid, about %.0f s left\n",
                     label.c_str(), done_total, planned_total, elapsed, left);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < config.jobs; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!first_error.empty() && !config.quiet)
    std::fprintf(stderr, "compare: %d runs of the %s grid failed with an error (marked failed in runs.csv); the first: %s\n",
                 errors, label.c_str(), first_error.c_str());
  return results;
}

double median(std::vector<double> values) {
  if (values.empty()) return kInfinity;
  std::sort(values.begin(), values.end());
  const std::size_t m = values.size() / 2;
  return values.size() % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

struct CellSummary {
  double median_test = kInfinity, min_test = kInfinity, max_test = kInfinity, median_train = kInfinity;
  double median_saturation = 0, median_wall = 0;
  int runs = 0, diverged = 0, failed = 0;
};

CellSummary summarise(const std::vector<const RunResult*>& runs) {
  CellSummary s;
  std::vector<double> test, train, saturation, wall;
  for (const auto* r : runs) {
    test.push_back(r->test_mse);
    train.push_back(r->train_mse);
    saturation.push_back(r->saturation_final);
    wall.push_back(r->wall_seconds);
    s.diverged += r->status == "diverged" ? 1 : 0;
    s.failed += r->status == "failed" ? 1 : 0;
  }
  s.runs = static_cast<int>(runs.size());
  if (runs.empty()) return s;
  s.median_test = median(test);
  s.median_train = median(train);
  s.min_test = *std::min_element(test.begin(), test.end());
  s.max_test = *std::max_element(test.begin(), test.end());
  s.median_saturation = median(saturation);
  s.median_wall = median(wall);
  return s;
}

std::string number(double value, const char* format = "%.3g") {
  if (std::isinf(value)) return "inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string plural(long long count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string cell_text(const CellSummary& s) {
  std::string text = number(s.median_test) + " [" + number(s.min_test) + ", " + number(s.max_test) + "]";
  if (s.diverged) text += " (" + std::to_string(s.diverged) + "/" + std::to_string(s.runs) + " diverged)";
  if (s.failed) text += " (" + std::to_string(s.failed) + "/" + std::to_string(s.runs) + " failed)";
  return text;
}

// Groups the results of one grid by a key.
template <class Key>
std::map<Key, std::vector<const RunResult*>> group(const std::vector<RunResult>& results, const std::string& grid,
                                                   Key (*key)(const RunResult&)) {
  std::map<Key, std::vector<const RunResult*>> groups;
  for (const auto& r : results)
    if (r.spec.grid == grid) groups[key(r)].push_back(&r);
  return groups;
}

using CellKey = std::tuple<std::string, std::string, std::string>;  // task, method, setting

std::string hyper_text(double value) { return number(value, "%g"); }

CellKey rate_key(const RunResult& r) { return {r.spec.task, r.spec.method, hyper_text(r.spec.hyper)}; }
CellKey init_key(const RunResult& r) { return {r.spec.task, r.spec.method, r.spec.init}; }
CellKey prep_key(const RunResult& r) { return {r.spec.task, r.spec.method, r.spec.preprocessing}; }

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("failed to write '" + path.string() + "'; check that the folder is writable");
}

std::string csv_number(double value) {
  if (std::isinf(value)) return "inf";
  return to_exact_string(value);
}

// The results of all grids and what the output files need besides them.
struct Comparison {
  CompareConfig config;
  SizePreset size;
  std::vector<RunResult> results;
  std::map<std::pair<std::string, std::string>, double> best;  // (task, method) -> best value
  std::map<std::pair<std::string, std::string>, int> time_passes;  // epochs of the equal-time grid
  bool time_grid = false;
  double total_seconds = 0;
  std::string command_line;  // the options that reproduce the grids
};

// Writes runs.csv and curves.csv (one row per run and per curve point) and runs.json.
void write_run_files(const Comparison& c, const std::filesystem::path& out_dir) {
  const CompareConfig& config = c.config;
  const SizePreset& size = c.size;
  const std::vector<RunResult>& results = c.results;
  std::ostringstream runs_csv, curves_csv;
  runs_csv << "run,grid,task,method,activation,optimizer,hyper_name,hyper,init,preprocessing,seed,passes,status,"
              "train_mse,test_mse,saturation_initial,saturation_final,wall_seconds\n";
  curves_csv << "run,pass,train_mse,saturation\n";
  // JSON has no infinity, so an infinite error (a diverged run) is written as null.
  auto finite_or_null = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  nlohmann::json runs_json = nlohmann::json::array();

  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    const Method& m = find_method(r.spec.method);
    const std::string optimizer = m.admm ? "admm" : optimizer_name(m.optimizer);
    runs_csv << k << ',' << r.spec.grid << ',' << r.spec.task << ',' << r.spec.method << ',' << m.activation << ','
             << optimizer << ',' << m.hyper_name << ',' << csv_number(r.spec.hyper) << ',' << r.spec.init << ','
             << r.spec.preprocessing << ',' << r.spec.seed << ',' << r.passes_done << ',' << r.status << ','
             << csv_number(r.train_mse) << ',' << csv_number(r.test_mse) << ',' << csv_number(r.saturation_initial)
             << ',' << csv_number(r.saturation_final) << ',' << csv_number(r.wall_seconds) << '\n';

    nlohmann::json curve = nlohmann::json::array();
    for (const auto& p : r.curve) {
      curves_csv << k << ',' << p.pass << ',' << csv_number(p.train_mse) << ',' << csv_number(p.saturation) << '\n';
      curve.push_back({{"pass", p.pass}, {"train_mse", finite_or_null(p.train_mse)}, {"saturation", p.saturation}});
    }
    runs_json.push_back({{"run", k}, {"grid", r.spec.grid}, {"task", r.spec.task}, {"method", r.spec.method},
                         {"activation", m.activation}, {"optimizer", optimizer}, {"hyper_name", m.hyper_name},
                         {"hyper", r.spec.hyper}, {"init", r.spec.init}, {"preprocessing", r.spec.preprocessing},
                         {"seed", r.spec.seed}, {"passes", r.passes_done}, {"status", r.status},
                         {"message", r.message}, {"train_mse", finite_or_null(r.train_mse)},
                         {"test_mse", finite_or_null(r.test_mse)}, {"saturation_initial", r.saturation_initial},
                         {"saturation_final", r.saturation_final}, {"wall_seconds", r.wall_seconds},
                         {"curve", curve}});
  }

  const nlohmann::json settings = {
      {"size", config.size}, {"samples", size.samples}, {"hidden_widths", {size.hidden, size.hidden}},
      {"passes", size.passes}, {"seeds", size.seeds}, {"record_every", size.record_every},
      {"lambda", kLambda}, {"batch_size", SgdOptions<double>{}.batch_size},
      {"momentum", SgdOptions<double>{}.momentum}, {"saturation_threshold", kSaturationThreshold},
      {"base_init", kBaseInit}, {"base_preprocessing", kBasePreprocessing}, {"jobs", config.jobs},
      {"total_seconds", c.total_seconds}, {"command", c.command_line}};
  write_file(out_dir / "runs.csv", runs_csv.str());
  write_file(out_dir / "curves.csv", curves_csv.str());
  write_file(out_dir / "runs.json", nlohmann::json({{"settings", settings}, {"runs", runs_json}}).dump() + "\n");
}

// Writes summary.md: the settings, then one table per grid.
void write_summary(const Comparison& c, const std::filesystem::path& out_dir) {
  const CompareConfig& config = c.config;
  const SizePreset& size = c.size;
  const std::vector<RunResult>& results = c.results;
  const auto& best = c.best;
  std::ostringstream md;
  const bool diabetes =
      std::find(config.tasks.begin(), config.tasks.end(), "diabetes") != config.tasks.end();
  md << "# Comparison results (" << config.size << " size)\n\n"
     << "Written by `" << c.command_line << "`. Networks d-" << size.hidden << "-" << size.hidden << "-1, "
     << size.samples << " training and as many test samples per synthetic task"
     << (diabetes ? " (diabetes: 342 and 100)" : "") << ", " << size.passes
     << " passes over the training data per run (ADMM iterations or SGD epochs of batch "
     << SgdOptions<double>{}.batch_size << "), lambda = " << kLambda << ", " << plural(size.seeds, "seed")
     << " per cell. Errors are mean squared errors per sample on the test set"
     << (diabetes ? " (diabetes: standardised target)" : "") << ". "
     << "Each cell gives the median over the seeds and [min, max]. A run *diverged* when its iterates became "
        "non-finite; it stops there and counts as an infinite error. A run that ended with finite but huge errors "
        "counts as completed with those errors. A run *failed* when it raised an error (its message is in "
        "runs.json); it also counts as infinite. "
     << "Saturation is the share of hidden responses with |f'(z)| < " << kSaturationThreshold
     << " sup|f'| on the training inputs after the last pass (for ReLU: inactive units). Saturation and wall time "
        "medians include diverged runs at the pass where they stopped. Total wall time "
     << number(c.total_seconds, "%.0f") << " s on " << plural(config.jobs, "thread") << ".\n\n";

  md << "## Hyperparameter grid (init " << kBaseInit << ", inputs " << kBasePreprocessing << ")\n\n"
     << "`beta` is the ADMM penalty of every layer, `rate` the learning rate. `within 2x` counts the grid values whose "
        "median test error is at most twice the method's own best on that task, and those at most twice the best "
        "median of all methods on the task.\n\n";
  {
    const auto groups = group<CellKey>(results, "rate", rate_key);
    for (const auto& task : config.tasks) {
      double overall_best = kInfinity;
      for (const auto& m : config.methods)
        for (double value : find_method(m).grid) {
          const auto it = groups.find({task, m, hyper_text(value)});
          if (it != groups.end()) overall_best = std::min(overall_best, summarise(it->second).median_test);
        }
      md << "### " << task << "\n\n| method | value | test MSE median [min, max] | train MSE median | saturation | "
            "wall s |\n|---|---|---|---|---|---|\n";
      for (const auto& m : config.methods) {
        const Method& method = find_method(m);
        double best_error = kInfinity;
        std::vector<double> medians;
        for (double value : method.grid) {
          const auto it = groups.find({task, m, hyper_text(value)});
          const CellSummary s = summarise(it == groups.end() ? std::vector<const RunResult*>{} : it->second);
          medians.push_back(s.median_test);
          best_error = std::min(best_error, s.median_test);
          md << "| " << m << " | " << method.hyper_name << " = " << hyper_text(value) << " | " << cell_text(s) << " | "
             << number(s.median_train) << " | " << number(s.median_saturation, "%.2f") << " | "
             << number(s.median_wall, "%.3g") << " |\n";
        }
        auto within = [&](double reference) {
          return std::count_if(medians.begin(), medians.end(),
                               [&](double e) { return std::isfinite(e) && e <= 2 * reference; });
        };
        md << "| " << m << " | within 2x | own best: " << within(best_error) << " of " << medians.size()
           << "; best of all methods: " << within(overall_best) << " of " << medians.size() << " | | | |\n";
      }
      md << "\n";
    }
  }
  auto setting_tables = [&](const std::string& grid, const std::vector<std::string>& settings_list,
                            CellKey (*key)(const RunResult&), const std::string& title) {
    const auto groups = group<CellKey>(results, grid, key);
    md << "## " << title << "\n\nEach method at its best hyperparameter value on the task (from the grid above). "
       << "Test MSE median [min, max].\n\n";
    for (const auto& task : config.tasks) {
      md << "### " << task << "\n\n| " << grid;
      for (const auto& m : config.methods) md << " | " << m << " (" << find_method(m).hyper_name << " = "
                                              << hyper_text(best.at({task, m})) << ")";
      md << " |\n|---";
      for (std::size_t k = 0; k < config.methods.size(); ++k) md << "|---";
      md << "|\n";
      for (const auto& setting : settings_list) {
        md << "| " << setting;
        for (const auto& m : config.methods) {
          const auto it = groups.find({task, m, setting});
          md << " | " << cell_text(summarise(it == groups.end() ? std::vector<const RunResult*>{} : it->second));
        }
        md << " |\n";
      }
      md << "\n";
    }
  };
  setting_tables("init", init_scheme_names(), init_key, "Initialisation grid (inputs " + kBasePreprocessing + ")");
  setting_tables("preprocessing", kPreprocessing, prep_key, "Input preprocessing grid (init " + kBaseInit + ")");
  if (!c.time_grid)
    md << "## Equal wall time\n\nNot run: it needs sigmoid-admm and at least one gradient method among the "
          "methods.\n\n";
  if (c.time_grid) {
    const auto rate_groups = group<CellKey>(results, "rate", rate_key);
    const auto time_groups = group<CellKey>(results, "time", [](const RunResult& r) -> CellKey {
      return {r.spec.task, r.spec.method, hyper_text(r.spec.hyper)};
    });
    md << "## Equal wall time\n\nThe grids above give every method the same number of passes over the data. Here "
          "each gradient method, at its best value, gets as many epochs as fit in the median wall time of the ADMM "
          "runs at their best value on the same task.\n\n| task | method | passes | median wall s | test MSE median "
          "[min, max] | train MSE median |\n|---|---|---|---|---|---|\n";
    for (const auto& task : config.tasks)
      for (const auto& m : config.methods) {
        const bool admm = find_method(m).admm;
        const auto& groups = admm ? rate_groups : time_groups;
        const auto it = groups.find({task, m, hyper_text(best.at({task, m}))});
        if (it == groups.end()) continue;
        const CellSummary s = summarise(it->second);
        md << "| " << task << " | " << m << " | " << (admm ? size.passes : c.time_passes.at({task, m})) << " | "
           << number(s.median_wall, "%.3g") << " | " << cell_text(s) << " | " << number(s.median_train) << " |\n";
      }
    md << "\n";
  }
  write_file(out_dir / "summary.md", md.str());
}

// Returns gnuplot data with one block per task: the pass, then per method the median training
// error and median saturation share over the runs that `selected` accepts.
std::string median_curves(const Comparison& c, const std::function<bool(const RunResult&)>& selected) {
  std::ostringstream dat;
  for (const auto& task : c.config.tasks) {
    dat << "# task " << task << "\n# pass";
    for (const auto& m : c.config.methods) dat << " " << m << "_train_mse " << m << "_saturation";
    dat << "\n";
    std::map<std::string, std::map<int, std::pair<std::vector<double>, std::vector<double>>>> points;
    std::set<int> passes;
    for (const auto& r : c.results)
      if (r.spec.task == task && selected(r))
        for (const auto& p : r.curve) {
          points[r.spec.method][p.pass].first.push_back(p.train_mse);
          points[r.spec.method][p.pass].second.push_back(p.saturation);
          passes.insert(p.pass);
        }
    for (int pass : passes) {
      dat << pass;
      for (const auto& m : c.config.methods) {
        const auto& by_pass = points[m];
        const auto it = by_pass.find(pass);
        if (it == by_pass.end()) {
          dat << " NaN NaN";
          continue;
        }
        const double train = median(it->second.first);
        dat << " " << (std::isfinite(train) ? csv_number(train) : "NaN") << " " << csv_number(median(it->second.second));
      }
      dat << "\n";
    }
    dat << "\n\n";
  }
  return dat.str();
}

// Writes the plot data (the median curves at each method's best value, and the median test
// error against the hyperparameter) and plots.gp. Runs gnuplot when config.plots is set and
// returns whether the PNG files were made.
bool write_plots(const Comparison& c, const std::filesystem::path& out_dir) {
  const CompareConfig& config = c.config;
  const std::vector<RunResult>& results = c.results;
  const auto& best = c.best;
  std::ostringstream rate_dat;
  const auto groups = group<CellKey>(results, "rate", rate_key);
  for (const auto& task : config.tasks)
    for (const auto& m : config.methods) {
      rate_dat << "# task " << task << " method " << m << "\n# value median_test min_test max_test\n";
      for (double value : find_method(m).grid) {
        const auto it = groups.find({task, m, hyper_text(value)});
        const CellSummary s = summarise(it == groups.end() ? std::vector<const RunResult*>{} : it->second);
        auto finite = [](double v) { return std::isfinite(v) ? csv_number(v) : std::string("NaN"); };
        rate_dat << csv_number(value) << " " << finite(s.median_test) << " " << finite(s.min_test) << " "
                 << finite(s.max_test) << "\n";
      }
      rate_dat << "\n\n";
    }
  write_file(out_dir / "curves.dat", median_curves(c, [&](const RunResult& r) {
               return r.spec.grid == "rate" && r.spec.hyper == best.at({r.spec.task, r.spec.method});
             }));
  // The same at inputs multiplied by 100, where sigmoid units start saturated.
  write_file(out_dir / "curves_x100.dat", median_curves(c, [](const RunResult& r) {
               return r.spec.grid == "preprocessing" && r.spec.preprocessing == "x100";
             }));
  write_file(out_dir / "rate.dat", rate_dat.str());

  // plots.gp: gnuplot script, run in out_dir.
  const int n_tasks = static_cast<int>(config.tasks.size());
  const int columns = n_tasks < 3 ? n_tasks : 3;
  const int rows = (n_tasks + columns - 1) / columns;
  std::ostringstream gp;
  gp << "# Plots of the comparison. Run in this folder: gnuplot plots.gp\n"
     << "set terminal pngcairo size " << 520 * columns << "," << 400 * rows << " font ',10'\n"
     << "set key top right font ',8'\nset grid\n";
  auto multiplot = [&](const std::string& file, const std::string& title, const std::string& body) {
    gp << "set output '" << file << "'\nset multiplot layout " << rows << "," << columns << " title \"" << title << "\"\n";
    for (int t = 0; t < n_tasks; ++t) {
      gp << "set title '" << config.tasks[static_cast<std::size_t>(t)] << "'\n";
      std::string b = body;
      for (std::size_t pos; (pos = b.find("@T")) != std::string::npos;) b.replace(pos, 2, std::to_string(t));
      gp << b << "\n";
    }
    gp << "unset multiplot\n";
  };
  // Training errors above 100 (runs blowing up) are cut off so that the others stay readable.
  const std::string loss_head =
      "set format y '%.0e'\nset logscale y\nset yrange [*:100]\nset xlabel 'pass'\nset ylabel 'train MSE'\nplot ";
  const std::string saturation_head =
      "set format y '%g'\nunset logscale y\nset xlabel 'pass'\nset ylabel 'saturated (sigmoid) or inactive (ReLU) share'\n"
      "set yrange [0:1]\nplot ";
  std::string loss_plot = loss_head, loss_x100_plot = loss_head;
  std::string saturation_plot = saturation_head, saturation_x100_plot = saturation_head;
  std::string rate_plot = "set format y '%.0e'\nset format x '%.0e'\nset xtics font ',8'\nset logscale xy\nset yrange [*:100]\nset xlabel 'beta (ADMM) or learning rate'\n"
                          "set ylabel 'test MSE'\nplot ";
  for (std::size_t k = 0; k < config.methods.size(); ++k) {
    const std::string& m = config.methods[k];
    const std::string sep = k ? ", " : "";
    auto curve = [&](const std::string& file, std::size_t column) {
      return sep + "'" + file + "' index @T using 1:" + std::to_string(column) + " with linespoints title '" + m + "'";
    };
    loss_plot += curve("curves.dat", 2 + 2 * k);
    saturation_plot += curve("curves.dat", 3 + 2 * k);
    loss_x100_plot += curve("curves_x100.dat", 2 + 2 * k);
    saturation_x100_plot += curve("curves_x100.dat", 3 + 2 * k);
    const std::string index = "(@T*" + std::to_string(config.methods.size()) + "+" + std::to_string(k) + ")";
    rate_plot += sep + "'rate.dat' index " + index + " using 1:2:3:4 with yerrorlines title '" + m + "'";
  }
  multiplot("loss.png", "median training error, raw inputs, each method at its best value (cut off at 100)",
            loss_plot + "\nset yrange [*:*]");
  multiplot("saturation.png", "median share of saturated hidden responses, raw inputs, each method at its best value",
            saturation_plot + "\nset yrange [*:*]");
  multiplot("loss_x100.png",
            "median training error, inputs times 100, each method at its best raw-input value (cut off at 100)",
            loss_x100_plot + "\nset yrange [*:*]");
  multiplot("saturation_x100.png", "median share of saturated hidden responses, inputs times 100",
            saturation_x100_plot + "\nset yrange [*:*]");
  multiplot("rate.png",
            "test error against the hyperparameter (median, min to max over seeds; diverged cells and errors "
            "above 100 not drawn)",
            rate_plot + "\nunset logscale xy\nset format x '%g'\nset xtics font ',10'\nset yrange [*:*]");
  write_file(out_dir / "plots.gp", gp.str());

  if (!config.plots) return false;
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    std::fprintf(stderr, "compare: gnuplot not found; PNG plots skipped (install gnuplot-nox, then run 'gnuplot "
                         "plots.gp' in %s)\n", out_dir.string().c_str());
    return false;
  }
  const std::string command = "cd '" + out_dir.string() + "' && gnuplot plots.gp";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("gnuplot failed on '" + (out_dir / "plots.gp").string() + "'");
  return true;
}

// Removes later repeats of a name, keeping the first occurrence and the order.
void remove_repeats(std::vector<std::string>& names) {
  std::vector<std::string> unique;
  for (const auto& name : names)
    if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(name);
  names = std::move(unique);
}

// Creates the output folder and checks that a file can be written there, before any run.
void prepare_out_dir(const std::filesystem::path& out_dir) {
  if (out_dir.empty()) throw std::invalid_argument("--out is empty; give the folder for the results");
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error || !std::filesystem::is_directory(out_dir))
    throw std::invalid_argument("--out '" + out_dir.string() + "' cannot be used as a folder (" +
                                (error ? error.message() : std::string("a file of that name exists")) +
                                "); choose another path");
  const std::filesystem::path probe = out_dir / ".deepadmm-write-test";
  {
    std::ofstream out(probe);
    out << "test\n";
    if (!out)
      throw std::invalid_argument("--out '" + out_dir.string() +
                                  "' is not writable; choose a folder you can write to");
  }
  std::filesystem::remove(probe, error);
}

// Returns the command that reproduces the grids of `config`.
std::string command_line(CompareConfig config) {
  remove_repeats(config.tasks);
  remove_repeats(config.methods);
  std::string line = "deepadmm compare --size " + config.size;
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
    return out;
  };
  if (!config.tasks.empty()) line += " --tasks " + join(config.tasks);
  if (!config.methods.empty()) line += " --methods " + join(config.methods);
  if (config.seeds > 0) line += " --seeds " + std::to_string(config.seeds);
  if (config.passes > 0) line += " --passes " + std::to_string(config.passes);
  if (config.hidden > 0) line += " --hidden " + std::to_string(config.hidden);
  if (config.samples > 0) line += " --samples " + std::to_string(config.samples);
  return line;
}

}  // namespace

int run_compare_command(const CompareConfig& config_in) {
  CompareConfig config = config_in;
  SizePreset size = preset(config.size);
  auto override_positive = [](int value, int& target, const char* name) {
    if (value < 0) throw std::invalid_argument(std::string(name) + " is " + std::to_string(value) + "; it must be positive");
    if (value > 0) target = value;
  };
  override_positive(config.seeds, size.seeds, "--seeds");
  override_positive(config.passes, size.passes, "--passes");
  override_positive(config.hidden, size.hidden, "--hidden");
  override_positive(config.samples, size.samples, "--samples");
  size.record_every = std::max(1, std::min(size.record_every, size.passes));
  if (config.jobs < 1) throw std::invalid_argument("--jobs is " + std::to_string(config.jobs) + "; it must be >= 1");
  remove_repeats(config.tasks);
  remove_repeats(config.methods);
  if (config.tasks.empty()) config.tasks = kTasks;
  if (config.methods.empty()) config.methods = config.size == "full" ? kFullMethods : kDefaultMethods;
  for (const auto& t : config.tasks)
    if (std::find(kTasks.begin(), kTasks.end(), t) == kTasks.end()) {
      std::string known;
      for (const auto& k : kTasks) known += (known.empty() ? "" : ", ") + k;
      throw std::invalid_argument("unknown task '" + t + "'; known: " + known);
    }
  for (const auto& m : config.methods) (void)find_method(m);
  if (config.data_dir.empty()) config.data_dir = DEEPADMM_SOURCE_DATA_DIR;
  if (std::find(config.tasks.begin(), config.tasks.end(), "diabetes") != config.tasks.end() &&
      !std::filesystem::exists(std::filesystem::path(config.data_dir) / "diabetes.csv"))
    throw std::invalid_argument("'" + (std::filesystem::path(config.data_dir) / "diabetes.csv").string() +
                                "' does not exist; pass --data-dir with the folder that holds diabetes.csv");

  // Reads the diabetes file once up front, so that a bad file stops the command before the
  // grids start instead of failing every run.
  if (std::find(config.tasks.begin(), config.tasks.end(), "diabetes") != config.tasks.end())
    (void)make_task("diabetes", size.samples, 1, config.data_dir);

  const std::filesystem::path out_dir(config.out_dir);
  prepare_out_dir(out_dir);

  const std::size_t planned = config.tasks.size() * config.methods.size() * static_cast<std::size_t>(size.seeds) *
                              (5 + init_scheme_names().size() + kPreprocessing.size());
  std::size_t sgd_methods = 0;
  for (const auto& m : config.methods) sgd_methods += find_method(m).admm ? 0 : 1;
  const bool time_grid = sgd_methods < config.methods.size() && sgd_methods > 0;
  const std::size_t planned_all =
      planned + (time_grid ? config.tasks.size() * sgd_methods * static_cast<std::size_t>(size.seeds) : 0);
  if (!config.quiet)
    std::fprintf(stderr,
                 "compare: %zu runs (%s, %s, %s), widths d-%d-%d-1, %d passes, %d training samples, %s\n",
                 planned_all, plural(static_cast<long long>(config.tasks.size()), "task").c_str(),
                 plural(static_cast<long long>(config.methods.size()), "method").c_str(),
                 plural(size.seeds, "seed").c_str(), size.hidden, size.hidden, size.passes, size.samples,
                 plural(config.jobs, "job").c_str());
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0;

  // Grid 1: the hyperparameter (beta or learning rate) at the base initialisation and
  // preprocessing.
  std::vector<RunSpec> specs;
  for (const auto& task : config.tasks)
    for (const auto& m : config.methods)
      for (double value : find_method(m).grid)
        for (int seed = 1; seed <= size.seeds; ++seed)
          specs.push_back({"rate", task, m, kBaseInit, kBasePreprocessing, value, seed});
  std::vector<RunResult> results = run_all(specs, size, config, "rate", done, planned_all, start);

  // Each method's best value per task: the smallest median test error over the seeds.
  std::map<std::pair<std::string, std::string>, double> best;
  {
    const auto groups = group<CellKey>(results, "rate", rate_key);
    std::map<std::pair<std::string, std::string>, double> best_error;
    for (const auto& [key, runs] : groups) {
      const auto& [task, method, _] = key;
      const double value = runs.front()->spec.hyper;
      const double error = summarise(runs).median_test;
      const auto id = std::make_pair(task, method);
      if (!best_error.count(id) || error < best_error[id]) {
        best_error[id] = error;
        best[id] = value;
      }
    }
  }

  // Grids 2 and 3: every initialisation scheme, every preprocessing, at the best value.
  specs.clear();
  for (const auto& task : config.tasks)
    for (const auto& m : config.methods)
      for (const auto& init : init_scheme_names())
        for (int seed = 1; seed <= size.seeds; ++seed)
          specs.push_back({"init", task, m, init, kBasePreprocessing, best[{task, m}], seed});
  for (const auto& task : config.tasks)
    for (const auto& m : config.methods)
      for (const auto& prep : kPreprocessing)
        for (int seed = 1; seed <= size.seeds; ++seed)
          specs.push_back({"preprocessing", task, m, kBaseInit, prep, best[{task, m}], seed});
  std::vector<RunResult> more = run_all(specs, size, config, "init and preprocessing", done, planned_all, start);
  results.insert(results.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));

  // Grid 4, equal wall time: each gradient method runs at its best value for as many epochs
  // as fit in the median wall time of the ADMM runs at their best value on that task. The
  // time per epoch is the gradient method's own median from the first grid.
  std::map<std::pair<std::string, std::string>, int> time_passes;
  if (time_grid) {
    specs.clear();
    const auto groups = group<CellKey>(results, "rate", rate_key);
    std::string admm_method;
    for (const auto& m : config.methods)
      if (find_method(m).admm) admm_method = m;
    for (const auto& task : config.tasks) {
      const auto admm_runs = groups.at({task, admm_method, hyper_text(best[{task, admm_method}])});
      const double admm_wall = summarise(admm_runs).median_wall;
      for (const auto& m : config.methods) {
        if (find_method(m).admm) continue;
        const double sgd_wall = summarise(groups.at({task, m, hyper_text(best[{task, m}])})).median_wall;
        const int epochs = std::max(1, static_cast<int>(std::lround(size.passes * admm_wall / std::max(sgd_wall, 1e-9))));
        time_passes[{task, m}] = epochs;
        for (int seed = 1; seed <= size.seeds; ++seed)
          specs.push_back({"time", task, m, kBaseInit, kBasePreprocessing, best[{task, m}], seed, epochs});
      }
    }
    more = run_all(specs, size, config, "equal wall time", done, planned_all, start);
    results.insert(results.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Comparison comparison{config,        size,          std::move(results), std::move(best), std::move(time_passes),
                        time_grid,     total_seconds, command_line(config_in)};
  write_run_files(comparison, out_dir);
  write_summary(comparison, out_dir);
  const bool plotted = write_plots(comparison, out_dir);
  if (!config.quiet)
    std::printf("compare: %zu runs in %.0f s; results in %s (summary.md, runs.csv, runs.json, curves.csv%s)\n",
                comparison.results.size(), total_seconds, out_dir.string().c_str(), plotted ? ", PNG plots" : "");
  return 0;
}

}  // namespace deepadmm::app
