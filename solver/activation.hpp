// Activation functions as policy types, and the run-time interface the solver calls.
//
// A policy is a struct with
//   static constexpr const char* name;
//   template <class T> static T value(const T& z);        f(z)
//   template <class T> static T derivative(const T& z);   f'(z)
//   template <class T> static T second_derivative(const T& z);  f''(z)
//   template <class T> static ActivationConstants<T> constants();
// and optionally
//   template <class T> static void value_and_derivative(const T& z, T& f, T& df);
// when both can share work (the solver evaluates them together), and
//   static void evaluate_matrix(const Matrix<double>& z, Matrix<double>& f, Matrix<double>* df);
// which replaces the entrywise loop of evaluate for double.
// Each function must be accurate over the whole real line in every scalar type (no
// overflow in the tails). The declared constants are what the convergence theory reads.
#pragma once

#include "scalar.hpp"

#include <memory>
#include <string>

namespace deepadmm {

// Bounds of an activation f and its derivatives over the real line. An unbounded quantity
// is +infinity. Each supremum comes with a point where it is attained (or +-infinity when
// it is only approached in a limit).
template <class T>
struct ActivationConstants {
  T range_lower;          // inf f
  T range_upper;          // sup f
  T sup_abs_value;        // sup |f|
  T sup_abs_derivative;   // sup |f'|, the Lipschitz constant of f
  T argsup_derivative;    // a point z with |f'(z)| = sup |f'|
  T sup_abs_second;       // sup |f''|, the Lipschitz constant of f'
  T argsup_second;        // a point z with |f''(z)| = sup |f''|
  bool smooth = true;     // f is twice continuously differentiable everywhere

  bool bounded() const { return is_finite(sup_abs_value); }
  bool lipschitz() const { return is_finite(sup_abs_derivative); }
  bool lipschitz_derivative() const { return smooth && is_finite(sup_abs_second); }

  // Upper bound of |g''| for g(z) = (1/2)(f(z) - b)^2 over all z, given |b| <= b_max:
  //   g'' = f'^2 + (f - b) f''  so  |g''| <= sup|f'|^2 + (sup|f| + b_max) sup|f''|.
  // Infinite when f or f'' is unbounded.
  T squared_loss_curvature(const T& b_max) const {
    return sup_abs_derivative * sup_abs_derivative + (sup_abs_value + b_max) * sup_abs_second;
  }
};

// Run-time interface of an activation in scalar type T. The solver evaluates whole
// matrices through it, so the virtual call costs once per matrix, not per entry.
template <class T>
class Activation {
 public:
  virtual ~Activation() = default;
  virtual std::string name() const = 0;
  virtual T value(const T& z) const = 0;
  virtual T derivative(const T& z) const = 0;
  virtual T second_derivative(const T& z) const = 0;
  virtual ActivationConstants<T> constants() const = 0;

  // Writes f(Z) to `values` and, when `derivatives` is not null, f'(Z) to it.
  virtual void evaluate(const Matrix<T>& z, Matrix<T>& values, Matrix<T>* derivatives) const = 0;
};

// Adapts a policy type to the run-time interface.
template <class Policy, class T>
class ActivationModel final : public Activation<T> {
 public:
  std::string name() const override { return Policy::name; }
  T value(const T& z) const override { return Policy::value(z); }
  T derivative(const T& z) const override { return Policy::derivative(z); }
  T second_derivative(const T& z) const override { return Policy::second_derivative(z); }
  ActivationConstants<T> constants() const override { return Policy::template constants<T>(); }

  void evaluate(const Matrix<T>& z, Matrix<T>& values, Matrix<T>* derivatives) const override {
    if constexpr (requires { Policy::evaluate_matrix(z, values, derivatives); }) {
      Policy::evaluate_matrix(z, values, derivatives);
      return;
    }
    values.resize(z.rows(), z.cols());
    const Eigen::Index size = z.size();
    const T* in = z.data();
    T* out = values.data();
    if (derivatives == nullptr) {
      for (Eigen::Index k = 0; k < size; ++k) out[k] = Policy::value(in[k]);
      return;
    }
    derivatives->resize(z.rows(), z.cols());
    T* slope = derivatives->data();
    if constexpr (requires(const T& x, T& v, T& d) { Policy::value_and_derivative(x, v, d); }) {
      for (Eigen::Index k = 0; k < size; ++k) Policy::value_and_derivative(in[k], out[k], slope[k]);
    } else {
      for (Eigen::Index k = 0; k < size; ++k) {
        out[k] = Policy::value(in[k]);
        slope[k] = Policy::derivative(in[k]);
      }
    }
  }
};

}  // namespace deepadmm
