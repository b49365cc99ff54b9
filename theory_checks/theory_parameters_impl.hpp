// Template definitions for theory_parameters.hpp.
#pragma once

#include "theory_parameters.hpp"


#include <algorithm>
#include <stdexcept>

namespace deepadmm::checks {

namespace detail {

template <class T>
std::string show(const T& value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.4g", to_double(value));
  return buffer;
}

template <class T>
T square(const T& value) {
  return value * value;
}

}  // namespace detail

template <class T>
T spectral_norm_bound(const Matrix<T>& m) {
  using std::sqrt;
  if (m.size() == 0) return T(0);
  const Matrix<T> gram = m.rows() <= m.cols() ? Matrix<T>(m * m.transpose()) : Matrix<T>(m.transpose() * m);
  const T gershgorin = gram.cwiseAbs().rowwise().sum().maxCoeff();
  return std::min(T(m.norm()), T(sqrt(gershgorin)));
}

template <class T>
bool DerivedConstants<T>::conditions_hold() const {
  return std::all_of(conditions.begin(), conditions.end(), [](const Condition<T>& c) { return c.holds(); });
}

template <class T>
std::string theory_assumption_violation(const Network<T>& net, const T& lambda) {
  const auto f = net.activation->constants();
  const std::string name = "'" + net.activation->name() + "'";
  if (!f.smooth) return "activation " + name + " is not twice continuously differentiable (assumption: f in C^2)";
  if (!f.bounded()) return "activation " + name + " is unbounded (assumption: sup|f| < infinity)";
  if (!f.lipschitz()) return "activation " + name + " has an unbounded derivative (assumption: sup|f'| < infinity)";
  if (!f.lipschitz_derivative())
    return "activation " + name + " has an unbounded second derivative (assumption: sup|f''| < infinity)";
  if (!(lambda > 0)) return "lambda = " + detail::show(lambda) + " (assumption: lambda > 0)";
  if (net.layers() < 2) return "the network has no hidden layer (assumption: N >= 2 weight layers)";
  return {};
}

template <class T>
DerivedConstants<T> derive_constants(const std::vector<T>& beta, const T& lambda,
                                     const ActivationConstants<T>& f,
                                     const BoundConstants<T>& b) {
  using detail::square;
  const int n_layers = static_cast<int>(beta.size());
  const auto N = static_cast<std::size_t>(n_layers);
  auto bet = [&](int j) { return beta[static_cast<std::size_t>(j - 1)]; };
  auto at = [](const std::vector<T>& v, int j) { return v[static_cast<std::size_t>(j)]; };
  const T L1 = f.sup_abs_derivative;
  const T L2 = f.sup_abs_second;
  const T omega2 = square(b.omega);
  const T mubar = b.curvature_max;

  DerivedConstants<T> d;
  d.p.assign(N + 1, T(0));
  d.q.assign(N + 1, T(0));
  d.q_prime.assign(N + 1, T(0));
  d.s.assign(N + 1, T(0));
  d.c.assign(N + 1, T(0));
  d.alpha.assign(N + 1, T(0));
  d.eps.assign(N + 1, T(0));
  for (int i = 1; i <= n_layers - 2; ++i) {
    d.p[static_cast<std::size_t>(i)] = b.omega * L1 * bet(i + 1);
    d.q[static_cast<std::size_t>(i)] = bet(i + 1) * omega2 * (square(L1) + mubar / 2);
    d.q_prime[static_cast<std::size_t>(i)] = omega2 * ((square(L1) + mubar / 2) * bet(i + 1) + L2 * at(b.delta, i + 1));
    d.s[static_cast<std::size_t>(i)] = b.omega * L2 * at(b.nu, i) * at(b.delta, i + 1) + L1 * at(b.eta, i + 1);
  }

  // Lyapunov weights and the coefficients of the proof of Theorem 1.
  d.c[N] = 6 * omega2 * square(bet(n_layers)) / bet(n_layers - 1);
  d.alpha[N] = 2 / bet(n_layers) + 6 * omega2 * square(1 + bet(n_layers)) / bet(n_layers - 1);
  d.eps[N] = 6 * square(at(b.eta, n_layers)) / bet(n_layers - 1);
  for (int j = 1; j <= n_layers - 1; ++j) {
    const auto J = static_cast<std::size_t>(j);
    T cj(0), aj(0);
    if (j <= n_layers - 2) {
      cj += 12 * square(d.q_prime[J]) / bet(j);
      aj += 12 * square(d.q[J]) / bet(j);
    }
    if (j >= 2) {
      const T coupling = 12 * omega2 * square(L1) * square(bet(j)) / bet(j - 1);
      cj += coupling;
      aj += coupling;
      if (j <= n_layers - 1 && j - 1 >= 1 && j - 1 <= n_layers - 2)
        d.eps[J] = 12 * square(d.s[J - 1]) / bet(j - 1);
    }
    d.c[J] = cj;
    d.alpha[J] = aj;
  }

  d.a = lambda;
  d.beta_max = T(0);
  for (int j = 1; j <= n_layers; ++j) {
    d.beta_max = std::max(d.beta_max, bet(j));
    if (j <= n_layers - 1) d.a = std::min(d.a, bet(j));
  }
  d.a = std::min(d.a, T(1 + bet(n_layers))) / 4;
  d.theta_q = T(0);
  for (int j = 1; j <= n_layers; ++j) {
    const auto J = static_cast<std::size_t>(j);
    d.theta_q = std::max({d.theta_q, d.alpha[J], d.c[J], d.eps[J]});
  }
  d.a_q = d.a / (2 * (1 + d.beta_max * d.theta_q));

  // Theorem 3.
  d.k_x = T(0);
  for (int i = 1; i <= n_layers - 1; ++i) {
    const T nu_prev = at(b.nu, i - 1);
    d.k_x += L1 * nu_prev + L2 * at(b.upsmax, i) * square(nu_prev) + bet(i) * mubar * square(nu_prev) / 2;
    if (i >= 2) d.k_x += L2 * b.omega * at(b.upsmax, i) * nu_prev + L1 * at(b.ups, i);
  }
  d.k_x += bet(n_layers) * at(b.nu, n_layers - 1) * (1 + b.omega) + at(b.ups, n_layers);
  for (int i = 1; i <= n_layers - 2; ++i) d.k_x += d.p[static_cast<std::size_t>(i)] + d.q_prime[static_cast<std::size_t>(i)];
  d.k_x += bet(n_layers) * b.omega;
  for (int j = 1; j <= n_layers; ++j) d.k_x += 1 / bet(j);
  d.k_y = T(0);
  for (int i = 1; i <= n_layers - 1; ++i) d.k_y += L1 * at(b.nu, i - 1);

  // Conditions P1 to P3.
  d.conditions.push_back({"P1", bet(n_layers), T(4), "beta_N >= 4"});
  {
    const T first = 96 * omega2 * (1 + bet(n_layers));
    const T second = 24 * square(at(b.eta, n_layers)) / lambda;
    d.conditions.push_back({"P2", bet(n_layers - 1), std::max(first, second),
                            "max(96 Omega^2 (1 + beta_N) = " + detail::show(first) +
                                ", 24 eta_N^2 / lambda = " + detail::show(second) + ")"});
  }
  for (int i = n_layers - 2; i >= 1; --i) {
    const auto I = static_cast<std::size_t>(i);
    const T first = 192 * omega2 * square(L1) * bet(i + 1);
    const T second = 14 * d.q_prime[I];
    const T third = 48 * square(d.s[I]) / lambda;
    d.conditions.push_back({"P3 (i = " + std::to_string(i) + ")", bet(i), std::max({first, second, third}),
                            "max(192 Omega^2 L1^2 beta_{i+1} = " + detail::show(first) + ", 14 q_i' = " +
                                detail::show(second) + ", 48 s_i^2 / lambda = " + detail::show(third) + ")"});
  }
  return d;
}

namespace detail {

// Declares the bounds of Assumption A from the guess phi_hat (section 11, step 4).
template <class T>
void raise_to(std::vector<T>& values, const std::vector<T>& minimum) {
  for (std::size_t j = 0; j < values.size() && j < minimum.size(); ++j) values[j] = std::max(values[j], minimum[j]);
}

template <class T>
BoundConstants<T> declare_bounds(const Matrix<T>& x, const Network<T>& net, const T& lambda, const T& margin,
                                 BoundMode mode, const T& phi_hat, const T& curvature,
                                 const BoundConstants<T>* minimum) {
  using std::sqrt;
  const int n_layers = net.layers();
  const auto N = static_cast<std::size_t>(n_layers);
  const auto f = net.activation->constants();
  BoundConstants<T> b;
  const T certified = sqrt(2 * phi_hat / lambda);
  if (mode == BoundMode::Certified) {
    b.omega = certified;
  } else {
    T largest(0);
    for (int j = 2; j <= n_layers; ++j) {
      const auto& w = net.weight(j);
      largest = std::max(largest, spectral_norm_bound<T>(w.leftCols(w.cols() - 1)));
    }
    b.omega = std::min(T(margin * largest), certified);
  }
  const T n(static_cast<int>(x.cols()));
  b.nu.assign(N, T(0));
  b.nu[0] = spectral_norm_bound<T>(append_ones_row<T>(x));
  for (int i = 1; i <= n_layers - 1; ++i)
    b.nu[static_cast<std::size_t>(i)] = margin * sqrt(n * (net.widths[static_cast<std::size_t>(i)] * square(f.sup_abs_value) + 1));
  b.ups.assign(N + 1, T(0));
  b.upsmax.assign(N + 1, T(0));
  b.delta.assign(N + 1, T(0));
  b.eta.assign(N + 1, T(0));
  b.ups[N] = 2 * sqrt(phi_hat);
  b.eta[N] = margin * b.ups[N];
  b.ups[N - 1] = b.omega * b.ups[N];
  for (int i = n_layers - 2; i >= 1; --i)
    b.ups[static_cast<std::size_t>(i)] = b.omega * f.sup_abs_derivative * b.ups[static_cast<std::size_t>(i + 1)];
  for (int i = 1; i <= n_layers - 1; ++i) b.upsmax[static_cast<std::size_t>(i)] = b.ups[static_cast<std::size_t>(i)];
  for (int j = 2; j <= n_layers - 1; ++j) {
    b.delta[static_cast<std::size_t>(j)] = margin * b.ups[static_cast<std::size_t>(j)];
    b.eta[static_cast<std::size_t>(j)] = margin * b.ups[static_cast<std::size_t>(j)];
  }
  b.curvature_max = curvature;
  if (minimum != nullptr) {
    b.b_max = minimum->b_max;
    b.omega = std::min(std::max(b.omega, minimum->omega), certified);
    raise_to(b.nu, minimum->nu);
    raise_to(b.ups, minimum->ups);
    raise_to(b.upsmax, minimum->upsmax);
    raise_to(b.delta, minimum->delta);
    raise_to(b.eta, minimum->eta);
  }
  return b;
}

// Chooses the penalties from the output layer to the input layer (section 11, step 5).
template <class T>
std::vector<T> choose_penalties(int n_layers, const T& lambda, const T& margin, const ActivationConstants<T>& f,
                                const BoundConstants<T>& b, std::vector<std::string>* explanation) {
  const auto N = static_cast<std::size_t>(n_layers);
  std::vector<T> beta(N, T(0));
  beta[N - 1] = 4 * margin;
  // derive_constants needs every penalty; fill the others as they are chosen and read only
  // the condition of the layer being set.
  for (int i = n_layers - 1; i >= 1; --i) {
    std::vector<T> trial = beta;
    for (int j = 1; j <= i; ++j) trial[static_cast<std::size_t>(j - 1)] = T(1);
    const auto d = derive_constants(trial, lambda, f, b);
    const std::string name = i == n_layers - 1 ? "P2" : "P3 (i = " + std::to_string(i) + ")";
    for (const auto& c : d.conditions)
      if (c.name == name) {
        beta[static_cast<std::size_t>(i - 1)] = margin * c.rhs;
        if (explanation)
          explanation->push_back("beta_" + std::to_string(i) + " = " + show(beta[static_cast<std::size_t>(i - 1)]) +
                                 ": " + name + " needs beta_" + std::to_string(i) + " >= " + c.terms + ", times margin " +
                                 show(margin));
      }
  }
  if (explanation)
    explanation->insert(explanation->begin(), "beta_" + std::to_string(n_layers) + " = " + show(beta[N - 1]) +
                                                  ": P1 needs beta_N >= 4, times margin " + show(margin));
  return beta;
}

}  // namespace detail

template <class T>
TheoryParameters<T> compute_theory_parameters(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                                              const T& lambda, const T& margin, BoundMode mode,
                                              const BoundConstants<T>* minimum) {
  using detail::show;
  const std::string violation = theory_assumption_violation(net, lambda);
  if (!violation.empty()) throw std::invalid_argument("theory parameters need the assumptions of the convergence theory: " + violation);
  if (!(margin >= 1)) throw std::invalid_argument("theory margin = " + show(margin) + " is invalid; it must be >= 1");

  const auto f = net.activation->constants();
  const int n_layers = net.layers();
  TheoryParameters<T> p;
  p.lambda = lambda;
  p.margin = margin;
  p.mode = mode;
  p.b_bar = margin * f.sup_abs_value;
  if (minimum != nullptr && minimum->b_max > p.b_bar) p.b_bar = minimum->b_max;
  p.curvature = 2 * f.squared_loss_curvature(p.b_bar);

  Options<T> probe;
  probe.lambda = lambda;
  probe.kkt_every = 0;
  const AdmmState<T> start = initial_state(x, net);
  IterationRecord<T> start_record;
  measure_state(start, x, y, probe, start_record);
  p.lagrangian_start = start_record.objective;  // U^0 = 0 and V^0 feasible, so L(Q^0) is the objective
  p.phi_hat = margin * p.lagrangian_start;

  constexpr int max_restarts = 10;
  for (p.restarts = 0; p.restarts <= max_restarts; ++p.restarts) {
    p.explanation.clear();
    p.bounds = detail::declare_bounds(x, net, lambda, margin, mode, p.phi_hat, p.curvature, minimum);
    p.bounds.b_max = p.b_bar;
    p.beta = detail::choose_penalties(n_layers, lambda, margin, f, p.bounds, &p.explanation);
    p.derived = derive_constants(p.beta, lambda, f, p.bounds);

    Options<T> options;
    options.beta = p.beta;
    options.lambda = lambda;
    options.curvature = CurvatureRule::Fixed;
    options.fixed_curvature = p.curvature;
    options.kkt_every = 0;
    AdmmSolver<T> solver(x, y, net, options);
    IterationRecord<T> first;
    Status failure = Status::Converged;
    std::string message;
    if (!solver.step(first, &failure, &message))
      throw std::runtime_error("theory parameters: the first iteration failed: " + message);
    p.phi_1 = first.augmented_lagrangian;
    for (int j = 1; j <= n_layers; ++j)
      p.phi_1 += p.derived.c[static_cast<std::size_t>(j)] * first.step_v_layer[static_cast<std::size_t>(j - 1)];
    if (p.phi_1 <= p.phi_hat) break;
    p.phi_hat = margin * p.phi_1;
  }
  if (p.restarts > max_restarts)
    throw std::runtime_error("theory parameters: Phi_1 = " + show(p.phi_1) + " exceeded its declared bound after " +
                             std::to_string(max_restarts) + " restarts");

  p.explanation.push_back("h_i = mu_i = " + show(p.curvature) + " = 2 ell(b_bar) with b_bar = margin * sup|f| = " +
                          show(p.b_bar) + ": P0 (descent rule h >= ell(max|B|)) holds while max|B| <= b_bar");
  p.explanation.push_back("bounds (" + std::string(mode == BoundMode::Certified ? "certified" : "measured") +
                          " mode): Omega = " + show(p.bounds.omega) + ", Phi_1 = " + show(p.phi_1) +
                          " <= Phihat = " + show(p.phi_hat) + " after " + std::to_string(p.restarts) + " restart(s) of the Phi_1 guess");
  p.explanation.push_back("descent constant a = " + show(p.derived.a) + ", Lyapunov weight c_N = " +
                          show(p.derived.c[static_cast<std::size_t>(n_layers)]));
  return p;
}

}  // namespace deepadmm::checks
