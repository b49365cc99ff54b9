// Dense products, Gram matrices and Cholesky solves for the solver's scalar types.
//
// double and float128 go through Eigen. Eigen's generic product and triangular-solve
// kernels create a temporary mpfr_real for every multiply and add, and each temporary
// allocates and frees its limbs. For mpfr_real these functions therefore work on the raw
// mpfr_t values in place, with one mpfr_mul into a preallocated value and one mpfr_add per
// term and no allocation inside the loops. Each term is rounded twice, as in Eigen, but the summation
// order differs from Eigen's blocked kernels. mpfr_fma rounds once but took 44 ns per term
// against 30 ns for mpfr_mul plus mpfr_add, measured on a standalone dot product of 2000
// terms at 170 bits (MPFR 4.2.0, 2.6 GHz AMD EPYC).
#pragma once

#include "scalar.hpp"

#include <mpfr.h>

#include <type_traits>

namespace deepadmm::detail {

template <class T>
inline constexpr bool uses_mpfr_kernels = std::is_same_v<T, mpfr_real>;

// dst = lhs * rhs. The operands must be lvalue expressions (matrices, blocks, transposes
// of them), because the mpfr_real kernel reads their coefficients by reference.
template <class T, class Lhs, class Rhs>
void multiply(Matrix<T>& dst, const Eigen::MatrixBase<Lhs>& lhs, const Eigen::MatrixBase<Rhs>& rhs) {
  if constexpr (uses_mpfr_kernels<T>) {
    const Eigen::Index rows = lhs.rows();
    const Eigen::Index cols = rhs.cols();
    const Eigen::Index depth = lhs.cols();
    dst.resize(rows, cols);
    mpfr_real product;
    mpfr_ptr term = product.backend().data();
    for (Eigen::Index j = 0; j < cols; ++j) {
      for (Eigen::Index i = 0; i < rows; ++i) {
        mpfr_ptr out = dst(i, j).backend().data();
        mpfr_set_zero(out, 1);
        for (Eigen::Index l = 0; l < depth; ++l) {
          mpfr_mul(term, lhs.derived().coeff(i, l).backend().data(), rhs.derived().coeff(l, j).backend().data(),
                   MPFR_RNDN);
          mpfr_add(out, out, term, MPFR_RNDN);
        }
      }
    }
  } else {
    dst.noalias() = lhs * rhs;
  }
}

// Returns shift I + scale A A^T in its lower triangle; the strict upper triangle is zero.
// Eigen::LLT reads only the lower triangle, so the result can be factored as it is.
template <class T, class Derived>
Matrix<T> shifted_gram_lower(const Eigen::MatrixBase<Derived>& a, const T& scale, const T& shift) {
  const Eigen::Index dim = a.rows();
  Matrix<T> gram = Matrix<T>::Zero(dim, dim);
  if constexpr (uses_mpfr_kernels<T>) {
    mpfr_real product;
    mpfr_ptr term = product.backend().data();
    for (Eigen::Index j = 0; j < dim; ++j) {
      for (Eigen::Index i = j; i < dim; ++i) {
        mpfr_ptr out = gram(i, j).backend().data();
        for (Eigen::Index l = 0; l < a.cols(); ++l) {
          mpfr_mul(term, a.derived().coeff(i, l).backend().data(), a.derived().coeff(j, l).backend().data(),
                   MPFR_RNDN);
          mpfr_add(out, out, term, MPFR_RNDN);
        }
        mpfr_mul(out, out, scale.backend().data(), MPFR_RNDN);
      }
    }
  } else {
    gram.template selfadjointView<Eigen::Lower>().rankUpdate(a, scale);
  }
  gram.diagonal().array() += shift;
  return gram;
}

// Overwrites `rhs` with K^{-1} rhs, where `llt` contains the Cholesky factor L of K = L L^T.
template <class T>
void cholesky_solve_in_place(const Eigen::LLT<Matrix<T>>& llt, Matrix<T>& rhs) {
  if constexpr (uses_mpfr_kernels<T>) {
    const Matrix<T>& factor = llt.matrixLLT();  // L in the lower triangle
    const Eigen::Index dim = factor.rows();
    mpfr_real product;
    mpfr_ptr term = product.backend().data();
    for (Eigen::Index j = 0; j < rhs.cols(); ++j) {
      // Forward substitution L y = b, then back substitution L^T x = y, in place.
      for (Eigen::Index i = 0; i < dim; ++i) {
        mpfr_ptr out = rhs(i, j).backend().data();
        for (Eigen::Index l = 0; l < i; ++l) {
          mpfr_mul(term, factor(i, l).backend().data(), rhs(l, j).backend().data(), MPFR_RNDN);
          mpfr_sub(out, out, term, MPFR_RNDN);
        }
        mpfr_div(out, out, factor(i, i).backend().data(), MPFR_RNDN);
      }
      for (Eigen::Index i = dim - 1; i >= 0; --i) {
        mpfr_ptr out = rhs(i, j).backend().data();
        for (Eigen::Index l = i + 1; l < dim; ++l) {
          mpfr_mul(term, factor(l, i).backend().data(), rhs(l, j).backend().data(), MPFR_RNDN);
          mpfr_sub(out, out, term, MPFR_RNDN);
        }
        mpfr_div(out, out, factor(i, i).backend().data(), MPFR_RNDN);
      }
    }
  } else {
    llt.solveInPlace(rhs);
  }
}

}  // namespace deepadmm::detail
