// Template definitions for network.hpp. Included only by the instantiation units.
#pragma once

#include "network.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

namespace deepadmm {

template <class T>
Matrix<T> append_ones_row(const Matrix<T>& v) {
  Matrix<T> out(v.rows() + 1, v.cols());
  out.topRows(v.rows()) = v;
  out.row(v.rows()).setOnes();
  return out;
}

template <class T>
Matrix<T> Network<T>::predict(const Matrix<T>& x) const {
  Matrix<T> state = append_ones_row<T>(x);
  Matrix<T> values;
  for (int i = 1; i < layers(); ++i) {
    const Matrix<T> z = weight(i) * state;
    activation->evaluate(z, values, nullptr);
    state.resize(values.rows() + 1, values.cols());
    state.topRows(values.rows()) = values;
    state.row(values.rows()).setOnes();
  }
  return weight(layers()) * state;
}

template <class T>
T weights_squared_norm(const Network<T>& net) {
  T sum(0);
  for (const auto& w : net.weights) sum += w.squaredNorm();
  return sum;
}

namespace detail {

// Draws a rows x cols matrix of weights (bias column excluded) in double.
inline Eigen::MatrixXd draw_weights(InitScheme scheme, int rows, int cols, bool output_layer,
                                    int output_width, std::mt19937_64& rng) {
  Eigen::MatrixXd m(rows, cols);
  const double fan_in = cols;
  const double fan_out = rows;
  auto fill_normal = [&](double stddev) {
    std::normal_distribution<double> normal(0.0, stddev);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = normal(rng);
  };
  auto fill_uniform = [&](double half_width) {
    std::uniform_real_distribution<double> uniform(-half_width, half_width);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = uniform(rng);
  };
  switch (scheme) {
    case InitScheme::Zero:
      m.setZero();
      break;
    case InitScheme::OrthogonalUniform:
    case InitScheme::OrthogonalGaussian: {
      if (scheme == InitScheme::OrthogonalUniform)
        fill_uniform(1.0);
      else
        fill_normal(1.0);
      // Orthonormal columns when rows >= cols, orthonormal rows otherwise.
      const bool tall = rows >= cols;
      const Eigen::MatrixXd a = tall ? m : Eigen::MatrixXd(m.transpose());
      Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
      const Eigen::MatrixXd q =
          qr.householderQ() * Eigen::MatrixXd::Identity(a.rows(), a.cols());
      m = tall ? q : Eigen::MatrixXd(q.transpose());
      break;
    }
    case InitScheme::LecunUniform:
      fill_uniform(std::sqrt(3.0 / fan_in));
      break;
    case InitScheme::LecunGaussian:
      fill_normal(std::sqrt(1.0 / fan_in));
      break;
    case InitScheme::Xavier:
      fill_uniform(std::sqrt(6.0 / (fan_in + fan_out)));
      break;
    case InitScheme::Msra:
      fill_normal(output_layer ? std::sqrt(1.0 / output_width) : std::sqrt(2.0 / fan_out));
      break;
    case InitScheme::HeNormal:
      fill_normal(std::sqrt(2.0 / fan_in));
      break;
  }
  return m;
}

}  // namespace detail

template <class T>
std::string validate_network_data(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net) {
  const int n_layers = net.layers();
  if (n_layers < 1 || net.weights.size() != static_cast<std::size_t>(n_layers))
    return "the network has " + std::to_string(net.weights.size()) + " weight matrices for " +
           std::to_string(net.widths.size()) + " widths; expected one fewer than the widths";
  if (!net.activation) return "the network has no activation";
  for (int i = 1; i <= n_layers; ++i) {
    const auto& w = net.weight(i);
    const int rows = net.widths[static_cast<std::size_t>(i)];
    const int cols = net.widths[static_cast<std::size_t>(i - 1)] + 1;
    if (w.rows() != rows || w.cols() != cols)
      return "W_" + std::to_string(i) + " is " + std::to_string(w.rows()) + " x " + std::to_string(w.cols()) +
             "; the widths require " + std::to_string(rows) + " x " + std::to_string(cols);
    if (!all_finite(w)) return "W_" + std::to_string(i) + " contains NaN or infinite values";
  }
  if (x.cols() == 0) return "the data has no samples (X has 0 columns)";
  if (x.rows() != net.widths.front())
    return "X has " + std::to_string(x.rows()) + " features per sample but the input width is " +
           std::to_string(net.widths.front());
  if (y.rows() != net.widths.back())
    return "Y has " + std::to_string(y.rows()) + " targets per sample but the output width is " +
           std::to_string(net.widths.back());
  if (y.cols() != x.cols())
    return "X has " + std::to_string(x.cols()) + " samples but Y has " + std::to_string(y.cols());
  if (!all_finite(x)) return "X contains NaN or infinite values";
  if (!all_finite(y)) return "Y contains NaN or infinite values";
  return {};
}

template <class T>
Network<T> make_network(const std::vector<int>& widths,
                        std::shared_ptr<const Activation<T>> activation, InitScheme scheme,
                        std::uint64_t seed, double scale) {
  if (widths.size() < 2)
    throw std::invalid_argument("a network needs at least an input and an output width, got " +
                                std::to_string(widths.size()) + " widths");
  for (std::size_t i = 0; i < widths.size(); ++i)
    if (widths[i] <= 0)
      throw std::invalid_argument("layer width " + std::to_string(i) + " is " +
                                  std::to_string(widths[i]) + "; every width must be positive");
  if (!activation) throw std::invalid_argument("network activation is missing");
  if (!(std::isfinite(scale) && scale > 0))
    throw std::invalid_argument("initialisation scale is " + std::to_string(scale) +
                                "; it must be positive and finite");

  Network<T> net;
  net.widths = widths;
  net.activation = std::move(activation);
  std::mt19937_64 rng(seed);
  const int n_layers = static_cast<int>(widths.size()) - 1;
  for (int i = 1; i <= n_layers; ++i) {
    const int rows = widths[static_cast<std::size_t>(i)];
    const int cols = widths[static_cast<std::size_t>(i - 1)];
    const Eigen::MatrixXd drawn =
        detail::draw_weights(scheme, rows, cols, i == n_layers, widths.back(), rng);
    Matrix<T> w = Matrix<T>::Zero(rows, cols + 1);
    for (int c = 0; c < cols; ++c)
      for (int r = 0; r < rows; ++r) w(r, c) = T(drawn(r, c) * scale);
    net.weights.push_back(std::move(w));
  }
  return net;
}

}  // namespace deepadmm
