// Template definitions for convergence_checks.hpp.
#pragma once

#include "convergence_checks.hpp"
#include "theory_parameters_impl.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>
#include <stdexcept>

namespace deepadmm::checks {

namespace detail {

template <class T>
Matrix<T> augmented_state(const AdmmState<T>& state, const Matrix<T>& x, int i) {
  return append_ones_row<T>(i == 0 ? x : state.v[static_cast<std::size_t>(i - 1)]);
}

template <class T>
T max_abs(const Matrix<T>& m) {
  return m.size() == 0 ? T(0) : T(m.cwiseAbs().maxCoeff());
}

template <class T>
T& grow(std::vector<T>& v, std::size_t j, const T& value) {
  if (value > v[j]) v[j] = value;
  return v[j];
}

// Number of entries of the largest single sum in L: every constraint entry, every
// weight, and the output residual. The recursive summation bound gamma_m = m u / (1 - m u)
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., section 4.2) times
// the sum of the absolute values of the terms bounds the rounding error of L.
template <class T>
int lagrangian_terms(const Network<T>& net, Eigen::Index samples) {
  long long m = 0;
  for (int j = 1; j <= net.layers(); ++j) {
    m += static_cast<long long>(net.widths[static_cast<std::size_t>(j)]) * samples;
    m += net.weight(j).size();
  }
  m += static_cast<long long>(net.widths.back()) * samples;
  return static_cast<int>(m);
}

template <class T>
T gamma(int m) {
  const T mu = T(m) * unit_roundoff<T>();
  return mu / (1 - mu);
}

}  // namespace detail

namespace detail {

template <class T>
ConvergenceRun<T> single_run(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                             const Options<T>& base_options, const ConvergenceCheckRequest& request,
                             const BoundConstants<T>* minimum) {
  using std::sqrt;
  ConvergenceRun<T> run;
  run.options = base_options;
  run.options.kkt_every = 1;
  const int n_layers = net.layers();
  const auto N = static_cast<std::size_t>(n_layers);
  const auto f = net.activation->constants();

  if (request.parameters == ParameterSet::Theory) {
    run.theory = compute_theory_parameters(x, y, net, base_options.lambda, T(request.margin), request.bound_mode, minimum);
    run.options.beta = run.theory.beta;
    run.options.curvature = CurvatureRule::Fixed;
    run.options.fixed_curvature = run.theory.curvature;
    run.declared = run.theory.bounds;
    run.setting = "theory parameters (margin " + detail::show(run.theory.margin) + ", " +
                  (request.bound_mode == BoundMode::Certified ? "certified" : "measured") + " bounds)";
  } else {
    run.setting = "given parameters: curvature rule " + curvature_rule_name(run.options.curvature);
  }
  std::string beta_text;
  for (const auto& b : run.options.beta) beta_text += (beta_text.empty() ? "" : ", ") + detail::show(b);
  run.setting += "; beta = (" + beta_text + "), lambda = " + detail::show(run.options.lambda) + ", " +
                 std::to_string(run.options.max_iterations) + " iterations, " + scalar_name<T>();
  const std::vector<T> beta = run.options.beta.size() == 1 ? std::vector<T>(N, run.options.beta[0]) : run.options.beta;
  auto bet = [&](int j) { return beta[static_cast<std::size_t>(j - 1)]; };

  // Observed maxima, indexed like BoundConstants.
  BoundConstants<T> seen;
  seen.nu.assign(N, T(0));
  seen.ups.assign(N + 1, T(0));
  seen.upsmax.assign(N + 1, T(0));
  seen.delta.assign(N + 1, T(0));
  seen.eta.assign(N + 1, T(0));
  seen.nu[0] = spectral_norm_bound<T>(append_ones_row<T>(x));
  const int terms = std::max<int>(static_cast<int>(x.cols()), *std::max_element(net.widths.begin(), net.widths.end()) + 1) + 2;

  AdmmState<T> previous;
  auto callback = [&](const IterationRecord<T>& record, const AdmmState<T>& state) {
    run.records.push_back(record);
    const auto& w = state.network;
    run.weights_squared.push_back(weights_squared_norm(w));
    run.residual_squared.push_back((state.v[N - 1] - y).squaredNorm());

    // Rounding scale of the KKT residual: the norms of the terms of each gradient and
    // violation, as computed in measure_with_terms.
    T scale = (state.v[N - 1]).norm() + y.norm() + state.u[N - 1].norm();
    for (int i = 1; i <= n_layers; ++i) {
      const auto I = static_cast<std::size_t>(i - 1);
      const Matrix<T> a = detail::augmented_state(state, x, i - 1);
      scale += run.options.lambda * w.weight(i).norm() + state.u[I].norm() * a.norm();
      scale += state.u[I].norm() + state.v[I].norm() + w.weight(i).norm() * a.norm();
      if (i >= 2) scale += w.weight(i).norm() * state.u[I].norm();
    }
    run.kkt_rounding.push_back(detail::gamma<T>(terms) * scale);

    std::string failure;
    T shortfall(0);
    if (record.iteration >= 1) {
      // Assumption A at iterate k, from Q^k and Q^{k-1}.
      T omega(0);
      for (int j = 2; j <= n_layers; ++j) {
        const auto& wj = w.weight(j);
        omega = std::max(omega, spectral_norm_bound<T>(wj.leftCols(wj.cols() - 1)));
      }
      detail::grow(seen.nu, 0, seen.nu[0]);
      if (omega > seen.omega) seen.omega = omega;
      std::vector<std::pair<std::string, bool>> bounds;
      const bool declared = request.parameters == ParameterSet::Theory;
      if (declared && omega > run.declared.omega) failure = "Omega (||M_j||_2 = " + detail::show(omega) + " > " + detail::show(run.declared.omega) + ")";
      for (int i = 1; i <= n_layers - 1; ++i) {
        const T nu = spectral_norm_bound<T>(detail::augmented_state(state, x, i));
        detail::grow(seen.nu, static_cast<std::size_t>(i), nu);
        if (declared && failure.empty() && nu > run.declared.nu[static_cast<std::size_t>(i)])
          failure = "nu_" + std::to_string(i) + " (" + detail::show(nu) + " > " + detail::show(run.declared.nu[static_cast<std::size_t>(i)]) + ")";
      }
      for (int j = 2; j <= n_layers - 1; ++j) {
        const auto J = static_cast<std::size_t>(j);
        const auto& wj = w.weight(j);
        const Matrix<T> h = wj * detail::augmented_state(previous, x, j - 1);
        const Matrix<T> b = previous.v[J - 1] - previous.u[J - 1] / bet(j);
        Matrix<T> values;
        w.activation->evaluate(h, values, nullptr);
        const Matrix<T> d = bet(j) * (values - b);
        const T d_max = detail::max_abs(d);
        const T d_norm = d.norm();
        detail::grow(seen.delta, J, d_max);
        detail::grow(seen.eta, J, d_norm);
        if (declared && failure.empty() && (d_max > run.declared.delta[J] || d_norm > run.declared.eta[J]))
          failure = "delta_" + std::to_string(j) + " or eta_" + std::to_string(j) + " (||D_j||_max = " + detail::show(d_max) +
                    ", ||D_j|| = " + detail::show(d_norm) + ")";
      }
      const T e_norm = Matrix<T>(state.u[N - 1] + bet(n_layers) * (state.v[N - 1] - previous.v[N - 1])).norm();
      detail::grow(seen.eta, N, e_norm);
      if (declared && failure.empty() && e_norm > run.declared.eta[N])
        failure = "eta_N (||E|| = " + detail::show(e_norm) + " > " + detail::show(run.declared.eta[N]) + ")";
      for (int j = 1; j <= n_layers; ++j) {
        const auto J = static_cast<std::size_t>(j);
        detail::grow(seen.ups, J, T(state.u[J - 1].norm()));
        if (j < n_layers) detail::grow(seen.upsmax, J, detail::max_abs(state.u[J - 1]));
        if (declared && failure.empty() && j < n_layers &&
            (state.u[J - 1].norm() > run.declared.ups[J] || detail::max_abs(state.u[J - 1]) > run.declared.upsmax[J]))
          failure = "ups_" + std::to_string(j) + " (||U_j|| = " + detail::show(T(state.u[J - 1].norm())) + ")";
      }
      // P0 for the steps k-1 -> k: the curvature used against ell(max|B|) at Q^{k-1}.
      for (int i = 1; i <= n_layers - 1; ++i) {
        const auto I = static_cast<std::size_t>(i - 1);
        const T b_h = detail::max_abs(Matrix<T>(previous.v[I] - previous.u[I] / bet(i)));
        seen.b_max = std::max(seen.b_max, b_h);
        const T need_h = f.squared_loss_curvature(b_h);
        shortfall = std::max(shortfall, T(need_h - record.curvature_h[I]));
        seen.curvature_max = std::max(seen.curvature_max, record.curvature_h[I]);
        if (i <= n_layers - 2) {
          const T b_mu = detail::max_abs(Matrix<T>(previous.v[I + 1] - previous.u[I + 1] / bet(i + 1)));
          seen.b_max = std::max(seen.b_max, b_mu);
          const T need_mu = f.squared_loss_curvature(b_mu);
          shortfall = std::max(shortfall, T(need_mu - record.curvature_mu[I]));
          seen.curvature_max = std::max(seen.curvature_max, record.curvature_mu[I]);
        }
      }
      if (declared && failure.empty() && shortfall > 0)
        failure = "P0 (curvature below ell(max|B|) by " + detail::show(shortfall) + ")";
    }
    // Condition bounds of the systems of steps k-1 -> k: lambda I + s A A^T for the
    // weights, beta I + s M^T M for the states.
    T condition(1);
    if (record.iteration >= 1) {
      for (int i = 1; i <= n_layers; ++i) {
        const T a_norm = spectral_norm_bound<T>(detail::augmented_state(previous, x, i - 1));
        const T scale = i == n_layers ? bet(i) : T(bet(i) * record.curvature_h[static_cast<std::size_t>(i - 1)] / 2);
        if (run.options.lambda > 0) condition = std::max(condition, T((run.options.lambda + scale * a_norm * a_norm) / run.options.lambda));
      }
      for (int i = 1; i <= n_layers - 1; ++i) {
        const auto& wn = w.weight(i + 1);
        const T m_norm = spectral_norm_bound<T>(wn.leftCols(wn.cols() - 1));
        const T scale = i == n_layers - 1 ? bet(i + 1) : T(bet(i + 1) * record.curvature_mu[static_cast<std::size_t>(i - 1)] / 2);
        condition = std::max(condition, T(1 + scale * m_norm * m_norm / bet(i)));
      }
    }
    run.condition_bound.push_back(condition);
    run.curvature_shortfall.push_back(shortfall);
    run.certificate_failures.push_back(failure);
    previous = state;
  };

  const Result<T> result = train<T>(x, y, net, run.options, callback);
  if (result.status == Status::InvalidInput) throw std::invalid_argument(result.message);
  run.status = result.status;
  run.message = result.message;
  run.observed = seen;
  if (request.parameters != ParameterSet::Theory) run.declared = seen;
  run.derived = derive_constants(beta, run.options.lambda, f, run.declared);
  // Phi_1 <= Phihat is part of the certificate in theory mode.
  if (request.parameters == ParameterSet::Theory && run.records.size() > 1 && run.certificate_failures[1].empty() &&
      run.theory.phi_1 > run.theory.phi_hat)
    run.certificate_failures[1] = "Phi_1 > Phihat";
  return run;
}

// Returns `bounds` with every entry multiplied by `factor`.
template <class T>
BoundConstants<T> scaled(BoundConstants<T> bounds, const T& factor) {
  bounds.omega *= factor;
  for (auto* v : {&bounds.nu, &bounds.ups, &bounds.upsmax, &bounds.delta, &bounds.eta})
    for (auto& value : *v) value *= factor;
  bounds.b_max *= factor;
  return bounds;
}

}  // namespace detail

template <class T>
ConvergenceRun<T> run_for_checks(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                                 const Options<T>& base_options,
                                 const ConvergenceCheckRequest& request) {
  // Section 11, step 8: when a declared bound fails along the run, restart with every bound
  // raised to max(margin, 2) times the largest value observed, and certify the new run.
  constexpr int max_bound_restarts = 10;
  std::optional<BoundConstants<T>> minimum;
  for (int restart = 0;; ++restart) {
    ConvergenceRun<T> run = detail::single_run(x, y, net, base_options, request, minimum ? &*minimum : nullptr);
    const bool certified = std::all_of(run.certificate_failures.begin(), run.certificate_failures.end(),
                                       [](const std::string& failure) { return failure.empty(); });
    if (request.parameters != ParameterSet::Theory || certified || restart == max_bound_restarts) {
      run.theory.bound_restarts = restart;
      if (request.parameters == ParameterSet::Theory)
        run.theory.explanation.push_back("declared bounds raised after a failed certificate " + std::to_string(restart) +
                                         " time(s)");
      return run;
    }
    // A margin of 1 would restart with the violated values themselves; raise by at least 2.
    BoundConstants<T> next = detail::scaled(run.observed, T(std::max(request.margin, 2.0)));
    if (minimum) {
      next.omega = std::max(next.omega, minimum->omega);
      next.b_max = std::max(next.b_max, minimum->b_max);
      for (auto [target, source] : {std::pair{&next.nu, &minimum->nu}, std::pair{&next.ups, &minimum->ups},
                                    std::pair{&next.upsmax, &minimum->upsmax}, std::pair{&next.delta, &minimum->delta},
                                    std::pair{&next.eta, &minimum->eta}})
        detail::raise_to(*target, *source);
    }
    minimum = next;
  }
}

namespace detail {

template <class T>
std::string exact(const T& value) {
  return to_exact_string(value);
}

template <class T>
T lyapunov(const ConvergenceRun<T>& run, std::size_t k) {
  T phi = run.records[k].augmented_lagrangian;
  const auto& r = run.records[k];
  for (std::size_t j = 0; j < r.step_v_layer.size(); ++j) phi += run.derived.c[j + 1] * r.step_v_layer[j];
  return phi;
}

template <class T>
T primal_step(const IterationRecord<T>& r) {
  return r.step_w + r.step_v;
}

// Index of the last iterate up to which Assumption A held (all iterates 1 .. it).
template <class T>
std::size_t certified_until(const ConvergenceRun<T>& run) {
  for (std::size_t k = 1; k < run.certificate_failures.size(); ++k)
    if (!run.certificate_failures[k].empty()) return k - 1;
  return run.records.size() - 1;
}

template <class T>
std::string certificate_note(const ConvergenceRun<T>& run) {
  for (std::size_t k = 1; k < run.certificate_failures.size(); ++k)
    if (!run.certificate_failures[k].empty())
      return "Assumption A failed at iterate " + std::to_string(k) + ": " + run.certificate_failures[k] +
             "; the proved bounds are checked on iterates 1 .. " + std::to_string(k - 1);
  return {};
}

inline std::string failed_conditions(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "; ") + n;
  return out;
}

template <class T>
std::vector<std::string> condition_failures(const DerivedConstants<T>& d) {
  std::vector<std::string> failed;
  for (const auto& c : d.conditions)
    if (!c.holds())
      failed.push_back(c.name + ": " + show(c.lhs) + " < " + show(c.rhs) + " = " + c.terms);
  return failed;
}

template <class T>
Measurement measurement(const std::string& quantity, const T& measured, const T& bound, const T& tolerance,
                        const std::string& tolerance_source, bool counts = true) {
  Measurement m;
  m.quantity = quantity;
  m.measured = to_double(measured);
  m.measured_exact = to_exact_string(measured);
  m.bound = to_double(bound);
  m.tolerance = to_double(tolerance);
  m.tolerance_source = tolerance_source;
  decide(m);
  if (!counts) m.note = "reported, not a proved claim; does not enter the verdict";
  m.counts = counts;
  return m;
}

// Returns a check with its header fields set and the label "proved bound".
inline CheckResult new_check(const std::string& id, const std::string& name, const std::string& claim,
                             const std::string& source, const std::string& setting) {
  CheckResult c;
  c.id = id;
  c.name = name;
  c.claim = claim;
  c.source = source;
  c.label = "proved bound";
  c.setting = setting;
  return c;
}

// Least-squares slope of log(values) against log(k) over k in [first, last].
template <class T>
double loglog_slope(const std::vector<T>& values, std::size_t first, std::size_t last) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int count = 0;
  for (std::size_t k = first; k <= last; ++k) {
    const double v = to_double(values[k]);
    if (!(v > 0)) continue;
    const double lx = std::log(static_cast<double>(k));
    const double ly = std::log(v);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    ++count;
  }
  if (count < 2) return std::nan("");
  return (count * sxy - sx * sy) / (count * sxx - sx * sx);
}

}  // namespace detail

template <class T>
std::vector<CheckResult> convergence_checks(const ConvergenceRun<T>& run, const Matrix<T>& x, const Network<T>& net,
                                            const ConvergenceCheckRequest& request) {
  using detail::show;
  std::vector<CheckResult> out;
  const auto& rec = run.records;
  const std::size_t K = rec.size() - 1;  // last iterate
  const auto& d = run.derived;
  const bool theory = request.parameters == ParameterSet::Theory;
  const auto n_layers = static_cast<std::size_t>(net.layers());
  std::vector<T> beta = run.options.beta.size() == 1 ? std::vector<T>(n_layers, run.options.beta[0]) : run.options.beta;
  const std::vector<std::string> failed = detail::condition_failures(d);
  const std::size_t last_certified = detail::certified_until(run);
  const std::string certificate = detail::certificate_note(run);
  const int m_terms = detail::lagrangian_terms(net, x.cols());
  const T rel_tol = 2 * detail::gamma<T>(m_terms + 3);
  const std::string rel_tol_source =
      "2 gamma_(m+3) = " + show(rel_tol) + " relative to the sum of |terms|: two evaluations of L, each a sum of m = " +
      std::to_string(m_terms) + " terms of at most 3 roundings (unit roundoff " + show(unit_roundoff<T>()) + ")";
  auto want = [&](const std::string& name) { return request.which == "all" || request.which == name; };

  // Applicability of Theorems 1 to 3.
  std::string not_applicable;
  if (!failed.empty()) not_applicable = "penalty conditions not met: " + detail::failed_conditions(failed);
  if (K < 2) not_applicable += std::string(not_applicable.empty() ? "" : "; ") + "fewer than 2 iterations";
  const bool applicable = not_applicable.empty() && last_certified >= 2;
  if (not_applicable.empty() && last_certified < 2) not_applicable = certificate;

  if (want("descent")) {
    CheckResult c = detail::new_check("C1", "descent",
                                      "Phi_{k+1} <= Phi_k - a ||P^{k+1} - P^k||^2 for k >= 1, Phi_k = L(Q^k) + sum_j c_j ||V_j^k - V_j^{k-1}||^2",
                                      "proofs_notes/convergence.md, Theorem 1 (section 7); Lemmas 2 and 3 for inequality (1)", run.setting);

    // Theorem 1 on the certified range.
    std::optional<T> worst_phi, worst_l;
    std::size_t phi_increases = 0, l_increases = 0;
    for (std::size_t k = 1; k + 1 <= K; ++k) {
      const T phi_k = detail::lyapunov(run, k);
      const T phi_next = detail::lyapunov(run, k + 1);
      T scale = rec[k].lagrangian_magnitude + rec[k + 1].lagrangian_magnitude;
      for (std::size_t j = 0; j < n_layers; ++j)
        scale += d.c[j + 1] * (rec[k].step_v_layer[j] + rec[k + 1].step_v_layer[j]);
      const T excess = (phi_next - phi_k + d.a * detail::primal_step(rec[k + 1])) / scale;
      const T l_change = (rec[k + 1].augmented_lagrangian - rec[k].augmented_lagrangian) /
                         (rec[k].lagrangian_magnitude + rec[k + 1].lagrangian_magnitude);
      if (k + 1 <= last_certified || !theory) worst_phi = worst_phi ? std::max(*worst_phi, excess) : excess;
      worst_l = worst_l ? std::max(*worst_l, l_change) : l_change;
      if (phi_next - phi_k > rel_tol * scale) ++phi_increases;
      if (l_change > rel_tol) ++l_increases;
    }
    Measurement phi = detail::measurement<T>("max_k (Phi_{k+1} - Phi_k + a ||dP||^2) / (sum of |terms|)", worst_phi.value_or(T(0)), T(0),
                                             rel_tol, rel_tol_source, applicable);
    if (!applicable) {
      phi.verdict = Verdict::NotApplicable;
      phi.note = "Theorem 1 does not apply; measured with c_j, a from the constants observed along the run";
    }
    c.measurements.push_back(phi);
    c.measurements.push_back(detail::measurement<T>("max_k (L_{k+1} - L_k) / (sum of |terms|), the augmented Lagrangian", worst_l.value_or(T(0)),
                                                    T(0), rel_tol, rel_tol_source, false));

    // Inequality (1): holds for every k >= 0 where P0 held, whatever the penalties.
    std::optional<T> worst_block;
    std::size_t p0_failures = 0;
    for (std::size_t k = 0; k + 1 <= K; ++k) {
      if (run.curvature_shortfall[k + 1] > 0) {
        ++p0_failures;
        continue;
      }
      const auto& r = rec[k + 1];
      T predicted = r.step_w * run.options.lambda / 2;
      for (std::size_t j = 0; j < n_layers; ++j) {
        const T dj = j + 1 == n_layers ? T((1 + beta[j]) / 2) : T(beta[j] / 2);
        predicted += dj * r.step_v_layer[j] - r.step_u_layer[j] / beta[j];
      }
      const T scale = rec[k].lagrangian_magnitude + r.lagrangian_magnitude;
      const T excess = (r.augmented_lagrangian - rec[k].augmented_lagrangian + predicted) / scale;
      worst_block = worst_block ? std::max(*worst_block, excess) : excess;
    }
    Measurement block = detail::measurement<T>(
        "max_k (L_{k+1} - L_k + (lambda/2)||dW||^2 + sum d_j ||dV_j||^2 - sum ||dU_j||^2 / beta_j) / (sum of |terms|), inequality (1)",
        worst_block.value_or(T(0)), T(0), rel_tol, rel_tol_source);
    if (p0_failures == K) {
      block.verdict = Verdict::NotApplicable;
      block.note = "P0 (h, mu >= ell(max|B|)) failed in every iteration";
    } else if (p0_failures > 0) {
      block.note = "skipped " + std::to_string(p0_failures) + " of " + std::to_string(K) + " iterations where P0 failed";
    }
    c.measurements.push_back(block);

    // Lemma 6 and Lemma 7 on the certified range.
    if (applicable) {
      std::optional<T> worst_lower, worst_weight;
      for (std::size_t k = 1; k <= last_certified && k < K; ++k) {
        const T phi_k = detail::lyapunov(run, k);
        const T scale = rec[k].lagrangian_magnitude;
        const T lower = (run.options.lambda / 2 * run.weights_squared[k] + run.residual_squared[k] / 4 - phi_k) / scale;
        worst_lower = worst_lower ? std::max(*worst_lower, lower) : lower;
        const T weight = (run.options.lambda / 2 * run.weights_squared[k + 1] - phi_k) / scale;
        worst_weight = worst_weight ? std::max(*worst_weight, weight) : weight;
      }
      c.measurements.push_back(detail::measurement<T>("max_k ((lambda/2) sum ||W^k||^2 + ||V_N^k - Y||^2 / 4 - Phi_k) / (sum of |terms|), Lemma 6",
                                                      worst_lower.value_or(T(0)), T(0), rel_tol, rel_tol_source));
      c.measurements.push_back(detail::measurement<T>("max_k ((lambda/2) sum ||W^{k+1}||^2 - Phi_k) / (sum of |terms|), Lemma 7",
                                                      worst_weight.value_or(T(0)), T(0), rel_tol, rel_tol_source));
    }
    c.findings.push_back("Phi increased beyond rounding in " + std::to_string(phi_increases) + " of " + std::to_string(K > 0 ? K - 1 : 0) +
                         " iterations; L in " + std::to_string(l_increases));
    c.findings.push_back(std::string(l_increases == 0 ? "L is monotone on this run" : "L is not monotone on this run") + "; " +
                         (phi_increases == 0 ? "Phi is monotone" : "Phi is not monotone"));
    if (p0_failures > 0) c.findings.push_back("the descent rule P0 failed in " + std::to_string(p0_failures) + " of " + std::to_string(K) + " iterations");
    const T condition = *std::max_element(run.condition_bound.begin(), run.condition_bound.end());
    c.findings.push_back("largest condition bound of the factorised systems " + show(condition) + ", times the unit roundoff " +
                         show(T(condition * unit_roundoff<T>())) +
                         (condition * unit_roundoff<T>() > T(1) / 1000000
                              ? ": the steps carry relative errors up to that size, which these tolerances do not cover; "
                                "a FAIL here may be rounding (rerun with --precision float128)"
                              : ""));
    if (!certificate.empty()) c.findings.push_back(certificate);
    c.verdict = combine(c.measurements);
    if (!applicable) {
      // Inequality (1) needs only the descent rule, so its FAIL stands even where
      // Theorem 1 does not apply.
      c.reason = not_applicable;
      if (c.verdict == Verdict::Pass) c.verdict = Verdict::NotApplicable;
    }
    out.push_back(c);
  }

  // Running minima for the rate.
  std::vector<T> min_p(K + 1, T(0)), min_q(K + 1, T(0)), min_r2(K + 1, T(0));
  for (std::size_t k = 1; k + 1 <= K; ++k) {
    const T p = detail::primal_step(rec[k + 1]);
    const T q = rec[k + 1].step_squared;
    const T r2 = rec[k + 1].kkt_residual * rec[k + 1].kkt_residual;
    min_p[k] = k == 1 ? p : std::min(min_p[k - 1], p);
    min_q[k] = k == 1 ? q : std::min(min_q[k - 1], q);
    min_r2[k] = k == 1 ? r2 : std::min(min_r2[k - 1], r2);
  }
  const T phi_1 = K >= 1 ? detail::lyapunov(run, 1) : T(0);
  const T c_p = phi_1 / d.a;
  const T dp1 = K >= 1 ? detail::primal_step(rec[1]) : T(0);
  const T c_q = 2 * (1 + d.beta_max * d.theta_q) * (phi_1 + d.a / 2 * dp1) / d.a;
  const T c_r = 2 * (d.k_x * d.k_x + d.k_y * d.k_y) * c_q + 2 * d.k_y * d.k_y * (K >= 1 ? rec[1].step_squared : T(0));

  if (want("rate")) {
    CheckResult c = detail::new_check("C2", "rate",
                                      "k min_{1<=t<=k} ||P^{t+1}-P^t||^2 <= C_P, k min ||Q^{t+1}-Q^t||^2 <= C_Q and k min r_{t+1}^2 <= C_r",
                                      "proofs_notes/convergence.md, Theorem 2 (section 8) and Theorem 3 (section 9)", run.setting);
    const std::size_t last = theory ? std::min(last_certified, K) : K;
    T worst_p(0), worst_q(0), worst_r(0);
    for (std::size_t k = 1; k + 1 <= last; ++k) {
      const T kk(static_cast<int>(k));
      worst_p = std::max(worst_p, T(kk * min_p[k] / c_p));
      worst_q = std::max(worst_q, T(kk * min_q[k] / c_q));
      worst_r = std::max(worst_r, T(kk * min_r2[k] / c_r));
    }
    for (auto [name, value, bound] : {std::tuple{"max_k k min ||dP||^2 / C_P, C_P = Phi_1 / a = " + show(c_p), worst_p, T(1)},
                                      std::tuple{"max_k k min ||dQ||^2 / C_Q, C_Q = " + show(c_q), worst_q, T(1)},
                                      std::tuple{"max_k k min r^2 / C_r, C_r = " + show(c_r), worst_r, T(1)}}) {
      Measurement m = detail::measurement<T>(name, value, bound, rel_tol, "ratio of computed sums; " + rel_tol_source, applicable);
      if (!applicable) m.verdict = Verdict::NotApplicable;
      c.measurements.push_back(m);
    }
    if (K >= 20) {
      const std::size_t first = std::max<std::size_t>(1, (K - 1) / 10);
      const double slope = detail::loglog_slope(min_q, first, K - 1);
      Measurement m;
      m.quantity = "log-log slope of min_{t<=k} ||dQ||^2 over k in [" + std::to_string(first) + ", " + std::to_string(K - 1) + "]";
      m.measured = slope;
      m.measured_exact = std::to_string(slope);
      m.bound = -1;
      m.tolerance = 0;
      m.tolerance_source = "none: Theorem 2 bounds the running minimum by C/k but not its slope, so this is an empirical measurement";
      decide(m);
      m.counts = false;
      m.note = "reported, not a proved claim; does not enter the verdict";
      c.measurements.push_back(m);
    }
    c.findings.push_back("k min ||dQ||^2 at the last iterate: " + show(T(T(static_cast<int>(K - 1)) * min_q[K > 1 ? K - 1 : 0])) +
                         "; min ||dQ||^2 = " + show(min_q[K > 1 ? K - 1 : 0]));
    if (!certificate.empty()) c.findings.push_back(certificate);
    c.verdict = combine(c.measurements);
    if (!applicable) {
      c.reason = not_applicable;
      c.verdict = Verdict::NotApplicable;
    }
    out.push_back(c);
  }

  if (want("kkt")) {
    CheckResult c = detail::new_check("C3", "kkt",
                                      "r_{k+1} <= K_x ||Q^{k+1}-Q^k|| + K_y ||Q^k-Q^{k-1}||, so r_k -> 0 and every limit point is a KKT point",
                                      "proofs_notes/convergence.md, Theorem 3 (section 9)", run.setting);
    using std::sqrt;
    T worst(0);
    const std::size_t last = theory ? std::min(last_certified, K) : K;
    for (std::size_t k = 1; k + 1 <= last; ++k) {
      const T bound = d.k_x * sqrt(rec[k + 1].step_squared) + d.k_y * sqrt(rec[k].step_squared) + run.kkt_rounding[k + 1];
      worst = std::max(worst, T(rec[k + 1].kkt_residual / bound));
    }
    Measurement m = detail::measurement<T>("max_k r_{k+1} / (K_x ||dQ^{k+1}|| + K_y ||dQ^k|| + rounding bound), K_x = " +
                                               show(d.k_x) + ", K_y = " + show(d.k_y),
                                           worst, T(1), T(0),
                                           "the rounding bound of r is added to the denominator: gamma_m times the sum of the "
                                           "norms of the terms of each gradient and violation, m = max(n, d + 1) + 2",
                                           applicable);
    if (!applicable) m.verdict = Verdict::NotApplicable;
    c.measurements.push_back(m);

    T r_min = rec[1].kkt_residual;
    std::size_t k_min = 1;
    for (std::size_t k = 1; k <= K; ++k)
      if (rec[k].kkt_residual < r_min) {
        r_min = rec[k].kkt_residual;
        k_min = k;
      }
    c.findings.push_back("KKT residual r: " + show(rec[1].kkt_residual) + " at k=1, " + show(rec[K].kkt_residual) + " at k=" +
                         std::to_string(K) + ", smallest " + show(r_min) + " at k=" + std::to_string(k_min));
    c.findings.push_back("parts at k=" + std::to_string(K) + ": stationarity in W " + show(rec[K].kkt_stationarity_w) +
                         ", in V " + show(rec[K].kkt_stationarity_v) + ", feasibility " + show(rec[K].kkt_feasibility));
    c.findings.push_back("rounding bound of r at k=" + std::to_string(K) + ": " + show(run.kkt_rounding[K]) + " (" +
                         scalar_name<T>() + ")");
    if (!certificate.empty()) c.findings.push_back(certificate);
    c.verdict = combine(c.measurements);
    if (!applicable) {
      c.reason = not_applicable;
      c.verdict = Verdict::NotApplicable;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace deepadmm::checks

#define DEEPADMM_INSTANTIATE_CHECKS(T)                                                                     \
  template T deepadmm::checks::spectral_norm_bound<T>(const deepadmm::Matrix<T>&);                               \
  template std::string deepadmm::checks::theory_assumption_violation<T>(const deepadmm::Network<T>&, const T&); \
  template deepadmm::checks::DerivedConstants<T> deepadmm::checks::derive_constants<T>(                    \
      const std::vector<T>&, const T&, const deepadmm::ActivationConstants<T>&,                            \
      const deepadmm::checks::BoundConstants<T>&);                                                         \
  template struct deepadmm::checks::DerivedConstants<T>;                                                   \
  template deepadmm::checks::TheoryParameters<T> deepadmm::checks::compute_theory_parameters<T>(           \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&, const T&,      \
      const T&, deepadmm::checks::BoundMode, const deepadmm::checks::BoundConstants<T>*);                                                              \
  template deepadmm::checks::ConvergenceRun<T> deepadmm::checks::run_for_checks<T>(                       \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&,                \
      const deepadmm::Options<T>&, const deepadmm::checks::ConvergenceCheckRequest&);                      \
  template std::vector<deepadmm::checks::CheckResult> deepadmm::checks::convergence_checks<T>(            \
      const deepadmm::checks::ConvergenceRun<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&, \
      const deepadmm::checks::ConvergenceCheckRequest&);
