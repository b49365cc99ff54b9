// Training and test data of a run: the authors' synthetic tasks or a CSV file.
#pragma once

#include "config.hpp"
#include "solver/io.hpp"
#include "solver/scalar.hpp"

#include <string>
#include <vector>

namespace deepadmm::app {

// Data in the solver's layout (one sample per column), with the names of its columns.
template <class T>
struct Dataset {
  Matrix<T> x_train, y_train, x_test, y_test;  // x_test has 0 columns without a test set
  std::vector<std::string> input_columns, target_columns;
  std::vector<std::string> class_labels;  // classification only, one per output row
  // Standardisation applied to the data above (empty: none), kept for prediction.
  Vector<T> input_shift, input_scale, target_shift, target_scale;
  std::string description;
};

// Builds the data of the run. Throws std::runtime_error or std::invalid_argument with a
// message naming the bad value.
template <class T>
Dataset<T> load_dataset(const TrainConfig& config);

// Task defaults as the authors set them: product gate two hidden layers of 300, square
// function two of 100; a CSV task two of 100.
std::vector<int> default_hidden_widths(const std::string& task);
int default_iterations(const std::string& task);

}  // namespace deepadmm::app
