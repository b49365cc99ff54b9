// Template definitions for io.hpp. Included only by the instantiation units.
#pragma once

#include "activations/registry.hpp"
#include "io.hpp"
#include "network_impl.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace deepadmm {

template <class T>
Matrix<T> table_matrix(const CsvTable& table, const std::vector<int>& columns) {
  Matrix<T> m(static_cast<Eigen::Index>(columns.size()), static_cast<Eigen::Index>(table.rows.size()));
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const auto c = static_cast<std::size_t>(columns[k]);
      const std::string& text = table.rows[r][c];
      auto where = [&] {
        return "'" + table.path + "' line " + std::to_string(table.line_numbers[r]) + ", column '" +
               table.header[c] + "'";
      };
      T value;
      try {
        value = parse_scalar<T>(text);
      } catch (const std::exception&) {
        throw std::runtime_error(where() + ": '" + text + "' is not a number");
      }
      if (!is_finite(value))
        throw std::runtime_error(where() + ": '" + text + "' is not finite; remove or impute the value");
      m(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(r)) = value;
    }
  }
  return m;
}

template <class T>
Matrix<T> Model<T>::predict(const Matrix<T>& x) const {
  Matrix<T> inputs = x;
  if (input_shift.size() > 0) inputs = (inputs.colwise() - input_shift).array().colwise() / input_scale.array();
  Matrix<T> out = network.predict(inputs);
  if (target_shift.size() > 0) out = (out.array().colwise() * target_scale.array()).matrix().colwise() + target_shift;
  return out;
}

namespace detail {

template <class Derived>
nlohmann::json matrix_to_json(const Eigen::MatrixBase<Derived>& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(to_exact_string(m(r, c)));
    rows.push_back(std::move(row));
  }
  return rows;
}

template <class T>
Matrix<T> matrix_from_json(const nlohmann::json& rows, const std::string& field) {
  if (!rows.is_array()) throw std::runtime_error("field '" + field + "' must be an array of rows");
  const auto n_rows = static_cast<Eigen::Index>(rows.size());
  const auto n_cols = n_rows == 0 ? Eigen::Index(0) : static_cast<Eigen::Index>(rows[0].size());
  Matrix<T> m(n_rows, n_cols);
  for (Eigen::Index r = 0; r < n_rows; ++r) {
    const auto& row = rows[static_cast<std::size_t>(r)];
    if (!row.is_array() || static_cast<Eigen::Index>(row.size()) != n_cols)
      throw std::runtime_error("field '" + field + "' row " + std::to_string(r) + " does not have " +
                               std::to_string(n_cols) + " entries");
    for (Eigen::Index c = 0; c < n_cols; ++c) {
      const auto& cell = row[static_cast<std::size_t>(c)];
      if (!cell.is_string()) throw std::runtime_error("field '" + field + "' contains a non-string entry; numbers are stored as decimal strings");
      const T value = parse_scalar<T>(cell.get<std::string>());
      if (!is_finite(value)) throw std::runtime_error("field '" + field + "' contains a non-finite entry");
      m(r, c) = value;
    }
  }
  return m;
}

template <class T>
nlohmann::json vector_to_json(const Vector<T>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (Eigen::Index k = 0; k < v.size(); ++k) out.push_back(to_exact_string(v(k)));
  return out;
}

template <class T>
Vector<T> vector_from_json(const nlohmann::json& doc, const std::string& field) {
  if (!doc.contains(field)) return {};
  const auto& values = doc.at(field);
  if (!values.is_array()) throw std::runtime_error("field '" + field + "' must be an array");
  Vector<T> v(static_cast<Eigen::Index>(values.size()));
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!values[k].is_string()) throw std::runtime_error("field '" + field + "' contains a non-string entry; numbers are stored as decimal strings");
    v(static_cast<Eigen::Index>(k)) = parse_scalar<T>(values[k].get<std::string>());
  }
  return v;
}

}  // namespace detail

template <class T>
void save_model(const Model<T>& model, const std::string& path) {
  nlohmann::json doc;
  doc["format"] = "deepadmm-model";
  doc["version"] = 1;
  doc["scalar"] = scalar_name<T>();
  doc["activation"] = model.network.activation->name();
  doc["widths"] = model.network.widths;
  doc["input_columns"] = model.input_columns;
  doc["target_columns"] = model.target_columns;
  if (!model.class_labels.empty()) doc["class_labels"] = model.class_labels;
  if (model.input_shift.size() > 0) {
    doc["input_shift"] = detail::vector_to_json(model.input_shift);
    doc["input_scale"] = detail::vector_to_json(model.input_scale);
  }
  if (model.target_shift.size() > 0) {
    doc["target_shift"] = detail::vector_to_json(model.target_shift);
    doc["target_scale"] = detail::vector_to_json(model.target_scale);
  }
  nlohmann::json weights = nlohmann::json::array();
  for (const auto& w : model.network.weights) weights.push_back(detail::matrix_to_json(w));
  doc["weights"] = std::move(weights);

  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot open '" + path + "' for writing");
  out << doc.dump(1) << '\n';
  if (!out) throw std::runtime_error("writing '" + path + "' failed");
}

template <class T>
Model<T> load_model(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open model file '" + path + "'; check the path");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("model file '" + path + "' is not valid JSON: " + error.what());
  }
  try {
    if (doc.value("format", "") != "deepadmm-model")
      throw std::runtime_error("field 'format' is not \"deepadmm-model\"");
    if (!doc.contains("version") || !doc.at("version").is_number_integer() || doc.at("version").get<int>() != 1)
      throw std::runtime_error("field 'version' is not 1, the only model format version this program reads");
    for (const char* field : {"widths", "weights"})
      if (!doc.contains(field) || !doc.at(field).is_array())
        throw std::runtime_error(std::string("field '") + field + "' is missing or not an array");
    Model<T> model;
    model.network.widths = doc.at("widths").get<std::vector<int>>();
    model.network.activation = make_activation<T>(doc.at("activation").get<std::string>());
    model.input_columns = doc.value("input_columns", std::vector<std::string>{});
    model.target_columns = doc.value("target_columns", std::vector<std::string>{});
    model.class_labels = doc.value("class_labels", std::vector<std::string>{});
    model.input_shift = detail::vector_from_json<T>(doc, "input_shift");
    model.input_scale = detail::vector_from_json<T>(doc, "input_scale");
    model.target_shift = detail::vector_from_json<T>(doc, "target_shift");
    model.target_scale = detail::vector_from_json<T>(doc, "target_scale");
    const auto& weights = doc.at("weights");
    const auto& widths = model.network.widths;
    if (widths.size() < 2 || weights.size() + 1 != widths.size())
      throw std::runtime_error("'weights' has " + std::to_string(weights.size()) + " matrices for " +
                               std::to_string(widths.size()) + " widths");
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const std::string field = "weights[" + std::to_string(i) + "]";
      Matrix<T> w = detail::matrix_from_json<T>(weights[i], field);
      if (w.rows() != widths[i + 1] || w.cols() != widths[i] + 1)
        throw std::runtime_error(field + " is " + std::to_string(w.rows()) + " x " + std::to_string(w.cols()) +
                                 "; the widths require " + std::to_string(widths[i + 1]) + " x " +
                                 std::to_string(widths[i] + 1));
      model.network.weights.push_back(std::move(w));
    }
    const auto d_in = static_cast<Eigen::Index>(widths.front());
    const auto d_out = static_cast<Eigen::Index>(widths.back());
    if (model.input_shift.size() != 0 && (model.input_shift.size() != d_in || model.input_scale.size() != d_in))
      throw std::runtime_error("'input_shift' and 'input_scale' must have " + std::to_string(d_in) + " entries");
    if (model.target_shift.size() != 0 && (model.target_shift.size() != d_out || model.target_scale.size() != d_out))
      throw std::runtime_error("'target_shift' and 'target_scale' must have " + std::to_string(d_out) + " entries");
    if (!model.input_columns.empty() && static_cast<Eigen::Index>(model.input_columns.size()) != d_in)
      throw std::runtime_error("'input_columns' must have " + std::to_string(d_in) + " names");
    return model;
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("model file '" + path + "': " + error.what());
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("model file '" + path + "': " + error.what());
  } catch (const std::runtime_error& error) {
    throw std::runtime_error("model file '" + path + "': " + error.what());
  }
}

}  // namespace deepadmm

#define DEEPADMM_INSTANTIATE_IO(T)                                                          \
  template deepadmm::Matrix<T> deepadmm::table_matrix<T>(const deepadmm::CsvTable&,         \
                                                         const std::vector<int>&);          \
  template struct deepadmm::Model<T>;                                                       \
  template void deepadmm::save_model<T>(const deepadmm::Model<T>&, const std::string&);     \
  template deepadmm::Model<T> deepadmm::load_model<T>(const std::string&);
