// Reading data from CSV files, and saving and loading trained models as JSON.
#pragma once

#include "network.hpp"
#include "scalar.hpp"

#include <string>
#include <vector>

namespace deepadmm {

// A CSV file as text: a header row of column names and rows of cells.
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> line_numbers;  // line in the file of each row, counted from 1
};

// Reads a comma-separated file whose first line names the columns. Accepts a UTF-8
// byte-order mark, CRLF line endings and blank lines at the end. Throws
// std::runtime_error naming the file and the line when the file cannot be read, is empty,
// has a duplicate column name or a row whose cell count differs from the header's.
CsvTable read_csv(const std::string& path);

// Returns the position of each named column. Throws std::runtime_error naming a missing
// column and listing the file's columns.
std::vector<int> find_columns(const CsvTable& table, const std::vector<std::string>& names);

// Returns the chosen columns as a matrix with one row per column and one column per CSV
// row (the solver's sample-per-column layout). Cells are parsed directly into T, without
// a locale. Throws std::runtime_error naming the file, line, column and text of a cell
// that is not a finite number.
template <class T>
Matrix<T> table_matrix(const CsvTable& table, const std::vector<int>& columns);

// A trained network together with the data transforms that prediction applies:
//   inputs  x -> (x - input_shift) ./ input_scale
//   outputs y -> y .* target_scale + target_shift
// Empty shift and scale vectors mean the identity.
template <class T>
struct Model {
  Network<T> network;
  std::vector<std::string> input_columns;
  std::vector<std::string> target_columns;
  Vector<T> input_shift, input_scale, target_shift, target_scale;
  // Non-empty for a classifier: the class of output row r is class_labels[r], and the
  // predicted class is the row with the largest output.
  std::vector<std::string> class_labels;

  // Returns the outputs in the original target units for inputs X (d_0 x n, raw units).
  Matrix<T> predict(const Matrix<T>& x) const;
};

// Writes `model` as JSON (format described in the README). Every number is a decimal
// string with enough digits to read back exactly in T. Throws std::runtime_error when the
// file cannot be written.
template <class T>
void save_model(const Model<T>& model, const std::string& path);

// Reads a model written by save_model, parsing numbers into T (a model saved in another
// scalar type keeps the precision it was written with). Throws std::runtime_error naming
// the file and the field that is missing or malformed.
template <class T>
Model<T> load_model(const std::string& path);

}  // namespace deepadmm
