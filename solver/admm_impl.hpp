// Template definitions for admm.hpp. Included only by the instantiation units.
#pragma once

#include "admm.hpp"
#include "dense_kernels.hpp"
#include "network_impl.hpp"

#include <chrono>
#include <type_traits>
#include <cstdio>

namespace deepadmm {

namespace detail {

inline std::string format_value(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

template <class T>
std::string format_value(const T& value) {
  return format_value(to_double(value));
}

// Solves X K = R for X with K symmetric positive definite, through K X^T = R^T. Only the
// lower triangle of K is read.
template <class T>
bool solve_right_spd(const Matrix<T>& k, const Matrix<T>& r, Matrix<T>& x) {
  Eigen::LLT<Matrix<T>> llt(k);
  if (llt.info() != Eigen::Success) return false;
  Matrix<T> transposed = r.transpose();
  cholesky_solve_in_place(llt, transposed);
  x = transposed.transpose();
  return true;
}

template <class T>
T max_abs(const Matrix<T>& m) {
  return m.size() == 0 ? T(0) : T(m.cwiseAbs().maxCoeff());
}

// Quantities at the new iterate that the steps compute and the records reuse.
template <class T>
struct ConstraintTerms {
  std::vector<Matrix<T>> values;  // f(Z_i), i = 1 .. N-1 at index i-1
  std::vector<Matrix<T>> slopes;  // f'(Z_i), filled only when the KKT residual is due
  Matrix<T> output;               // P = W_N [V_{N-1}; 1^T]
};

// Fills every measured field of `record` at `state` from its constraint terms. `u_old` is
// U^k when the record should also hold L before the multiplier step, otherwise null.
template <class T>
void measure_with_terms(const AdmmState<T>& state, const std::vector<Matrix<T>>& augmented,
                        const ConstraintTerms<T>& terms, const Matrix<T>& y,
                        const std::vector<T>& beta, const T& lambda, bool with_kkt,
                        const std::type_identity_t<std::vector<Matrix<T>>>* u_old,
                        IterationRecord<T>& record) {
  using std::sqrt;
  const auto& net = state.network;
  const int n_layers = net.layers();
  const auto last = static_cast<std::size_t>(n_layers - 1);

  // Constraint violations c_i.
  std::vector<Matrix<T>> violation(static_cast<std::size_t>(n_layers));
  for (std::size_t j = 0; j < last; ++j) violation[j] = terms.values[j] - state.v[j];
  violation[last] = terms.output - state.v[last];

  record.objective =
      (state.v[last] - y).squaredNorm() / 2 + lambda * weights_squared_norm(net) / 2;

  T penalty_and_multiplier(0);
  T magnitude = record.objective;
  T multiplier_old(0);
  T squared_violation(0);
  T feasibility(0);
  for (std::size_t j = 0; j <= last; ++j) {
    const T norm2 = violation[j].squaredNorm();
    squared_violation += norm2;
    feasibility += sqrt(norm2);
    penalty_and_multiplier += beta[j] * norm2 / 2 + state.u[j].cwiseProduct(violation[j]).sum();
    magnitude += beta[j] * norm2 / 2 + state.u[j].cwiseProduct(violation[j]).cwiseAbs().sum();
    if (u_old != nullptr) multiplier_old += beta[j] * norm2 / 2 + (*u_old)[j].cwiseProduct(violation[j]).sum();
  }
  record.augmented_lagrangian = record.objective + penalty_and_multiplier;
  record.lagrangian_magnitude = magnitude;
  if (u_old != nullptr) record.augmented_lagrangian_before_multipliers = record.objective + multiplier_old;
  record.primal_residual = sqrt(squared_violation);

  // Training error of the plain forward network at the current weights. Its first hidden
  // layer equals f(W_1 [X; 1^T]), which the terms hold already.
  {
    Matrix<T> forward;
    if (n_layers == 1) {
      forward = terms.output;
    } else {
      Matrix<T> augmented_values = append_ones_row<T>(terms.values[0]);
      Matrix<T> values;
      Matrix<T> z;
      for (int i = 2; i <= n_layers; ++i) {
        multiply(z, net.weight(i), augmented_values);
        if (i == n_layers) {
          forward = std::move(z);
        } else {
          net.activation->evaluate(z, values, nullptr);
          augmented_values = append_ones_row<T>(values);
        }
      }
    }
    record.training_error = (forward - y).squaredNorm() / T(y.cols());
  }

  if (!with_kkt) return;

  // Gradients of the ordinary Lagrangian
  //   L0 = (1/2)||V_N - Y||^2 + (lambda/2) sum ||W_i||^2 + sum <U_i, c_i>.
  // For i < N, E_i = U_i .* f'(Z_i) gives grad_{W_i} = lambda W_i + E_i A_{i-1}^T and
  // contributes M_i^T E_i to grad_{V_{i-1}}, M_i being W_i without its bias column.
  T stationarity_w(0);
  T stationarity_v(0);
  Matrix<T> back;  // the term M_{i+1}^T E_{i+1} (or M_N^T U_N) for grad_{V_i}
  Matrix<T> e_times_a;
  for (int i = n_layers; i >= 1; --i) {
    const auto j = static_cast<std::size_t>(i - 1);
    const Matrix<T>& w = net.weight(i);
    Matrix<T> e = (i == n_layers) ? state.u[j] : Matrix<T>(state.u[j].cwiseProduct(terms.slopes[j]));
    multiply(e_times_a, e, augmented[j].transpose());
    stationarity_w += (lambda * w + e_times_a).norm();

    if (i == n_layers) {
      stationarity_v += (state.v[j] - y - state.u[j]).norm();
    } else {
      stationarity_v += (back - state.u[j]).norm();
    }
    if (i > 1) multiply(back, w.leftCols(w.cols() - 1).transpose(), e);
  }
  record.kkt_stationarity_w = stationarity_w;
  record.kkt_stationarity_v = stationarity_v;
  record.kkt_feasibility = feasibility;
  record.kkt_residual = stationarity_w + stationarity_v + feasibility;
}

// Computes the constraint terms at `state` from scratch.
template <class T>
ConstraintTerms<T> constraint_terms(const AdmmState<T>& state,
                                    const std::vector<Matrix<T>>& augmented, bool with_slopes) {
  const auto& net = state.network;
  const int n_layers = net.layers();
  ConstraintTerms<T> terms;
  terms.values.resize(static_cast<std::size_t>(n_layers - 1));
  terms.slopes.resize(static_cast<std::size_t>(n_layers - 1));
  for (int i = 1; i < n_layers; ++i) {
    const auto j = static_cast<std::size_t>(i - 1);
    Matrix<T> z;
    multiply(z, net.weight(i), augmented[j]);
    net.activation->evaluate(z, terms.values[j], with_slopes ? &terms.slopes[j] : nullptr);
  }
  multiply(terms.output, net.weight(n_layers), augmented[static_cast<std::size_t>(n_layers - 1)]);
  return terms;
}

template <class T>
std::vector<Matrix<T>> augmented_states(const AdmmState<T>& state, const Matrix<T>& x) {
  std::vector<Matrix<T>> augmented;
  augmented.push_back(append_ones_row<T>(x));
  for (int i = 1; i < state.network.layers(); ++i)
    augmented.push_back(append_ones_row<T>(state.v[static_cast<std::size_t>(i - 1)]));
  return augmented;
}

template <class T>
std::vector<T> expand_beta(const Options<T>& options, int n_layers) {
  if (options.beta.size() == 1) return std::vector<T>(static_cast<std::size_t>(n_layers), options.beta[0]);
  return options.beta;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Validation

template <class T>
bool Options<T>::validate(int layers, std::string* message) const {
  auto fail = [&](const std::string& text) {
    if (message != nullptr) *message = text;
    return false;
  };
  using detail::format_value;
  if (beta.size() != 1 && beta.size() != static_cast<std::size_t>(layers))
    return fail("beta has " + std::to_string(beta.size()) + " values; give one value or one per weight layer (" +
                std::to_string(layers) + ")");
  for (std::size_t j = 0; j < beta.size(); ++j)
    if (!(is_finite(beta[j]) && beta[j] > 0))
      return fail("beta_" + std::to_string(j + 1) + " = " + format_value(beta[j]) +
                  " is invalid; every penalty must be positive and finite");
  if (!(is_finite(lambda) && lambda >= 0))
    return fail("lambda = " + format_value(lambda) + " is invalid; it must be finite and >= 0");
  if (curvature == CurvatureRule::Fixed && !(is_finite(fixed_curvature) && fixed_curvature > 0))
    return fail("fixed_curvature = " + format_value(fixed_curvature) +
                " is invalid; the fixed curvature rule needs a positive finite value");
  if (max_iterations < 0)
    return fail("max_iterations = " + std::to_string(max_iterations) + " is invalid; it must be >= 0");
  if (!(is_finite(kkt_tolerance) && kkt_tolerance >= 0))
    return fail("kkt_tolerance = " + format_value(kkt_tolerance) + " is invalid; it must be >= 0 (0 disables it)");
  if (!(is_finite(relative_change_tolerance) && relative_change_tolerance >= 0))
    return fail("relative_change_tolerance = " + format_value(relative_change_tolerance) +
                " is invalid; it must be >= 0 (0 disables it)");
  if (!(time_limit_seconds > 0))
    return fail("time_limit_seconds = " + format_value(time_limit_seconds) + " is invalid; it must be positive");
  if (kkt_every < 0)
    return fail("kkt_every = " + std::to_string(kkt_every) + " is invalid; it must be >= 0 (0 never computes it)");
  return true;
}

template <class T>
std::string validate_problem(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                             const Options<T>& options) {
  std::string shape_message = validate_network_data(x, y, net);
  if (!shape_message.empty()) return shape_message;
  const int n_layers = net.layers();

  std::string message;
  if (!options.validate(n_layers, &message)) return message;

  if (options.curvature == CurvatureRule::Majorising) {
    const auto c = net.activation->constants();
    if (!is_finite(c.squared_loss_curvature(T(0))))
      return "the majorising curvature rule needs a bounded activation with bounded second "
             "derivative, but '" + net.activation->name() +
             "' is not; use the reference or fixed curvature rule";
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// State and measurements

template <class T>
AdmmState<T> initial_state(const Matrix<T>& x, Network<T> net) {
  AdmmState<T> state;
  const int n_layers = net.layers();
  Matrix<T> augmented = append_ones_row<T>(x);
  Matrix<T> values;
  for (int i = 1; i <= n_layers; ++i) {
    const Matrix<T> z = net.weight(i) * augmented;
    if (i == n_layers) {
      state.v.push_back(z);
    } else {
      net.activation->evaluate(z, values, nullptr);
      state.v.push_back(values);
      augmented = append_ones_row<T>(values);
    }
    state.u.push_back(Matrix<T>::Zero(z.rows(), z.cols()));
  }
  state.network = std::move(net);
  return state;
}

template <class T>
void measure_state(const AdmmState<T>& state, const Matrix<T>& x, const Matrix<T>& y,
                   const Options<T>& options, IterationRecord<T>& record) {
  const auto augmented = detail::augmented_states(state, x);
  const auto terms = detail::constraint_terms(state, augmented, true);
  const auto beta = detail::expand_beta(options, state.network.layers());
  detail::measure_with_terms(state, augmented, terms, y, beta, options.lambda, true, nullptr, record);
}

template <class T>
T augmented_lagrangian(const AdmmState<T>& state, const Matrix<T>& x, const Matrix<T>& y,
                       const Options<T>& options) {
  IterationRecord<T> record;
  const auto augmented = detail::augmented_states(state, x);
  const auto terms = detail::constraint_terms(state, augmented, false);
  const auto beta = detail::expand_beta(options, state.network.layers());
  detail::measure_with_terms(state, augmented, terms, y, beta, options.lambda, false, nullptr, record);
  return record.augmented_lagrangian;
}

// ---------------------------------------------------------------------------------------
// Block updates

template <class T>
bool output_weight_update(const Matrix<T>& a, const Matrix<T>& v_out, const Matrix<T>& u_out,
                          const T& beta, const T& lambda, Matrix<T>& w) {
  const Matrix<T> gram = detail::shifted_gram_lower(a, beta, lambda);
  const Matrix<T> target = beta * v_out - u_out;
  Matrix<T> rhs;
  detail::multiply(rhs, target, a.transpose());
  return detail::solve_right_spd(gram, rhs, w);
}

namespace detail {

// The hidden weight step from the pre-activation Z = W_i^k A and f(Z), f'(Z).
template <class T>
bool hidden_weight_from_linearisation(const Matrix<T>& z, const Matrix<T>& values, const Matrix<T>& slopes,
                                      const Matrix<T>& a, const Matrix<T>& b, const T& beta, const T& lambda,
                                      const T& h, Matrix<T>& w) {
  // Linearised target: beta (h/2 Z - G), G = (f(Z) - B) .* f'(Z).
  const T half_h = h / 2;
  const Matrix<T> target = beta * (half_h * z - (values - b).cwiseProduct(slopes));
  Matrix<T> rhs;
  multiply(rhs, target, a.transpose());
  const Matrix<T> gram = shifted_gram_lower(a, T(beta * half_h), lambda);
  return solve_right_spd(gram, rhs, w);
}

}  // namespace detail

template <class T>
bool hidden_weight_update(const Matrix<T>& w_old, const Matrix<T>& a, const Matrix<T>& b,
                          const T& beta, const T& lambda, const T& h,
                          const Activation<T>& activation, Matrix<T>& w) {
  Matrix<T> z;
  detail::multiply(z, w_old, a);
  Matrix<T> values;
  Matrix<T> slopes;
  activation.evaluate(z, values, &slopes);
  return detail::hidden_weight_from_linearisation(z, values, slopes, a, b, beta, lambda, h, w);
}

template <class T>
bool hidden_state_update(const Matrix<T>& c, const Matrix<T>& v_old, const Matrix<T>& w_next,
                         const Matrix<T>& b_next, const T& beta, const T& beta_next,
                         const T& mu, const Activation<T>& activation, Matrix<T>& v) {
  const Eigen::Index width = v_old.rows();
  const auto m = w_next.leftCols(width);
  const auto bias = w_next.col(width);
  Matrix<T> t;
  detail::multiply(t, m, v_old);
  const Matrix<T> h = t.colwise() + bias;
  Matrix<T> values;
  Matrix<T> slopes;
  activation.evaluate(h, values, &slopes);
  const T half_mu = mu / 2;
  const Matrix<T> inner = half_mu * t - (values - b_next).cwiseProduct(slopes);
  Matrix<T> pulled_back;
  detail::multiply(pulled_back, m.transpose(), inner);
  v = beta * c + beta_next * pulled_back;

  const Eigen::LLT<Matrix<T>> llt(detail::shifted_gram_lower(m.transpose(), T(beta_next * half_mu), beta));
  if (llt.info() != Eigen::Success) return false;
  detail::cholesky_solve_in_place(llt, v);
  return true;
}

template <class T>
bool last_hidden_state_update(const Matrix<T>& s, const Matrix<T>& u, const Matrix<T>& w_out,
                              const Matrix<T>& v_out, const Matrix<T>& u_out, const T& beta,
                              const T& beta_out, Matrix<T>& v) {
  const Eigen::Index width = s.rows();
  const auto m = w_out.leftCols(width);
  const auto bias = w_out.col(width);
  // U_N - beta_N (V_N - b 1^T)
  const Matrix<T> pulled = u_out - beta_out * (v_out.colwise() - bias);
  Matrix<T> pulled_back;
  detail::multiply(pulled_back, m.transpose(), pulled);
  Matrix<T> rhs = u + beta * s - pulled_back;

  // The system beta I + beta_N M^T M is width x width, but M^T M has rank at most d_N.
  // With fewer outputs than half the width, the Woodbury identity
  //   (beta I + beta_N M^T M)^{-1} = (1/beta) (I - M^T K^{-1} M),  K = (beta/beta_N) I + M M^T,
  // replaces the width x width factorisation and its solve with n right-hand sides
  // (2 width^2 n operations) by a d_N x d_N one and two products (4 d_N width n).
  const Eigen::Index outputs = m.rows();
  if (2 * outputs < width) {
    const Eigen::LLT<Matrix<T>> llt(detail::shifted_gram_lower(m, T(1), T(beta / beta_out)));
    if (llt.info() != Eigen::Success) return false;
    Matrix<T> projected;
    detail::multiply(projected, m, rhs);
    detail::cholesky_solve_in_place(llt, projected);
    Matrix<T> correction;
    detail::multiply(correction, m.transpose(), projected);
    v = (rhs - correction) / beta;
    return true;
  }

  const Eigen::LLT<Matrix<T>> llt(detail::shifted_gram_lower(m.transpose(), beta_out, beta));
  if (llt.info() != Eigen::Success) return false;
  v = std::move(rhs);
  detail::cholesky_solve_in_place(llt, v);
  return true;
}

template <class T>
void output_state_update(const Matrix<T>& y, const Matrix<T>& u_out, const Matrix<T>& p,
                         const T& beta_out, Matrix<T>& v_out) {
  v_out = (y + u_out + beta_out * p) / (1 + beta_out);
}

template <class T>
T curvature_parameter(CurvatureRule rule, const T& b_max, const ActivationConstants<T>& c,
                      const T& fixed) {
  switch (rule) {
    case CurvatureRule::Reference:
      return b_max;
    case CurvatureRule::Majorising:
      return 2 * c.squared_loss_curvature(b_max);
    case CurvatureRule::Fixed:
      return fixed;
  }
  return fixed;
}

// ---------------------------------------------------------------------------------------
// Solver

template <class T>
AdmmSolver<T>::AdmmSolver(Matrix<T> x, Matrix<T> y, Network<T> net, Options<T> options)
    : x_(std::move(x)), y_(std::move(y)), options_(std::move(options)) {
  const std::string problem = validate_problem(x_, y_, net, options_);
  if (!problem.empty()) throw std::invalid_argument(problem);
  beta_ = detail::expand_beta(options_, net.layers());
  constants_ = net.activation->constants();
  state_ = initial_state(x_, std::move(net));
  augmented_ = detail::augmented_states(state_, x_);
}

template <class T>
void AdmmSolver<T>::refresh_augmented(int i) {
  const auto& v = state_.v[static_cast<std::size_t>(i - 1)];
  auto& a = augmented_[static_cast<std::size_t>(i)];
  a.topRows(v.rows()) = v;
}

template <class T>
void AdmmSolver<T>::measure(IterationRecord<T>& record) const {
  const bool with_kkt = options_.kkt_every > 0;
  const auto terms = detail::constraint_terms(state_, augmented_, with_kkt);
  record.iteration = iteration_;
  detail::measure_with_terms(state_, augmented_, terms, y_, beta_, options_.lambda, with_kkt, nullptr, record);
}

template <class T>
bool AdmmSolver<T>::step(IterationRecord<T>& record, Status* failure, std::string* message) {
  auto& net = state_.network;
  const int n_layers = net.layers();
  const auto& f = *net.activation;
  const auto last = static_cast<std::size_t>(n_layers - 1);
  const int k_next = iteration_ + 1;
  const bool with_kkt = options_.kkt_every > 0 &&
                        (k_next % options_.kkt_every == 0 || k_next == options_.max_iterations);
  auto fail = [&](Status status, const std::string& text) {
    if (failure != nullptr) *failure = status;
    if (message != nullptr) *message = "iteration " + std::to_string(k_next) + ": " + text;
    return false;
  };
  const std::string cholesky_hint =
      " is not positive definite to working precision; a larger lambda, penalties of moderate size or a "
      "higher precision (--precision float128) may help";

  record = IterationRecord<T>{};
  record.iteration = k_next;
  record.curvature_h.assign(static_cast<std::size_t>(std::max(n_layers - 1, 0)), T(-1));
  record.curvature_mu.assign(static_cast<std::size_t>(std::max(n_layers - 2, 0)), T(-1));
  const std::vector<Matrix<T>> u_old = state_.u;
  const auto layer_count = static_cast<std::size_t>(n_layers);
  record.step_w_layer.assign(layer_count, T(0));
  record.step_v_layer.assign(layer_count, T(0));
  record.step_u_layer.assign(layer_count, T(0));

  // 1. Output weights, exact minimiser, from the old V_{N-1}.
  {
    Matrix<T> w;
    if (!output_weight_update(augmented_[last], state_.v[last], state_.u[last], beta_[last], options_.lambda, w))
      return fail(Status::NumericalFailure, "the system of the W_" + std::to_string(n_layers) + " update" + cholesky_hint);
    record.step_w_layer[last] = (w - net.weight(n_layers)).squaredNorm();
    net.weight(n_layers) = std::move(w);
  }

  // 2. Hidden weights, prox-linear, from the output side backwards, all from the old V.
  for (int i = n_layers - 1; i >= 1; --i) {
    const auto j = static_cast<std::size_t>(i - 1);
    const Matrix<T> b = state_.v[j] - state_.u[j] / beta_[j];
    const T h = curvature_parameter(options_.curvature, detail::max_abs(b), constants_, options_.fixed_curvature);
    record.curvature_h[j] = h;
    Matrix<T> w;
    bool solved = false;
    if (options_.reuse_products && cache_valid_) {
      // Z = W_i^k [V_{i-1}^k; 1^T] is the product the previous iteration's state step formed
      // with the same operands, so reusing it leaves the iterates bit-identical.
      if (cached_slopes_[j].size() == 0) f.evaluate(cached_pre_activation_[j], cached_values_[j], &cached_slopes_[j]);
      solved = detail::hidden_weight_from_linearisation(cached_pre_activation_[j], cached_values_[j], cached_slopes_[j],
                                                        augmented_[j], b, beta_[j], options_.lambda, h, w);
    } else {
      solved = hidden_weight_update(net.weight(i), augmented_[j], b, beta_[j], options_.lambda, h, f, w);
    }
    if (!solved)
      return fail(Status::NumericalFailure, "the system of the W_" + std::to_string(i) + " update" + cholesky_hint);
    record.step_w_layer[j] = (w - net.weight(i)).squaredNorm();
    net.weight(i) = std::move(w);
  }

  // 3. and 4. Hidden states forwards. values[j] = f(W_i [V_{i-1}; 1^T]) at the new
  // iterate, reused by the multiplier step and the records.
  detail::ConstraintTerms<T> terms;
  terms.values.resize(last);
  terms.slopes.resize(last);
  cached_pre_activation_.resize(last);
  for (int i = 1; i < n_layers; ++i) {
    const auto j = static_cast<std::size_t>(i - 1);
    Matrix<T>& z = cached_pre_activation_[j];
    detail::multiply(z, net.weight(i), augmented_[j]);
    f.evaluate(z, terms.values[j], with_kkt ? &terms.slopes[j] : nullptr);

    Matrix<T> v;
    if (i < n_layers - 1) {
      const Matrix<T> c = terms.values[j] + state_.u[j] / beta_[j];
      const Matrix<T> b_next = state_.v[j + 1] - state_.u[j + 1] / beta_[j + 1];
      const T mu = curvature_parameter(options_.curvature, detail::max_abs(b_next), constants_, options_.fixed_curvature);
      record.curvature_mu[j] = mu;
      if (!hidden_state_update(c, state_.v[j], net.weight(i + 1), b_next, beta_[j], beta_[j + 1], mu, f, v))
        return fail(Status::NumericalFailure, "the system of the V_" + std::to_string(i) + " update" + cholesky_hint);
    } else {
      if (!last_hidden_state_update(terms.values[j], state_.u[j], net.weight(n_layers), state_.v[last],
                                    state_.u[last], beta_[j], beta_[last], v))
        return fail(Status::NumericalFailure, "the system of the V_" + std::to_string(i) + " update" + cholesky_hint);
    }
    record.step_v_layer[j] = (v - state_.v[j]).squaredNorm();
    state_.v[j] = std::move(v);
    refresh_augmented(i);
  }

  // 5. Output state, exact.
  detail::multiply(terms.output, net.weight(n_layers), augmented_[last]);
  {
    Matrix<T> v;
    output_state_update(y_, state_.u[last], terms.output, beta_[last], v);
    record.step_v_layer[last] = (v - state_.v[last]).squaredNorm();
    state_.v[last] = std::move(v);
  }

  // 6. Multipliers at the new iterate.
  for (std::size_t j = 0; j <= last; ++j) {
    const Matrix<T>& reached = (j == last) ? terms.output : terms.values[j];
    const Matrix<T> delta = beta_[j] * (reached - state_.v[j]);
    record.step_u_layer[j] = delta.squaredNorm();
    state_.u[j] += delta;
  }

  iteration_ = k_next;
  record.step_w = T(0);
  record.step_v = T(0);
  record.step_u = T(0);
  for (std::size_t j = 0; j < layer_count; ++j) {
    record.step_w += record.step_w_layer[j];
    record.step_v += record.step_v_layer[j];
    record.step_u += record.step_u_layer[j];
  }
  record.step_squared = record.step_w + record.step_v + record.step_u;
  detail::measure_with_terms(state_, augmented_, terms, y_, beta_, options_.lambda, with_kkt, &u_old, record);
  // f(Z_i) and f'(Z_i) at the new iterate are the linearisation points of the next
  // iteration's weight steps. Slopes are empty when the KKT residual was not due.
  cached_values_ = std::move(terms.values);
  cached_slopes_ = std::move(terms.slopes);
  cache_valid_ = true;

  if (!is_finite(record.step_squared) || !is_finite(record.augmented_lagrangian))
    return fail(Status::NonFinite, "the iterates became non-finite (augmented Lagrangian = " +
                                       detail::format_value(record.augmented_lagrangian) +
                                       ", squared step = " + detail::format_value(record.step_squared) + ")");
  return true;
}

// ---------------------------------------------------------------------------------------
// Stopping rules and the driver

namespace detail {

template <class T>
bool kkt_tolerance_met(const IterationRecord<T>& record, const Options<T>& options, std::string* message) {
  if (!(options.kkt_tolerance > 0) || record.kkt_residual < 0) return false;
  if (record.kkt_residual > options.kkt_tolerance) return false;
  *message = "KKT residual " + format_value(record.kkt_residual) + " <= tolerance " +
             format_value(options.kkt_tolerance);
  return true;
}

template <class T>
bool relative_change_met(const IterationRecord<T>& previous, const IterationRecord<T>& current,
                         const Options<T>& options, std::string* message) {
  if (!(options.relative_change_tolerance > 0)) return false;
  using std::abs;
  const T change = abs(current.augmented_lagrangian - previous.augmented_lagrangian);
  const T scale = abs(previous.augmented_lagrangian);
  if (change > options.relative_change_tolerance * scale) return false;
  *message = "relative change of the augmented Lagrangian " + format_value(T(change / scale)) +
             " <= tolerance " + format_value(options.relative_change_tolerance);
  return true;
}

inline bool time_limit_met(double elapsed, double limit, std::string* message) {
  if (elapsed <= limit) return false;
  *message = "wall time " + format_value(elapsed) + " s exceeded the limit of " + format_value(limit) + " s";
  return true;
}

}  // namespace detail

template <class T>
Result<T> train(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                const Options<T>& options, const IterationCallback<T>& callback) {
  Result<T> result;
  result.message = validate_problem(x, y, net, options);
  if (!result.message.empty()) {
    result.status = Status::InvalidInput;
    return result;
  }

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  AdmmSolver<T> solver(x, y, net, options);
  solver.measure(result.initial);
  result.initial.wall_seconds = elapsed();
  if (callback) callback(result.initial, solver.state());

  result.status = Status::MaxIterations;
  result.message = "reached the maximum of " + std::to_string(options.max_iterations) + " iterations";
  for (int k = 1; k <= options.max_iterations; ++k) {
    IterationRecord<T> record;
    Status failure = Status::NumericalFailure;
    std::string message;
    const bool ok = solver.step(record, &failure, &message);
    record.wall_seconds = elapsed();
    result.records.push_back(record);
    if (callback) callback(record, solver.state());
    if (!ok) {
      result.status = failure;
      result.message = message;
      break;
    }
    const auto& previous = result.records.size() >= 2 ? result.records[result.records.size() - 2] : result.initial;
    if (detail::kkt_tolerance_met(record, options, &message) ||
        detail::relative_change_met(previous, record, options, &message)) {
      result.status = Status::Converged;
      result.message = message;
      break;
    }
    if (detail::time_limit_met(record.wall_seconds, options.time_limit_seconds, &message)) {
      result.status = Status::TimeLimit;
      result.message = message;
      break;
    }
  }
  result.state = solver.state();
  return result;
}

}  // namespace deepadmm
