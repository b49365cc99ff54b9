// Fully connected network with biases absorbed into the weights:
//   V_0 = X,  V_i = f(W_i [V_{i-1}; 1^T])  for i < N,  output W_N [V_{N-1}; 1^T].
// W_i has d_i rows and d_{i-1} + 1 columns; its last column is the bias.
#pragma once

#include "activation.hpp"
#include "scalar.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace deepadmm {

// Weight initialisation schemes. Biases start at zero in every scheme. fan_in = d_{i-1},
// fan_out = d_i.
enum class InitScheme {
  Zero,                // all weights zero
  OrthogonalUniform,   // orthonormal rows or columns from the QR of a U(-1,1) matrix
  OrthogonalGaussian,  // the same from a N(0,1) matrix
  LecunUniform,        // U(-sqrt(3/fan_in), sqrt(3/fan_in))
  LecunGaussian,       // N(0, 1/fan_in)
  Xavier,              // U(-sqrt(6/(fan_in+fan_out)), sqrt(6/(fan_in+fan_out)))
  Msra,                // hidden s*N(0, 2/fan_out), output s*N(0, 1/d_N)
  HeNormal,            // N(0, 2/fan_in)
};

std::string init_scheme_name(InitScheme scheme);
// Throws std::invalid_argument naming the known schemes.
InitScheme parse_init_scheme(const std::string& name);
std::vector<std::string> init_scheme_names();

template <class T>
struct Network {
  std::vector<int> widths;  // d_0, ..., d_N
  std::shared_ptr<const Activation<T>> activation;
  std::vector<Matrix<T>> weights;  // W_1 .. W_N stored at index 0 .. N-1

  int layers() const { return static_cast<int>(widths.size()) - 1; }
  // W_i for 1 <= i <= N.
  Matrix<T>& weight(int i) { return weights[static_cast<std::size_t>(i - 1)]; }
  const Matrix<T>& weight(int i) const { return weights[static_cast<std::size_t>(i - 1)]; }

  // Returns the network output W_N [V_{N-1}; 1^T] for inputs X (d_0 x n).
  Matrix<T> predict(const Matrix<T>& x) const;
};

// Creates a network of the given widths (d_0 .. d_N, N >= 1) with weights drawn by
// `scheme` from a generator seeded with `seed`. Random draws are made in double and then
// converted exactly, so one seed gives the same starting weights in every scalar type.
// `scale` multiplies every drawn weight (the MSRA scale factor; 1 elsewhere by default).
template <class T>
Network<T> make_network(const std::vector<int>& widths,
                        std::shared_ptr<const Activation<T>> activation, InitScheme scheme,
                        std::uint64_t seed, double scale = 1.0);

// Returns an empty string when X (d_0 x n) and Y (d_N x n) fit the network, the data has
// samples and every weight and data entry is finite. Otherwise returns a message naming the
// first problem.
template <class T>
std::string validate_network_data(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net);

// Returns the sum of squared entries over every weight matrix.
template <class T>
T weights_squared_norm(const Network<T>& net);

// Returns [V; 1^T].
template <class T>
Matrix<T> append_ones_row(const Matrix<T>& v);

}  // namespace deepadmm
