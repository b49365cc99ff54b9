// Penalties, curvatures and the constants of the convergence theory in
// proofs_notes/convergence.md (sections 6 to 11).
#pragma once

#include "solver/admm.hpp"
#include "solver/network.hpp"

#include <string>
#include <vector>

namespace deepadmm::checks {

// Source of the declared bound constants of Assumption A (section 11 of the notes).
enum class BoundMode {
  Measured,   // Omega from m times the start weights, capped by the certified value
  Certified,  // Omega^2 = 2 Phihat / lambda, which Lemma 7 proves
};

// Upper bounds of the iterates (Assumption A). Vectors are indexed by layer: entry j
// belongs to layer j (index 0 of nu is the input X~; unused entries are 0).
template <class T>
struct BoundConstants {
  T omega = T(0);          // ||M_j||_2, j >= 2
  std::vector<T> nu;       // ||V~_i||_2, i = 0 .. N-1
  std::vector<T> ups;      // ||U_j||, j = 1 .. N
  std::vector<T> upsmax;   // ||U_j||_max, j = 1 .. N-1
  std::vector<T> delta;    // ||D_j||_max, j = 2 .. N-1
  std::vector<T> eta;      // ||D_j|| for j = 2 .. N-1, and ||E|| at j = N
  T curvature_max = T(0);  // hbar = mubar: the largest h or mu of the run
  T b_max = T(0);          // max|B| over the targets B of the linearised steps
};

// One penalty condition of section 7: lhs >= rhs is required.
template <class T>
struct Condition {
  std::string name;  // "P1", "P2", "P3 (i = 1)"
  T lhs = T(0);
  T rhs = T(0);
  std::string terms;  // the terms of rhs, in words
  bool holds() const { return lhs >= rhs; }
};

// Constants derived from the penalties and the bounds (sections 6 to 9).
template <class T>
struct DerivedConstants {
  std::vector<T> p, q, q_prime, s;  // Lemma 5, entry i for i = 1 .. N-2
  std::vector<T> c, alpha, eps;     // section 7, entry j for j = 1 .. N
  T a = T(0);                       // descent constant
  T beta_max = T(0);
  T theta_q = T(0);
  T a_q = T(0);
  T k_x = T(0);  // Theorem 3
  T k_y = T(0);
  std::vector<Condition<T>> conditions;  // P1, P2, P3 for each i
  bool conditions_hold() const;
};

template <class T>
struct TheoryParameters {
  T lambda = T(0);
  T margin = T(2);
  BoundMode mode = BoundMode::Measured;
  T b_bar = T(0);      // declared bound of max|B|
  T curvature = T(0);  // h_i = mu_i = 2 ell(b_bar), fixed for the run
  std::vector<T> beta; // beta_j at index j-1
  BoundConstants<T> bounds;
  DerivedConstants<T> derived;
  T lagrangian_start = T(0);  // L(Q^0)
  T phi_hat = T(0);           // the declared bound of Phi_1
  T phi_1 = T(0);             // Phi_1 measured after the first iteration
  int restarts = 0;        // restarts of the Phi_1 loop
  int bound_restarts = 0;  // restarts because a declared bound failed along a run
  std::vector<std::string> explanation;  // which condition set each value
};

// Returns the reason why `activation` or the problem falls outside the convergence theory
// (an unbounded activation or second derivative, lambda <= 0, fewer than two weight
// layers), or an empty string when the theory applies.
template <class T>
std::string theory_assumption_violation(const Network<T>& net, const T& lambda);

// Derives c, alpha, eps, a, K_x, K_y and the conditions P1 to P3 for given penalties.
template <class T>
DerivedConstants<T> derive_constants(const std::vector<T>& beta, const T& lambda,
                                     const ActivationConstants<T>& f,
                                     const BoundConstants<T>& bounds);

// Chooses penalties and curvatures that satisfy P0 to P3 with the given margin, by the
// algorithm of section 11, including the restart loop that confirms the guess of Phi_1.
// Throws std::invalid_argument naming the violated assumption when the theory does not
// apply, and std::runtime_error when the restart loop does not settle.
//
// `minimum`, when given, raises each declared bound to at least its entry (a zero entry
// leaves the heuristic value); Omega is never raised above its certified value. The checks
// use it to restart with bounds that a previous run exceeded.
template <class T>
TheoryParameters<T> compute_theory_parameters(const Matrix<T>& x, const Matrix<T>& y,
                                              const Network<T>& net, const T& lambda,
                                              const T& margin, BoundMode mode,
                                              const BoundConstants<T>* minimum = nullptr);

// Returns an upper bound of the spectral norm ||M||_2: the smaller of the Frobenius norm
// and the square root of the Gershgorin bound max_i sum_j |G_ij| of the Gram matrix G
// (M M^T or M^T M, whichever is smaller). An eigenvalue solver is not used because Boost
// 1.74's Eigen traits for multiprecision types lack the members it needs.
template <class T>
T spectral_norm_bound(const Matrix<T>& m);

}  // namespace deepadmm::checks
