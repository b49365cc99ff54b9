// Checks of the convergence claims C1 (descent), C2 (rate O(1/k)) and C3 (KKT) on one run
// of the solver, against the bounds derived in proofs_notes/convergence.md.
#pragma once

#include "check_result.hpp"
#include "theory_parameters.hpp"

#include "solver/admm.hpp"

#include <string>
#include <vector>

namespace deepadmm::checks {

enum class ParameterSet {
  Theory,     // penalties and curvature from compute_theory_parameters
  Reference,  // the options as given (the authors' beta = 1, h = mu = max|B| by default)
};

struct ConvergenceCheckRequest {
  std::string which = "all";  // descent, rate, kkt or all
  ParameterSet parameters = ParameterSet::Theory;
  BoundMode bound_mode = BoundMode::Measured;
  double margin = 2;
};

// Everything a run of the checks measured, for the checks, the tests and the JSON output.
template <class T>
struct ConvergenceRun {
  Options<T> options;
  TheoryParameters<T> theory;  // filled for ParameterSet::Theory
  BoundConstants<T> declared;  // the bounds the theorems assume
  BoundConstants<T> observed;  // the largest values measured along the run
  DerivedConstants<T> derived; // from `declared` and the penalties of the run
  std::vector<IterationRecord<T>> records;  // Q^0, Q^1, ...
  // Per iterate k: the first bound of Assumption A that failed there, or empty.
  std::vector<std::string> certificate_failures;
  // Per iterate k >= 1: the largest ell(max|B|) - (h or mu) over the steps that led to Q^k;
  // positive where the descent rule P0 failed.
  std::vector<T> curvature_shortfall;
  std::vector<T> weights_squared;   // per iterate: sum_j ||W_j||^2
  std::vector<T> residual_squared;  // per iterate: ||V_N - Y||^2
  // Per iterate: a bound of the rounding error of the computed KKT residual,
  // gamma_m times the sum of the norms of the terms its gradients and violations add up.
  std::vector<T> kkt_rounding;
  // Per iterate k >= 1: an upper bound of the largest condition number of the systems the
  // steps k-1 -> k factorised (lambda_max bounded by Gershgorin, lambda_min from the
  // identity term). Rounding errors of a step grow with it.
  std::vector<T> condition_bound;
  Status status = Status::MaxIterations;
  std::string message;
  std::string setting;
};

// Runs the solver from `net` and measures what the checks need. Throws
// std::invalid_argument when the theory parameters are requested for a problem outside
// the theory.
template <class T>
ConvergenceRun<T> run_for_checks(const Matrix<T>& x, const Matrix<T>& y, const Network<T>& net,
                                 const Options<T>& base_options,
                                 const ConvergenceCheckRequest& request);

// Evaluates the requested checks on a run.
template <class T>
std::vector<CheckResult> convergence_checks(const ConvergenceRun<T>& run, const Matrix<T>& x,
                                            const Network<T>& net,
                                            const ConvergenceCheckRequest& request);

}  // namespace deepadmm::checks
