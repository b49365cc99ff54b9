// Template definitions for tasks.hpp, instantiated once per scalar type in run_*.cpp.
#pragma once

#include "tasks.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>

namespace deepadmm::app {

namespace detail {

// Draws n points uniform in [-1, 1]^dim in double (so every scalar type gets the same
// points) and converts them exactly.
template <class T>
Matrix<T> uniform_inputs(int dim, int n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  Matrix<T> x(dim, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < dim; ++i) x(i, j) = T(uniform(rng));
  return x;
}

template <class T>
Matrix<T> synthetic_targets(const std::string& task, const Matrix<T>& x) {
  Matrix<T> y(1, x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    y(0, j) = task == "product" ? T(x(0, j) * x(1, j)) : T(x(0, j) * x(0, j));
  return y;
}

template <class T>
Matrix<T> select_columns(const Matrix<T>& m, const std::vector<int>& samples) {
  Matrix<T> out(m.rows(), static_cast<Eigen::Index>(samples.size()));
  for (std::size_t k = 0; k < samples.size(); ++k) out.col(static_cast<Eigen::Index>(k)) = m.col(samples[k]);
  return out;
}

// Orders class labels numerically when all are numbers, otherwise as text.
inline std::vector<std::string> sorted_labels(const std::set<std::string>& labels) {
  std::vector<std::string> out(labels.begin(), labels.end());
  bool numeric = true;
  for (const auto& label : out) {
    try {
      (void)parse_scalar<double>(label);
    } catch (const std::exception&) {
      numeric = false;
    }
  }
  if (numeric)
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
      return parse_scalar<double>(a) < parse_scalar<double>(b);
    });
  return out;
}

template <class T>
Matrix<T> one_hot(const CsvTable& table, int column, const std::vector<std::string>& labels) {
  Matrix<T> y = Matrix<T>::Zero(static_cast<Eigen::Index>(labels.size()), static_cast<Eigen::Index>(table.rows.size()));
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& label = table.rows[r][static_cast<std::size_t>(column)];
    const auto found = std::find(labels.begin(), labels.end(), label);
    if (found == labels.end())
      throw std::runtime_error("'" + table.path + "' line " + std::to_string(table.line_numbers[r]) + ": class '" +
                               label + "' does not occur in the training data");
    y(found - labels.begin(), static_cast<Eigen::Index>(r)) = T(1);
  }
  return y;
}

// Mean and standard deviation of each row over the samples; a constant row gets scale 1.
template <class T>
void row_statistics(const Matrix<T>& m, Vector<T>& mean, Vector<T>& scale) {
  using std::sqrt;
  const T n(static_cast<int>(m.cols()));
  mean = m.rowwise().sum() / n;
  scale.resize(m.rows());
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const T variance = (m.row(i).array() - mean(i)).square().sum() / n;
    scale(i) = variance > 0 ? T(sqrt(variance)) : T(1);
  }
}

template <class T>
void standardize_rows(Matrix<T>& m, const Vector<T>& shift, const Vector<T>& scale) {
  if (m.cols() == 0) return;
  m = ((m.colwise() - shift).array().colwise() / scale.array()).matrix();
}

}  // namespace detail

template <class T>
Dataset<T> load_dataset(const TrainConfig& config) {
  Dataset<T> data;
  std::mt19937_64 rng(config.seed);

  if (config.task != "csv" && (!config.data_path.empty() || !config.target_columns.empty() || !config.test_path.empty()))
    throw std::invalid_argument("--data, --targets and --test-data belong to the csv task, but --task is '" + config.task +
                                "'; add --task csv");
  if (config.task == "product" || config.task == "square") {
    const int dim = config.task == "product" ? 2 : 1;
    const int n = config.samples.value_or(1000);
    if (n <= 0) throw std::invalid_argument("--samples is " + std::to_string(n) + "; it must be positive");
    if (config.test_samples < 0)
      throw std::invalid_argument("--test-samples is " + std::to_string(config.test_samples) + "; it must be >= 0");
    data.x_train = detail::uniform_inputs<T>(dim, n, rng);
    data.y_train = detail::synthetic_targets(config.task, data.x_train);
    data.x_test = detail::uniform_inputs<T>(dim, config.test_samples, rng);
    data.y_test = detail::synthetic_targets(config.task, data.x_test);
    data.input_columns = dim == 2 ? std::vector<std::string>{"x1", "x2"} : std::vector<std::string>{"x"};
    data.target_columns = {"y"};
    data.description = config.task == "product"
                           ? "product gate y = x1*x2, x uniform in [-1,1]^2"
                           : "square function y = x^2, x uniform in [-1,1]";
  } else if (config.task == "csv") {
    if (config.data_path.empty()) throw std::invalid_argument("the csv task needs --data FILE");
    if (config.target_columns.empty()) throw std::invalid_argument("the csv task needs --targets COLUMN[,COLUMN...]");
    if (config.classify && config.target_columns.size() != 1)
      throw std::invalid_argument("--classify needs exactly one target column of class labels, got " +
                                  std::to_string(config.target_columns.size()));
    const CsvTable table = read_csv(config.data_path);
    data.target_columns = config.target_columns;
    data.input_columns = config.input_columns;
    if (data.input_columns.empty())
      for (const auto& name : table.header)
        if (std::find(data.target_columns.begin(), data.target_columns.end(), name) == data.target_columns.end())
          data.input_columns.push_back(name);
    if (data.input_columns.empty()) throw std::invalid_argument("'" + config.data_path + "' has no input columns left");
    for (const auto& name : data.input_columns)
      if (std::find(data.target_columns.begin(), data.target_columns.end(), name) != data.target_columns.end())
        throw std::invalid_argument("column '" + name + "' is both an input and a target");

    const auto input_positions = find_columns(table, data.input_columns);
    const auto target_positions = find_columns(table, data.target_columns);
    Matrix<T> x = table_matrix<T>(table, input_positions);
    Matrix<T> y;
    if (config.classify) {
      std::set<std::string> labels;
      for (const auto& row : table.rows) labels.insert(row[static_cast<std::size_t>(target_positions[0])]);
      if (labels.size() < 2)
        throw std::runtime_error("column '" + data.target_columns[0] + "' contains a single class; classification needs two or more");
      data.class_labels = detail::sorted_labels(labels);
      y = detail::one_hot<T>(table, target_positions[0], data.class_labels);
    } else {
      y = table_matrix<T>(table, target_positions);
    }

    if (!config.test_path.empty()) {
      if (config.test_fraction > 0) throw std::invalid_argument("give either --test-data or --test-fraction, not both");
      const CsvTable test = read_csv(config.test_path);
      data.x_test = table_matrix<T>(test, find_columns(test, data.input_columns));
      const auto test_targets = find_columns(test, data.target_columns);
      data.y_test = config.classify ? detail::one_hot<T>(test, test_targets[0], data.class_labels)
                                    : table_matrix<T>(test, test_targets);
      data.x_train = std::move(x);
      data.y_train = std::move(y);
    } else {
      if (!(config.test_fraction >= 0 && config.test_fraction < 1))
        throw std::invalid_argument("--test-fraction is " + std::to_string(config.test_fraction) +
                                    "; it must be in [0, 1)");
      const int n = static_cast<int>(x.cols());
      const int n_test = static_cast<int>(config.test_fraction * n);
      if (n - n_test < 1) throw std::invalid_argument("--test-fraction leaves no training rows");
      if (config.test_fraction > 0 && n_test == 0)
        throw std::invalid_argument("--test-fraction " + std::to_string(config.test_fraction) + " of " +
                                    std::to_string(n) + " rows leaves no test rows; give at least 1/" +
                                    std::to_string(n) + " or 0 for no test set");
      std::vector<int> order(static_cast<std::size_t>(n));
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      const std::vector<int> test_rows(order.begin(), order.begin() + n_test);
      const std::vector<int> train_rows(order.begin() + n_test, order.end());
      data.x_train = detail::select_columns(x, train_rows);
      data.y_train = detail::select_columns(y, train_rows);
      data.x_test = detail::select_columns(x, test_rows);
      data.y_test = detail::select_columns(y, test_rows);
    }
    data.description = "'" + config.data_path + "'" + (config.classify ? ", classification (one-hot targets)" : ", regression");
  } else {
    throw std::invalid_argument("unknown task '" + config.task + "'; known: product, square, csv");
  }

  if (config.standardize != "none" && config.standardize != "inputs" && config.standardize != "all")
    throw std::invalid_argument("unknown --standardize value '" + config.standardize + "'; known: none, inputs, all");
  if (config.standardize != "none") {
    detail::row_statistics(data.x_train, data.input_shift, data.input_scale);
    detail::standardize_rows(data.x_train, data.input_shift, data.input_scale);
    detail::standardize_rows(data.x_test, data.input_shift, data.input_scale);
  }
  if (config.standardize == "all" && !config.classify) {
    detail::row_statistics(data.y_train, data.target_shift, data.target_scale);
    detail::standardize_rows(data.y_train, data.target_shift, data.target_scale);
    detail::standardize_rows(data.y_test, data.target_shift, data.target_scale);
  }
  return data;
}

}  // namespace deepadmm::app
