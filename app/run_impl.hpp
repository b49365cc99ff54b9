// The command's training and prediction jobs for one scalar type. Instantiated once per
// scalar type in run_double.cpp, run_float128.cpp and run_mpfr.cpp.
#pragma once

#include "run.hpp"
#include "tasks_impl.hpp"

#include "theory_checks/convergence_checks.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "solver/io.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <stdexcept>

namespace deepadmm::app {

namespace detail {

inline std::string join_widths(const std::vector<int>& widths) {
  std::string out;
  for (std::size_t i = 0; i < widths.size(); ++i) out += (i ? "-" : "") + std::to_string(widths[i]);
  return out;
}

inline std::string join(const std::vector<std::string>& items, const std::string& separator = ",") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

// Mean squared error per sample ||P - Y||^2 / n; -1 without samples.
template <class T>
T mean_squared_error(const Matrix<T>& prediction, const Matrix<T>& y) {
  if (y.cols() == 0) return T(-1);
  return (prediction - y).squaredNorm() / T(static_cast<int>(y.cols()));
}

// Share of samples whose largest output is the true class; -1 without samples.
template <class T>
double accuracy(const Matrix<T>& prediction, const Matrix<T>& y_one_hot) {
  if (y_one_hot.cols() == 0) return -1;
  int correct = 0;
  for (Eigen::Index j = 0; j < prediction.cols(); ++j) {
    Eigen::Index predicted = 0;
    Eigen::Index actual = 0;
    prediction.col(j).maxCoeff(&predicted);
    y_one_hot.col(j).maxCoeff(&actual);
    correct += predicted == actual ? 1 : 0;
  }
  return static_cast<double>(correct) / static_cast<double>(prediction.cols());
}

// Formats a value, or '-' for the marker -1 of a quantity not computed. A signed quantity
// passes signed = true and is always printed.
inline std::string number_or_dash(double value, const char* format = "%13.6e", bool is_signed = false) {
  char buffer[48];
  if (!is_signed && value < 0) return std::string(13, ' ').replace(12, 1, "-");
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Prints one fixed-width row per record.
template <class T>
class TablePrinter {
 public:
  explicit TablePrinter(bool has_test) : has_test_(has_test) {}

  void header() const {
    std::printf("%5s %13s %13s %13s %13s %13s %13s %13s %9s\n", "iter", "aug_lagr", "objective", "train_err",
                has_test_ ? "test_err" : "", "primal_res", "kkt_res", "step_sq", "time_s");
  }

  void row(const IterationRecord<T>& r, const T& test_error) const {
    // A step that failed before its measurements leaves the record's fields unset. The
    // augmented Lagrangian can be negative, so the objective's marker decides its dash.
    const bool measured = r.objective >= 0;
    std::printf("%5d %13s %13s %13s %13s %13s %13s %13s %9.3f\n", r.iteration,
                measured ? number_or_dash(to_double(r.augmented_lagrangian), "%13.6e", true).c_str()
                         : number_or_dash(-1).c_str(),
                number_or_dash(to_double(r.objective)).c_str(), number_or_dash(to_double(r.training_error)).c_str(),
                has_test_ ? number_or_dash(to_double(test_error)).c_str() : "",
                number_or_dash(to_double(r.primal_residual)).c_str(), number_or_dash(to_double(r.kkt_residual)).c_str(),
                number_or_dash(to_double(r.step_squared)).c_str(), r.wall_seconds);
    std::fflush(stdout);
  }

 private:
  bool has_test_;
};

// Returns whether the trace field `name` of record `r` was computed. Non-negative
// quantities mark "not computed" by -1. The two augmented Lagrangian fields can be negative,
// so they count as computed when the record was measured (and, before the multipliers,
// from k = 1 on).
template <class T>
bool field_computed(const std::string& name, const T& value, const IterationRecord<T>& r) {
  if (name == "augmented_lagrangian") return r.objective >= 0;
  if (name == "augmented_lagrangian_before_multipliers") return r.objective >= 0 && r.iteration > 0;
  return value >= 0;
}

// Fields of a record, in the order of the trace file's columns.
template <class T>
std::vector<std::pair<std::string, T>> record_fields(const IterationRecord<T>& r, const T& test_error) {
  return {{"augmented_lagrangian", r.augmented_lagrangian},
          {"augmented_lagrangian_before_multipliers", r.augmented_lagrangian_before_multipliers},
          {"objective", r.objective},
          {"training_error", r.training_error},
          {"test_error", test_error},
          {"primal_residual", r.primal_residual},
          {"kkt_stationarity_w", r.kkt_stationarity_w},
          {"kkt_stationarity_v", r.kkt_stationarity_v},
          {"kkt_feasibility", r.kkt_feasibility},
          {"kkt_residual", r.kkt_residual},
          {"step_w", r.step_w},
          {"step_v", r.step_v},
          {"step_u", r.step_u},
          {"step_squared", r.step_squared}};
}

// Writes every record with full precision: CSV, or JSON when the path ends in ".json".
template <class T>
void write_trace(const std::string& path, const std::vector<IterationRecord<T>>& records,
                 const std::vector<T>& test_errors, const nlohmann::json& settings) {
  const bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot open trace file '" + path + "' for writing");
  if (json) {
    nlohmann::json doc;
    doc["settings"] = settings;
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t k = 0; k < records.size(); ++k) {
      nlohmann::json row;
      row["iteration"] = records[k].iteration;
      row["wall_seconds"] = records[k].wall_seconds;
      for (const auto& [name, value] : record_fields(records[k], test_errors[k]))
        row[name] = field_computed(name, value, records[k]) ? nlohmann::json(to_exact_string(value)) : nlohmann::json(nullptr);
      rows.push_back(std::move(row));
    }
    doc["records"] = std::move(rows);
    out << doc.dump(1) << '\n';
  } else {
    out << "iteration,wall_seconds";
    for (const auto& field : record_fields(records.front(), test_errors.front())) out << ',' << field.first;
    out << '\n';
    for (std::size_t k = 0; k < records.size(); ++k) {
      out << records[k].iteration << ',' << to_exact_string(records[k].wall_seconds);
      for (const auto& [name, value] : record_fields(records[k], test_errors[k])) {
        out << ',';
        if (field_computed(name, value, records[k])) out << to_exact_string(value);
      }
      out << '\n';
    }
  }
  if (!out) throw std::runtime_error("writing trace file '" + path + "' failed");
}

template <class T>
std::vector<T> parse_scalars(const std::vector<std::string>& texts, const std::string& option) {
  std::vector<T> values;
  for (const auto& text : texts) {
    try {
      values.push_back(parse_scalar<T>(text));
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(option + " value '" + text + "' is not a number");
    }
  }
  return values;
}

template <class T>
T parse_option(const std::string& text, const std::string& option) {
  return parse_scalars<T>({text}, option).front();
}

}  // namespace detail

// The data, start network and options of a run, built from the command line.
template <class T>
struct Problem {
  Dataset<T> data;
  std::vector<int> widths;
  std::string init_name;
  double init_scale = 1;
  Network<T> net;
  Options<T> options;
};

template <class T>
Problem<T> make_problem(const TrainConfig& config) {
  Problem<T> p;
  p.data = load_dataset<T>(config);
  p.widths = {static_cast<int>(p.data.x_train.rows())};
  for (int w : config.hidden_widths.value_or(default_hidden_widths(config.task))) p.widths.push_back(w);
  p.widths.push_back(static_cast<int>(p.data.y_train.rows()));
  for (std::size_t i = 1; i + 1 < p.widths.size(); ++i)
    if (p.widths[i] <= 0)
      throw std::invalid_argument("--layers width " + std::to_string(p.widths[i]) + " is invalid; every width must be positive");

  p.init_name = config.init.value_or("msra");
  p.init_scale = config.init_scale.value_or(p.init_name == "msra" ? 8.0 : 1.0);
  auto activation = make_activation<T>(config.activation);
  p.net = make_network<T>(p.widths, activation, parse_init_scheme(p.init_name), config.seed, p.init_scale);

  Options<T>& options = p.options;
  options.beta = detail::parse_scalars<T>(config.beta, "--beta");
  options.lambda = detail::parse_option<T>(config.lambda, "--lambda");
  options.curvature = parse_curvature_rule(config.curvature);
  options.fixed_curvature = detail::parse_option<T>(config.curvature_value, "--curvature-value");
  options.max_iterations = config.iterations.value_or(default_iterations(config.task));
  options.kkt_tolerance = detail::parse_option<T>(config.kkt_tolerance, "--kkt-tol");
  options.relative_change_tolerance = detail::parse_option<T>(config.relative_tolerance, "--rel-tol");
  if (config.time_limit < 0)
    throw std::invalid_argument("--time-limit is " + std::to_string(config.time_limit) + "; it must be >= 0 (0: none)");
  options.time_limit_seconds = config.time_limit > 0 ? config.time_limit : std::numeric_limits<double>::infinity();
  options.kkt_every = config.kkt_every;

  // Reject bad options before printing anything.
  const std::string problem = validate_problem(p.data.x_train, p.data.y_train, p.net, options);
  if (!problem.empty()) throw std::invalid_argument(problem);
  return p;
}

inline checks::BoundMode parse_bound_mode(const std::string& name) {
  if (name == "measured") return checks::BoundMode::Measured;
  if (name == "certified") return checks::BoundMode::Certified;
  throw std::invalid_argument("unknown --theory-bounds value '" + name + "'; known: measured, certified");
}

template <class T>
int run_training(const TrainConfig& config) {
  Problem<T> problem = make_problem<T>(config);
  const Dataset<T>& data = problem.data;
  const Network<T>& net = problem.net;
  Options<T>& options = problem.options;
  const auto& widths = problem.widths;
  const auto& init_name = problem.init_name;
  const double init_scale = problem.init_scale;

  std::vector<std::string> theory_lines;
  std::vector<std::string> beta_text = config.beta;
  std::string curvature_text = config.curvature;
  if (config.params == "theory") {
    const auto theory = checks::compute_theory_parameters<T>(data.x_train, data.y_train, net, options.lambda,
                                                             T(config.theory_margin), parse_bound_mode(config.theory_bounds));
    options.beta = theory.beta;
    options.curvature = CurvatureRule::Fixed;
    options.fixed_curvature = theory.curvature;
    theory_lines = theory.explanation;
    beta_text.clear();
    for (const auto& b : theory.beta) beta_text.push_back(to_exact_string(b));
    curvature_text = "fixed";
  } else if (config.params != "given") {
    throw std::invalid_argument("unknown --params value '" + config.params + "'; known: given, theory");
  }

  nlohmann::json settings = {
      {"task", data.description},
      {"train_samples", data.x_train.cols()},
      {"test_samples", data.x_test.cols()},
      {"widths", widths},
      {"activation", config.activation},
      {"init", init_name},
      {"init_scale", init_scale},
      {"seed", config.seed},
      {"scalar", scalar_name<T>()},
      {"beta", beta_text},
      {"params", config.params},
      {"lambda", config.lambda},
      {"curvature", curvature_text},
      {"max_iterations", options.max_iterations},
      {"standardize", config.standardize},
  };
  if (options.curvature == CurvatureRule::Fixed) settings["curvature_value"] = config.curvature_value;

  const bool has_test = data.x_test.cols() > 0;
  if (!config.quiet) {
    std::printf("deepadmm: ADMM training of a %s network\n", config.activation.c_str());
    std::printf("  task        %s\n", data.description.c_str());
    std::printf("  samples     %lld train, %lld test\n", static_cast<long long>(data.x_train.cols()),
                static_cast<long long>(data.x_test.cols()));
    std::printf("  network     %s, %s initialisation (scale %g), seed %llu\n", detail::join_widths(widths).c_str(),
                init_name.c_str(), init_scale, static_cast<unsigned long long>(config.seed));
    std::printf("  scalar      %s, unit roundoff %.3e\n", scalar_name<T>().c_str(), to_double(unit_roundoff<T>()));
    std::printf("  penalties   beta = %s%s, lambda = %s\n", detail::join(beta_text, ", ").c_str(),
                beta_text.size() == 1 ? " (every layer)" : " (layers 1..N)", config.lambda.c_str());
    std::printf("  curvature   %s%s\n", curvature_text.c_str(),
                options.curvature == CurvatureRule::Fixed ? (" (h = mu = " + to_exact_string(options.fixed_curvature) + ")").c_str()
                : options.curvature == CurvatureRule::Reference ? " (h = mu = max|B|)"
                                                               : " (h = mu = 2 (sup|f'|^2 + (sup|f| + max|B|) sup|f''|))");
    std::printf("  stopping    %d iterations; KKT tolerance %s; relative change tolerance %s; time limit %s\n",
                options.max_iterations, config.kkt_tolerance == "0" ? "off" : config.kkt_tolerance.c_str(),
                config.relative_tolerance == "0" ? "off" : config.relative_tolerance.c_str(),
                config.time_limit > 0 ? (std::to_string(config.time_limit) + " s").c_str() : "none");
    std::printf("  KKT residual every %d iteration(s); '-' marks a value not computed\n", options.kkt_every);
    for (const auto& line : theory_lines) std::printf("  theory      %s\n", line.c_str());
    std::printf("\n");
  }

  detail::TablePrinter<T> printer(has_test);
  if (!config.quiet) printer.header();
  std::vector<IterationRecord<T>> all_records;
  std::vector<T> test_errors;
  auto callback = [&](const IterationRecord<T>& record, const AdmmState<T>& state) {
    const T test_error = has_test ? detail::mean_squared_error(state.network.predict(data.x_test), data.y_test) : T(-1);
    all_records.push_back(record);
    test_errors.push_back(test_error);
    if (!config.quiet) printer.row(record, test_error);
  };
  const Result<T> result = train<T>(data.x_train, data.y_train, net, options, callback);
  if (result.status == Status::InvalidInput) throw std::invalid_argument(result.message);

  Model<T> model;
  model.network = result.state.network;
  model.input_columns = data.input_columns;
  model.target_columns = data.target_columns;
  model.class_labels = data.class_labels;
  model.input_shift = data.input_shift;
  model.input_scale = data.input_scale;
  model.target_shift = data.target_shift;
  model.target_scale = data.target_scale;

  // The last record with measurements, because a failed step leaves its record unset.
  std::size_t last_index = all_records.size() - 1;
  while (last_index > 0 && all_records[last_index].objective < 0) --last_index;
  const auto& last = all_records[last_index];
  const int iterations = static_cast<int>(result.records.size());
  std::printf("\nstatus: %s (%s)\n", status_name(result.status).c_str(), result.message.c_str());
  std::printf("training error ||f(X)-Y||^2/n: %.6e", to_double(last.training_error));
  if (data.target_shift.size() > 0) {
    // Undo the target standardisation to report the error in the data's own units.
    Matrix<T> train_pred = model.network.predict(data.x_train);
    const Matrix<T> scale = data.target_scale.asDiagonal() * Matrix<T>(train_pred - data.y_train);
    std::printf(" (standardised targets; %.6e in original units)", to_double(T(scale.squaredNorm() / T(static_cast<int>(scale.cols())))));
  }
  std::printf("\n");
  if (has_test) {
    const Matrix<T> test_pred = model.network.predict(data.x_test);
    std::printf("test error ||f(X)-Y||^2/n:     %.6e", to_double(detail::mean_squared_error(test_pred, data.y_test)));
    if (data.target_shift.size() > 0) {
      const Matrix<T> scale = data.target_scale.asDiagonal() * Matrix<T>(test_pred - data.y_test);
      std::printf(" (%.6e in original units)", to_double(T(scale.squaredNorm() / T(static_cast<int>(scale.cols())))));
    }
    std::printf("\n");
  }
  if (!data.class_labels.empty()) {
    std::printf("training accuracy: %.4f\n", detail::accuracy(model.network.predict(data.x_train), data.y_train));
    if (has_test) std::printf("test accuracy:     %.4f\n", detail::accuracy(model.network.predict(data.x_test), data.y_test));
  }
  std::printf("augmented Lagrangian: %.6e at k=0", to_double(result.initial.augmented_lagrangian));
  if (!result.records.empty() && result.records.front().objective >= 0)
    std::printf(", %.6e at k=1", to_double(result.records.front().augmented_lagrangian));
  if (last.iteration > 1) std::printf(", %.6e at k=%d", to_double(last.augmented_lagrangian), last.iteration);
  std::printf("\n");
  if (iterations > 0)
    std::printf("time: %.3f s in %d iterations, %.1f ms per iteration\n", last.wall_seconds, iterations,
                1000.0 * (last.wall_seconds - result.initial.wall_seconds) / iterations);

  if (!config.trace_path.empty()) {
    detail::write_trace(config.trace_path, all_records, test_errors, settings);
    std::printf("trace written to %s\n", config.trace_path.c_str());
  }
  if (!config.save_model_path.empty()) {
    save_model(model, config.save_model_path);
    std::printf("model written to %s\n", config.save_model_path.c_str());
  }

  switch (result.status) {
    case Status::Converged:
    case Status::MaxIterations:
    case Status::TimeLimit:
      return 0;
    default:
      return 3;
  }
}

template <class T>
int run_checks(const CheckConfig& config) {
  if (config.which != "all" && config.which != "descent" && config.which != "rate" && config.which != "kkt")
    throw std::invalid_argument("unknown check '" + config.which + "'; known: descent, rate, kkt, all");
  const Problem<T> problem = make_problem<T>(config.train);
  checks::ConvergenceCheckRequest request;
  request.which = config.which;
  if (config.train.params == "theory")
    request.parameters = checks::ParameterSet::Theory;
  else if (config.train.params == "given")
    request.parameters = checks::ParameterSet::Reference;
  else
    throw std::invalid_argument("unknown --params value '" + config.train.params + "'; known: given, theory");
  request.bound_mode = parse_bound_mode(config.train.theory_bounds);
  request.margin = config.train.theory_margin;

  std::printf("deepadmm check %s: %s, network %s, %s, %lld samples, %s\n", config.which.c_str(),
              problem.data.description.c_str(), detail::join_widths(problem.widths).c_str(), config.train.activation.c_str(),
              static_cast<long long>(problem.data.x_train.cols()), scalar_name<T>().c_str());
  const auto run = checks::run_for_checks<T>(problem.data.x_train, problem.data.y_train, problem.net, problem.options, request);
  if (request.parameters == checks::ParameterSet::Theory)
    for (const auto& line : run.theory.explanation) std::printf("  theory: %s\n", line.c_str());
  std::printf("  run: %s (%s)\n\n", status_name(run.status).c_str(), run.message.c_str());
  const auto results = checks::convergence_checks<T>(run, problem.data.x_train, problem.net, request);
  bool any_failed = false;
  for (const auto& check : results) {
    checks::print_check(check);
    any_failed = any_failed || check.verdict == checks::Verdict::Fail;
  }
  if (!config.json_path.empty()) {
    nlohmann::json settings = {{"task", problem.data.description},
                               {"widths", problem.widths},
                               {"activation", config.train.activation},
                               {"scalar", scalar_name<T>()},
                               {"params", config.train.params},
                               {"setting", run.setting},
                               {"seed", config.train.seed}};
    checks::write_checks_json(results, settings.dump(), config.json_path);
    std::printf("checks written to %s\n", config.json_path.c_str());
  }
  return any_failed ? 1 : 0;
}

template <class T>
int run_predict(const PredictConfig& config) {
  const Model<T> model = load_model<T>(config.model_path);
  const CsvTable table = read_csv(config.data_path);
  if (model.input_columns.empty())
    throw std::runtime_error("model file '" + config.model_path + "' does not name its input columns");
  const Matrix<T> x = table_matrix<T>(table, find_columns(table, model.input_columns));
  const Matrix<T> prediction = model.predict(x);

  std::ofstream file;
  if (!config.output_path.empty()) {
    file.open(config.output_path);
    if (!file) throw std::runtime_error("cannot open '" + config.output_path + "' for writing");
  }
  std::ostream& out = config.output_path.empty() ? std::cout : file;
  const bool classifier = !model.class_labels.empty();
  std::vector<std::string> names = classifier ? std::vector<std::string>{} : model.target_columns;
  if (names.empty())
    for (Eigen::Index r = 0; r < prediction.rows(); ++r)
      names.push_back(classifier ? "score_" + model.class_labels[static_cast<std::size_t>(r)] : "output_" + std::to_string(r));
  out << detail::join(names);
  if (classifier) out << ",predicted_class";
  out << '\n';
  for (Eigen::Index j = 0; j < prediction.cols(); ++j) {
    for (Eigen::Index r = 0; r < prediction.rows(); ++r) out << (r ? "," : "") << to_exact_string(prediction(r, j));
    if (classifier) {
      Eigen::Index best = 0;
      prediction.col(j).maxCoeff(&best);
      out << ',' << model.class_labels[static_cast<std::size_t>(best)];
    }
    out << '\n';
  }
  if (!out) throw std::runtime_error("writing the predictions failed");
  return 0;
}

}  // namespace deepadmm::app

#define DEEPADMM_INSTANTIATE_APP(T)                                                  \
  template int deepadmm::app::run_training<T>(const deepadmm::app::TrainConfig&);   \
  template int deepadmm::app::run_predict<T>(const deepadmm::app::PredictConfig&);     \
  template int deepadmm::app::run_checks<T>(const deepadmm::app::CheckConfig&);
