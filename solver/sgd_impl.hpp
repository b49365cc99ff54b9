// Template definitions for sgd.hpp, instantiated once per scalar type.
#pragma once

#include "network_impl.hpp"
#include "sgd.hpp"

#include <boost/math/constants/constants.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace deepadmm {

template <class T>
bool SgdOptions<T>::validate(std::string* message) const {
  auto fail = [&](const std::string& text) {
    if (message) *message = text;
    return false;
  };
  if (!(is_finite(learning_rate) && learning_rate > 0))
    return fail("learning_rate is " + to_exact_string(learning_rate) + "; it must be positive and finite");
  if (!(momentum >= 0 && momentum < 1))
    return fail("momentum is " + to_exact_string(momentum) + "; it must be in [0, 1)");
  if (!(adam_beta1 >= 0 && adam_beta1 < 1))
    return fail("adam_beta1 is " + to_exact_string(adam_beta1) + "; it must be in [0, 1)");
  if (!(adam_beta2 >= 0 && adam_beta2 < 1))
    return fail("adam_beta2 is " + to_exact_string(adam_beta2) + "; it must be in [0, 1)");
  if (!(is_finite(adam_epsilon) && adam_epsilon > 0))
    return fail("adam_epsilon is " + to_exact_string(adam_epsilon) + "; it must be positive and finite");
  if (schedule == RateSchedule::Step && !(decay > 0 && decay <= 1))
    return fail("decay is " + to_exact_string(decay) + "; the step schedule needs a factor in (0, 1]");
  if (schedule == RateSchedule::InverseTime && !(is_finite(decay) && decay >= 0))
    return fail("decay is " + to_exact_string(decay) + "; the inverse-time schedule needs a finite rate >= 0");
  if (step_epochs < 1) return fail("step_epochs is " + std::to_string(step_epochs) + "; it must be >= 1");
  if (!(is_finite(lambda) && lambda >= 0))
    return fail("lambda is " + to_exact_string(lambda) + "; it must be finite and >= 0");
  if (batch_size < 1) return fail("batch_size is " + std::to_string(batch_size) + "; it must be >= 1");
  if (epochs < 0) return fail("epochs is " + std::to_string(epochs) + "; it must be >= 0");
  if (!(time_limit_seconds > 0))
    return fail("time_limit_seconds is " + std::to_string(time_limit_seconds) + "; it must be positive");
  return true;
}

namespace detail {

// Buffers of one forward and backward pass, reused across batches.
template <class T>
struct BackpropWorkspace {
  std::vector<Matrix<T>> pre_activation;  // Z_i, i = 1 .. N-1 at index i - 1
  std::vector<Matrix<T>> values;          // f(Z_i)
  std::vector<Matrix<T>> slopes;          // f'(Z_i)
  Matrix<T> output, delta, next_delta;
};

// Runs the forward pass of X through the network. The hidden values and slopes are left in
// `ws`, and the output in ws.output.
template <class T>
void forward_pass(const Network<T>& net, const Matrix<T>& x, BackpropWorkspace<T>& ws, bool with_slopes) {
  const int n_layers = net.layers();
  ws.pre_activation.resize(static_cast<std::size_t>(n_layers - 1));
  ws.values.resize(static_cast<std::size_t>(n_layers - 1));
  ws.slopes.resize(static_cast<std::size_t>(n_layers - 1));
  const Matrix<T>* input = &x;
  for (int i = 1; i <= n_layers; ++i) {
    const Matrix<T>& w = net.weight(i);
    const Eigen::Index d = w.cols() - 1;
    Matrix<T>& z = i < n_layers ? ws.pre_activation[static_cast<std::size_t>(i - 1)] : ws.output;
    z.resize(w.rows(), input->cols());
    z.noalias() = w.leftCols(d) * *input;
    z.colwise() += w.col(d);
    if (i == n_layers) break;
    const auto k = static_cast<std::size_t>(i - 1);
    net.activation->evaluate(z, ws.values[k], with_slopes ? &ws.slopes[k] : nullptr);
    input = &ws.values[k];
  }
}

// G(W) and its gradient as in objective_and_gradient, with buffers from `ws`.
template <class T>
T backprop(const Network<T>& net, const Matrix<T>& x, const Matrix<T>& y, const T& lambda, const T& scale,
           std::vector<Matrix<T>>& gradient, BackpropWorkspace<T>& ws) {
  const int n_layers = net.layers();
  forward_pass(net, x, ws, true);
  ws.delta = ws.output - y;
  T value = scale * ws.delta.squaredNorm() / 2 + lambda * weights_squared_norm(net) / 2;
  ws.delta *= scale;
  gradient.resize(static_cast<std::size_t>(n_layers));
  for (int i = n_layers; i >= 1; --i) {
    const Matrix<T>& w = net.weight(i);
    const Eigen::Index d = w.cols() - 1;
    const Matrix<T>& input = i > 1 ? ws.values[static_cast<std::size_t>(i - 2)] : x;
    Matrix<T>& g = gradient[static_cast<std::size_t>(i - 1)];
    g.resize(w.rows(), w.cols());
    g.leftCols(d).noalias() = ws.delta * input.transpose();
    g.col(d) = ws.delta.rowwise().sum();
    g += lambda * w;
    if (i == 1) break;
    ws.next_delta.resize(d, ws.delta.cols());
    ws.next_delta.noalias() = w.leftCols(d).transpose() * ws.delta;
    ws.delta = ws.next_delta.cwiseProduct(ws.slopes[static_cast<std::size_t>(i - 2)]);
  }
  return value;
}

template <class T>
void gather_columns(const Matrix<T>& source, const std::vector<int>& order, std::size_t begin, std::size_t count,
                    Matrix<T>& out) {
  out.resize(source.rows(), static_cast<Eigen::Index>(count));
  for (std::size_t k = 0; k < count; ++k) out.col(static_cast<Eigen::Index>(k)) = source.col(order[begin + k]);
}

}  // namespace detail

template <class T>
T least_squares_objective(const Network<T>& net, const Matrix<T>& x, const Matrix<T>& y, const T& lambda) {
  return (net.predict(x) - y).squaredNorm() / 2 + lambda * weights_squared_norm(net) / 2;
}

template <class T>
T objective_and_gradient(const Network<T>& net, const Matrix<T>& x, const Matrix<T>& y, const T& lambda,
                         const T& scale, std::vector<Matrix<T>>& gradient) {
  const std::string message = validate_network_data(x, y, net);
  if (!message.empty()) throw std::invalid_argument(message);
  detail::BackpropWorkspace<T> ws;
  return detail::backprop(net, x, y, lambda, scale, gradient, ws);
}

template <class T>
T scheduled_rate(const SgdOptions<T>& options, int epoch) {
  using std::cos;
  using std::pow;
  const T& eta = options.learning_rate;
  switch (options.schedule) {
    case RateSchedule::Constant:
      return eta;
    case RateSchedule::Step:
      return eta * T(pow(options.decay, epoch / options.step_epochs));
    case RateSchedule::InverseTime:
      return eta / (1 + options.decay * epoch);
    case RateSchedule::Cosine:
      if (options.epochs == 0) return eta;
      return eta * (1 + T(cos(boost::math::constants::pi<T>() * epoch / options.epochs))) / 2;
  }
  return eta;
}

template <class T>
SgdResult<T> train_sgd(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net, const SgdOptions<T>& options,
                       const SgdCallback<T>& callback) {
  using std::sqrt;
  SgdResult<T> result;
  result.network = net;
  result.message = validate_network_data(x, y, net);
  if (result.message.empty()) options.validate(&result.message);
  if (!result.message.empty()) return result;

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const int n = static_cast<int>(x.cols());
  const T lambda_per_sample = options.lambda / T(n);
  Network<T>& w = result.network;

  auto record_epoch = [&](int epoch, const T& rate) {
    SgdRecord<T> r;
    r.epoch = epoch;
    const T residual = (w.predict(x) - y).squaredNorm();
    r.objective = residual / 2 + options.lambda * weights_squared_norm(w) / 2;
    r.training_error = residual / T(n);
    r.learning_rate = rate;
    r.wall_seconds = elapsed();
    result.records.push_back(r);
    if (callback) callback(r, w);
    return is_finite(r.objective);
  };
  record_epoch(0, T(-1));

  const std::size_t layers = w.weights.size();
  std::vector<Matrix<T>> gradient, first(layers), second(layers);
  for (std::size_t i = 0; i < layers; ++i) {
    first[i] = Matrix<T>::Zero(w.weights[i].rows(), w.weights[i].cols());
    if (options.optimizer == Optimizer::Adam) second[i] = first[i];
  }
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.shuffle_seed);
  detail::BackpropWorkspace<T> ws;
  Matrix<T> xb, yb;
  T beta1_power(1), beta2_power(1);
  const auto batch = static_cast<std::size_t>(options.batch_size);

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const T rate = scheduled_rate(options, epoch - 1);
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t begin = 0; begin < order.size(); begin += batch) {
      const std::size_t count = std::min(batch, order.size() - begin);
      detail::gather_columns(x, order, begin, count, xb);
      detail::gather_columns(y, order, begin, count, yb);
      detail::backprop(w, xb, yb, lambda_per_sample, T(1) / T(static_cast<int>(count)), gradient, ws);
      if (options.optimizer == Optimizer::Momentum) {
        for (std::size_t i = 0; i < layers; ++i) {
          first[i] = options.momentum * first[i] + gradient[i];
          w.weights[i] -= rate * first[i];
        }
      } else {
        beta1_power *= options.adam_beta1;
        beta2_power *= options.adam_beta2;
        const T step = rate * sqrt(1 - beta2_power) / (1 - beta1_power);
        // The bias corrections fold into the step: eta mhat / (sqrt(vhat) + eps) equals
        // step * m / (sqrt(v) + eps sqrt(1 - beta2^t)).
        const T epsilon = options.adam_epsilon * sqrt(1 - beta2_power);
        for (std::size_t i = 0; i < layers; ++i) {
          first[i] = options.adam_beta1 * first[i] + (1 - options.adam_beta1) * gradient[i];
          second[i] = options.adam_beta2 * second[i] + (1 - options.adam_beta2) * gradient[i].cwiseAbs2();
          w.weights[i].array() -= step * first[i].array() / (second[i].array().sqrt() + epsilon);
        }
      }
    }
    if (!record_epoch(epoch, rate)) {
      result.status = Status::NonFinite;
      result.message = "the objective became non-finite in epoch " + std::to_string(epoch) +
                       " (learning rate " + to_exact_string(rate) + "); try a smaller learning rate";
      return result;
    }
    if (elapsed() > options.time_limit_seconds) {
      result.status = Status::TimeLimit;
      result.message = "timed out after epoch " + std::to_string(epoch) + " (time_limit_seconds = " +
                       std::to_string(options.time_limit_seconds) + ")";
      return result;
    }
  }
  result.status = Status::MaxIterations;
  result.message = "ran " + std::to_string(options.epochs) + " epochs";
  return result;
}

template <class T>
double saturation_share(const Network<T>& net, const Matrix<T>& x, double threshold) {
  if (net.layers() < 2 || x.cols() == 0) return 0;
  using std::abs;
  detail::BackpropWorkspace<T> ws;
  detail::forward_pass(net, x, ws, true);
  const T limit = T(threshold) * net.activation->constants().sup_abs_derivative;
  long long below = 0;
  long long total = 0;
  for (const auto& slopes : ws.slopes) {
    for (Eigen::Index k = 0; k < slopes.size(); ++k) below += abs(slopes.data()[k]) < limit ? 1 : 0;
    total += slopes.size();
  }
  return static_cast<double>(below) / static_cast<double>(total);
}

}  // namespace deepadmm
