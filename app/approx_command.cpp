#include "approx_command.hpp"

#include "theory_checks/approximation.hpp"

#include "solver/io.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace deepadmm::app {

namespace {

std::vector<std::string> decades(int first, int last) {
  std::vector<std::string> values;
  for (int exponent = first; exponent <= last; ++exponent) values.push_back("1e-" + std::to_string(exponent));
  return values;
}

template <class T>
int save_network(const ApproxConfig& config) {
  const auto construction = approx::make_relu_construction(parse_scalar<T>(config.eps), parse_scalar<T>(config.a));
  Model<T> model;
  model.network = approx::build_relu_network(construction);
  model.input_columns = {"t"};
  model.target_columns = {"relu"};
  save_model(model, config.save_model_path);
  std::printf("saved the 1-2-4-1 sigmoid network for eps = %s, a = %s (%s) to %s; a-priori error bound %.6e\n",
              config.eps.c_str(), config.a.c_str(), scalar_name<T>().c_str(), config.save_model_path.c_str(),
              to_double(construction.total_bound));
  return 0;
}

template <class T>
int run_for(const ApproxConfig& config) {
  if (!config.save_model_path.empty()) return save_network<T>(config);

  // The lists reach past the rounding floor of each type (about eps^2 ~ u, see the notes)
  // so the tables show where the target stops being met.
  std::vector<std::string> eps_values;
  if constexpr (std::is_same_v<T, double>)
    eps_values = decades(2, 16);
  else if constexpr (std::is_same_v<T, float128>)
    eps_values = decades(2, 20);
  else
    eps_values = decades(2, static_cast<int>(config.digits) / 2 + 4);

  std::vector<checks::CheckResult> results;
  if (config.which == "relu" || config.which == "all") {
    auto relu = approx::run_relu_checks<T>(eps_values, config.a, {"1e-2", "1e-3", "1e-4"});
    results.insert(results.end(), relu.begin(), relu.end());
  }
  if (config.which == "sigmoid" || config.which == "all") {
    auto sigmoid = approx::run_sigmoid_checks();
    results.insert(results.end(), sigmoid.begin(), sigmoid.end());
  }

  bool failed = false;
  for (const auto& check : results) {
    checks::print_check(check);
    failed = failed || check.verdict == checks::Verdict::Fail;
  }
  if (!config.json_path.empty()) {
    const nlohmann::json settings = {{"command", "approx"},    {"which", config.which},
                                     {"precision", scalar_name<T>()}, {"a", config.a}};
    checks::write_checks_json(results, settings.dump(), config.json_path);
  }
  return failed ? 1 : 0;
}

}  // namespace

int run_approx_command(const ApproxConfig& config) {
  if (config.precision == "double") return run_for<double>(config);
  if (config.precision == "float128") return run_for<float128>(config);
  set_mpfr_digits(config.digits);
  return run_for<mpfr_real>(config);
}

}  // namespace deepadmm::app
