// ADMM for least-squares training of a network with a smooth activation (Zeng, Lin, Yao and
// Zhou, "On ADMM in Deep Learning: Convergence and Saturation-Avoidance", JMLR 22(199),
// 2021). The problem, the augmented Lagrangian and the update order are written out in
// proofs_notes/updates.md.
#pragma once

#include "network.hpp"
#include "scalar.hpp"

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace deepadmm {

// Rule that sets the curvature parameters h (hidden weight steps) and mu (hidden state steps)
// in each iteration. B denotes the target of the linearised term of that step.
enum class CurvatureRule {
  Reference,   // h = mu = max|B|, as in the authors' MATLAB code
  Majorising,  // h = mu = 2 (sup|f'|^2 + (sup|f| + max|B|) sup|f''|), so that the
               // linearised term is majorised; needs a bounded f with bounded f''
  Fixed,       // h = mu = Options::fixed_curvature
};

std::string curvature_rule_name(CurvatureRule rule);
// Throws std::invalid_argument naming the known rules.
CurvatureRule parse_curvature_rule(const std::string& name);

template <class T>
struct Options {
  // Penalties beta_1 .. beta_N: one value for every layer, or exactly N values.
  // Each must be positive.
  std::vector<T> beta = {T(1)};
  // Weight of (lambda/2) sum_i ||W_i||^2, bias columns included. lambda >= 0; with
  // lambda = 0 the weight systems can be singular.
  T lambda = T(1) / 1000000;
  CurvatureRule curvature = CurvatureRule::Reference;
  // Used when curvature == Fixed; must then be positive.
  T fixed_curvature = T(1);

  // Stop after this many iterations (>= 0).
  int max_iterations = 30;
  // Converged when the KKT residual r_k <= kkt_tolerance. 0 disables the rule.
  T kkt_tolerance = T(0);
  // Converged when |L_k - L_{k-1}| <= relative_change_tolerance * |L_{k-1}|, with L the
  // augmented Lagrangian. 0 disables the rule.
  T relative_change_tolerance = T(0);
  // Stop when the accumulated wall time exceeds this many seconds. Infinite disables it.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  // Compute the KKT residual every kkt_every iterations (and at the last one); 0 never.
  // Skipping it saves products but never changes the iterates.
  int kkt_every = 1;
  // Reuse f(W_i [V_{i-1}; 1^T]) and its slopes from the previous iteration's state steps
  // in the weight steps. The reused values are bit-identical to recomputed ones; false
  // recomputes them (for tests that compare the two).
  bool reuse_products = true;

  // Returns true when every field is valid; otherwise writes a message that names the
  // first invalid field, its value and the constraint it breaks.
  bool validate(int layers, std::string* message) const;
};

enum class Status {
  Converged,         // a convergence rule was met
  MaxIterations,     // max_iterations reached without meeting a convergence rule
  TimeLimit,         // time_limit_seconds exceeded
  NonFinite,         // an iterate became NaN or infinite
  NumericalFailure,  // a Cholesky factorisation failed (system not positive definite)
  InvalidInput,      // options, data or network rejected before the first iteration
};

std::string status_name(Status status);

// Measurements at one iterate. Quantities that were not computed hold -1, which no
// computed norm or error can take.
template <class T>
struct IterationRecord {
  int iteration = 0;  // k: the record describes Q^k; 0 is the start
  T augmented_lagrangian = T(-1);
  // L after the primal steps of iteration k, before the multiplier step; -1 at k = 0.
  T augmented_lagrangian_before_multipliers = T(-1);
  // Sum of the absolute values of the terms that L adds up (objective, |<U_i, c_i>|
  // entrywise, (beta_i/2)||c_i||^2): the scale of the rounding error of L.
  T lagrangian_magnitude = T(-1);
  T objective = T(-1);        // (1/2)||V_N - Y||^2 + (lambda/2) sum ||W_i||^2
  T training_error = T(-1);   // ||f(X) - Y||^2 / n, plain forward network at W^k
  T primal_residual = T(-1);  // sqrt(sum_i ||constraint_i||^2)
  T kkt_stationarity_w = T(-1);  // sum_i ||grad_{W_i} L0||, L0 the ordinary Lagrangian
  T kkt_stationarity_v = T(-1);  // sum_i ||grad_{V_i} L0||, i = 1 .. N
  T kkt_feasibility = T(-1);     // sum_i ||constraint_i||
  T kkt_residual = T(-1);        // the sum of the three parts above
  T step_w = T(-1);  // sum_i ||W_i^k - W_i^{k-1}||^2
  T step_v = T(-1);  // sum_i ||V_i^k - V_i^{k-1}||^2, i = 1 .. N
  T step_u = T(-1);  // sum_i ||U_i^k - U_i^{k-1}||^2
  T step_squared = T(-1);  // ||Q^k - Q^{k-1}||^2 = step_w + step_v + step_u
  // The same per layer, index i-1 for layer i (empty at k = 0).
  std::vector<T> step_w_layer, step_v_layer, step_u_layer;
  std::vector<T> curvature_h;   // h_i used for W_i, i = 1 .. N-1 (index i-1)
  std::vector<T> curvature_mu;  // mu_i used for V_i, i = 1 .. N-2 (index i-1)
  double wall_seconds = 0;      // time since the start of the run
};

// The ADMM variables Q = (W, V, U).
template <class T>
struct AdmmState {
  Network<T> network;           // W_1 .. W_N
  std::vector<Matrix<T>> v;     // V_1 .. V_N at index 0 .. N-1
  std::vector<Matrix<T>> u;     // U_1 .. U_N at index 0 .. N-1
};

template <class T>
struct Result {
  Status status = Status::InvalidInput;
  std::string message;
  IterationRecord<T> initial;                // the start Q^0
  std::vector<IterationRecord<T>> records;   // Q^1, Q^2, ...
  AdmmState<T> state;                        // the last iterate
};

// Called with the start record and then after every iteration with its record and the
// iterate it describes.
template <class T>
using IterationCallback = std::function<void(const IterationRecord<T>&, const AdmmState<T>&)>;

// Returns an empty string when X (d_0 x n), Y (d_N x n), the network and the options fit
// together and contain only finite values. Otherwise returns a message naming the first
// problem.
template <class T>
std::string validate_problem(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                             const Options<T>& options);

// Returns the start Q^0: the weights of `net`, V by a forward pass of X, U = 0.
template <class T>
AdmmState<T> initial_state(const Matrix<T>& x, Network<T> net);

// Recomputes the augmented Lagrangian at `state` from scratch.
template <class T>
T augmented_lagrangian(const AdmmState<T>& state, const Matrix<T>& x, const Matrix<T>& y,
                       const Options<T>& options);

// Fills the objective, training error, augmented Lagrangian, primal residual and KKT
// fields of `record` by recomputing every quantity at `state`.
template <class T>
void measure_state(const AdmmState<T>& state, const Matrix<T>& x, const Matrix<T>& y,
                   const Options<T>& options, IterationRecord<T>& record);

// The closed-form block updates. Each returns false when its Cholesky factorisation fails.
// A denotes an augmented state [V; 1^T]; B the target V - U/beta of a linearised term.

// W_N = (beta V_N - U_N) A^T (lambda I + beta A A^T)^{-1}, with A = [V_{N-1}; 1^T].
template <class T>
bool output_weight_update(const Matrix<T>& a, const Matrix<T>& v_out, const Matrix<T>& u_out,
                          const T& beta, const T& lambda, Matrix<T>& w);

// W_i = beta (h/2 Z - G) A^T (lambda I + beta (h/2) A A^T)^{-1}, with Z = W_i^k A and
// G = (f(Z) - B) .* f'(Z), A = [V_{i-1}; 1^T].
template <class T>
bool hidden_weight_update(const Matrix<T>& w_old, const Matrix<T>& a, const Matrix<T>& b,
                          const T& beta, const T& lambda, const T& h,
                          const Activation<T>& activation, Matrix<T>& w);

// V_i = (beta_i I + beta_{i+1} (mu/2) M^T M)^{-1} (beta_i C + beta_{i+1} M^T (mu/2 T - G)),
// with W_{i+1} = [M b], T = M V_i^k, G = (f(T + b 1^T) - B_{i+1}) .* f'(T + b 1^T).
template <class T>
bool hidden_state_update(const Matrix<T>& c, const Matrix<T>& v_old, const Matrix<T>& w_next,
                         const Matrix<T>& b_next, const T& beta, const T& beta_next,
                         const T& mu, const Activation<T>& activation, Matrix<T>& v);

// V_{N-1} = (beta_{N-1} I + beta_N M^T M)^{-1}
//           (U_{N-1} + beta_{N-1} S - M^T (U_N - beta_N (V_N - b 1^T))),
// with W_N = [M b] and S = f(W_{N-1} [V_{N-2}; 1^T]) at the new iterate.
template <class T>
bool last_hidden_state_update(const Matrix<T>& s, const Matrix<T>& u, const Matrix<T>& w_out,
                              const Matrix<T>& v_out, const Matrix<T>& u_out, const T& beta,
                              const T& beta_out, Matrix<T>& v);

// V_N = (Y + U_N + beta_N P) / (1 + beta_N), with P = W_N [V_{N-1}; 1^T].
template <class T>
void output_state_update(const Matrix<T>& y, const Matrix<T>& u_out, const Matrix<T>& p,
                         const T& beta_out, Matrix<T>& v_out);

// Returns the curvature parameter (h or mu) that `rule` gives for a step whose linearised
// target B has max|B| = b_max.
template <class T>
T curvature_parameter(CurvatureRule rule, const T& b_max, const ActivationConstants<T>& c,
                      const T& fixed);

// Runs the iteration from `state` one step at a time. Owns the workspaces that the
// iterations reuse.
template <class T>
class AdmmSolver {
 public:
  // Throws std::invalid_argument with the validate_problem message on bad input.
  AdmmSolver(Matrix<T> x, Matrix<T> y, Network<T> net, Options<T> options);

  // Performs iteration k -> k+1 and measures Q^{k+1} into `record`. Returns false when
  // the iterates became non-finite or a factorisation failed, with the status in
  // `failure` and a message naming the iteration and the step.
  bool step(IterationRecord<T>& record, Status* failure, std::string* message);

  // Measures the current iterate without stepping (used for the start).
  void measure(IterationRecord<T>& record) const;

  const AdmmState<T>& state() const { return state_; }
  const Options<T>& options() const { return options_; }
  int iteration() const { return iteration_; }

 private:
  void refresh_augmented(int i);

  Matrix<T> x_;
  Matrix<T> y_;
  Options<T> options_;
  AdmmState<T> state_;
  std::vector<T> beta_;             // beta_i at index i - 1
  std::vector<Matrix<T>> augmented_;  // [V_i; 1^T] at index i, i = 0 .. N-1 (0 is [X; 1^T])
  ActivationConstants<T> constants_;
  int iteration_ = 0;
  // Z_i = W_i [V_{i-1}; 1^T], f(Z_i) and f'(Z_i) at the current iterate, i = 1 .. N-1,
  // valid after the first step.
  std::vector<Matrix<T>> cached_pre_activation_, cached_values_, cached_slopes_;
  bool cache_valid_ = false;
};

// Runs ADMM from the network's weights until a stopping rule is met. An invalid problem
// returns status InvalidInput with the validate_problem message instead of throwing.
template <class T>
Result<T> train(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                const Options<T>& options, const IterationCallback<T>& callback = {});

}  // namespace deepadmm
