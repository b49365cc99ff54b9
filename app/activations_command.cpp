// The `deepadmm activations` subcommand: the declared constants of each registered
// activation, the assumptions of the convergence theory it meets, its theory parameters on
// the default check problem, and (with --table) the convergence checks per activation.
#include "run.hpp"
#include "run_impl.hpp"

#include "theory_checks/convergence_checks.hpp"
#include "theory_checks/theory_parameters.hpp"

#include "solver/activations/registry.hpp"
#include "solver/scalar.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace deepadmm::app {

namespace {

template <class T>
std::string show(const T& x) {
  if (!is_finite(x)) return x > 0 ? "inf" : "-inf";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.10g", to_double(x));
  return buffer;
}

const char* yes_no(bool value) { return value ? "yes" : "no"; }

// One row of the table: an activation and, per check, the verdict with the first measured
// quantity that counts towards it and its bound.
struct TableRow {
  std::string activation;
  std::string assumption;  // the violated assumption, empty when the theory applies
  std::string error;       // a run that threw, with its message
  std::vector<checks::CheckResult> checks;
};

std::string cell(const checks::CheckResult& check) {
  std::string text = checks::verdict_name(check.verdict);
  for (const auto& m : check.measurements) {
    if (!m.counts) continue;
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, " (%.3e %s %.3e)", m.measured, m.relation.c_str(), m.bound);
    text += buffer;
    break;
  }
  return text;
}

template <class T>
void print_constants(const std::string& name, const ActivationConstants<T>& c) {
  std::printf("%s\n", name.c_str());
  std::printf("  range        [%s, %s]\n", show(c.range_lower).c_str(), show(c.range_upper).c_str());
  std::printf("  sup|f|       %s\n", show(c.sup_abs_value).c_str());
  std::printf("  sup|f'|      %s at z = %s\n", show(c.sup_abs_derivative).c_str(), show(c.argsup_derivative).c_str());
  std::printf("  sup|f''|     %s at z = %s\n", show(c.sup_abs_second).c_str(), show(c.argsup_second).c_str());
  std::printf("  assumptions  C^2 %s, bounded %s, Lipschitz %s, Lipschitz derivative %s\n", yes_no(c.smooth),
              yes_no(c.bounded()), yes_no(c.lipschitz()), yes_no(c.lipschitz_derivative()));
}

template <class T>
void print_theory_parameters(const TrainConfig& problem_config) {
  const Problem<T> problem = make_problem<T>(problem_config);
  const std::string violation = checks::theory_assumption_violation(problem.net, problem.options.lambda);
  if (!violation.empty()) {
    std::printf("  theory       not applicable: %s\n", violation.c_str());
    return;
  }
  const auto theory = checks::compute_theory_parameters<T>(problem.data.x_train, problem.data.y_train, problem.net,
                                                           problem.options.lambda, T(problem_config.theory_margin),
                                                           parse_bound_mode(problem_config.theory_bounds));
  std::string beta;
  for (const auto& b : theory.beta) beta += (beta.empty() ? "" : ", ") + show(b);
  std::printf("  theory       beta = %s; h = mu = %s\n", beta.c_str(), show(theory.curvature).c_str());
}

template <class T>
TableRow table_row(const TrainConfig& problem_config) {
  TableRow row;
  row.activation = problem_config.activation;
  const Problem<T> problem = make_problem<T>(problem_config);
  row.assumption = checks::theory_assumption_violation(problem.net, problem.options.lambda);
  if (!row.assumption.empty()) return row;

  checks::ConvergenceCheckRequest request;
  request.which = "all";
  request.parameters = checks::ParameterSet::Theory;
  request.bound_mode = parse_bound_mode(problem_config.theory_bounds);
  request.margin = problem_config.theory_margin;
  try {
    const auto run = checks::run_for_checks<T>(problem.data.x_train, problem.data.y_train, problem.net,
                                               problem.options, request);
    row.checks = checks::convergence_checks<T>(run, problem.data.x_train, problem.net, request);
  } catch (const std::exception& error) {
    row.error = error.what();
  }
  return row;
}

// Returns the row's cells: activation, then descent, rate and kkt.
std::vector<std::string> row_cells(const TableRow& row) {
  std::vector<std::string> cells = {row.activation};
  for (const char* name : {"descent", "rate", "kkt"}) {
    if (!row.assumption.empty()) {
      cells.push_back("NOT APPLICABLE: " + row.assumption);
      continue;
    }
    if (!row.error.empty()) {
      cells.push_back("ERROR: " + row.error);
      continue;
    }
    std::string text = "not run";
    for (const auto& check : row.checks)
      if (check.name == name) text = cell(check);
    cells.push_back(text);
  }
  return cells;
}

// Escapes the pipes inside a cell ("sup|f|") so they do not split the Markdown table.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

void write_markdown(const std::string& path, const std::string& heading, const std::vector<TableRow>& rows) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot open '" + path + "' for writing");
  out << heading << "\n\n";
  out << "| activation | C1 descent | C2 rate | C3 kkt |\n|---|---|---|---|\n";
  for (const auto& row : rows) {
    const auto cells = row_cells(row);
    out << "| " << markdown_cell(cells[0]) << " | " << markdown_cell(cells[1]) << " | " << markdown_cell(cells[2])
        << " | " << markdown_cell(cells[3]) << " |\n";
  }
  if (!out) throw std::runtime_error("writing '" + path + "' failed");
}

template <class T>
int run_activations_in(const ActivationsConfig& config) {
  std::vector<std::string> names = config.activation.empty() ? activation_names()
                                                             : std::vector<std::string>{config.activation};
  TrainConfig problem_config = config.problem;
  std::string widths = "2";
  for (int width : problem_config.hidden_widths.value_or(std::vector<int>{})) widths += "-" + std::to_string(width);
  widths += "-1";
  const std::string description = "product gate, " + widths + ", " +
                                  std::to_string(problem_config.samples.value_or(0)) + " samples, " +
                                  std::to_string(problem_config.iterations.value_or(0)) + " iterations, lambda " +
                                  problem_config.lambda + ", " + problem_config.init.value_or("msra") +
                                  " init, seed " + std::to_string(problem_config.seed);
  const std::string heading =
      "Convergence checks per activation with theory parameters: " + scalar_name<T>() + ", " + description;

  if (!config.table) {
    std::printf("Activations in %s; theory parameters on the default check problem (%s)\n\n",
                scalar_name<T>().c_str(), description.c_str());
    for (const auto& name : names) {
      problem_config.activation = name;
      print_constants(name, make_activation<T>(name)->constants());
      print_theory_parameters<T>(problem_config);
      std::printf("\n");
    }
    return 0;
  }

  std::printf("%s\n", heading.c_str());
  std::printf("Each cell: verdict (first measured value, relation, bound)\n\n");
  std::vector<TableRow> rows;
  bool any_failed = false;
  for (const auto& name : names) {
    problem_config.activation = name;
    rows.push_back(table_row<T>(problem_config));
    const auto cells = row_cells(rows.back());
    std::printf("%-14s | %s | %s | %s\n", cells[0].c_str(), cells[1].c_str(), cells[2].c_str(), cells[3].c_str());
    std::fflush(stdout);
    for (const auto& check : rows.back().checks) any_failed = any_failed || check.verdict == checks::Verdict::Fail;
    any_failed = any_failed || !rows.back().error.empty();
  }
  if (!config.markdown_path.empty()) {
    write_markdown(config.markdown_path, heading, rows);
    std::printf("table written to %s\n", config.markdown_path.c_str());
  }
  return any_failed ? 1 : 0;
}

}  // namespace

int run_activations(const ActivationsConfig& config) {
  if (!config.activation.empty()) make_activation<double>(config.activation);  // rejects an unknown name
  if (config.precision == "double") return run_activations_in<double>(config);
  if (config.precision == "float128") return run_activations_in<float128>(config);
  if (config.precision != "mpfr")
    throw std::invalid_argument("unknown --precision '" + config.precision + "'; known: double, float128, mpfr");
  set_mpfr_digits(config.digits);
  return run_activations_in<mpfr_real>(config);
}

}  // namespace deepadmm::app
