// The dense kernels of the solver against Eigen's own products and solves, in every scalar
// type. For mpfr_real the kernels are hand-written loops on the raw mpfr_t values, so
// these checks are what ties them to Eigen.
#include "test_support.hpp"

#include "solver/dense_kernels.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using deepadmm::float128;
using deepadmm::Matrix;
using deepadmm::mpfr_real;
using deepadmm::testing::max_scaled_difference;
using deepadmm::testing::random_matrix;
using deepadmm::testing::ScalarSetup;

TEMPLATE_TEST_CASE("multiply matches Eigen product", "[kernels]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(71);
  const Matrix<T> a = random_matrix<T>(7, 13, -1.0, 1.0, rng);
  const Matrix<T> b = random_matrix<T>(13, 5, -1.0, 1.0, rng);

  // Each entry is a sum of k = 13 products. In any summation order its error is at most
  // gamma_k |A||B| with gamma_k = k u / (1 - k u) <= 1.01 k u, the standard bound for an
  // inner product, so the two evaluations differ by at most 2 * 1.01 k u |A||B|.
  const T bound = T(2) * T(101) / 100 * T(13) * u;

  Matrix<T> product;
  deepadmm::detail::multiply(product, a, b);
  const Matrix<T> expected = a * b;
  CHECK(max_scaled_difference<T>(product, expected, Matrix<T>(a.cwiseAbs() * b.cwiseAbs())) <= bound);
  if constexpr (deepadmm::testing::is_mpfr<T>) CHECK(product(2, 3).precision() == deepadmm::testing::kMpfrTestDigits);

  // A transposed block times a block (inner dimension 7), as the solver passes M^T.
  Matrix<T> transposed;
  deepadmm::detail::multiply(transposed, a.leftCols(5).transpose(), a.leftCols(4));
  const Matrix<T> expected_transposed = a.leftCols(5).transpose() * a.leftCols(4);
  const Matrix<T> size = a.leftCols(5).transpose().cwiseAbs() * a.leftCols(4).cwiseAbs();
  CHECK(max_scaled_difference<T>(transposed, expected_transposed, size) <= bound);
}

TEMPLATE_TEST_CASE("shifted Gram matrix matches Eigen", "[kernels]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(72);
  const Matrix<T> a = random_matrix<T>(6, 11, -1.0, 1.0, rng);
  const T scale = T(3) / 2;
  const T shift = T(1) / 4;

  const Matrix<T> gram = deepadmm::detail::shifted_gram_lower(a, scale, shift);
  const Matrix<T> expected = Matrix<T>(scale * (a * a.transpose())) + shift * Matrix<T>::Identity(6, 6);
  // Sums of 11 products, then a scaling and a shift: 11 + 2 roundings per evaluation.
  const T bound = T(2) * T(101) / 100 * T(11 + 2) * u;
  const Matrix<T> size = Matrix<T>(scale * (a.cwiseAbs() * a.transpose().cwiseAbs())) +
                         shift * Matrix<T>::Identity(6, 6);
  for (Eigen::Index j = 0; j < 6; ++j) {
    for (Eigen::Index i = 0; i < 6; ++i) {
      INFO("entry (" << i << ", " << j << ")");
      if (i < j) {
        CHECK(gram(i, j) == 0);  // the strict upper triangle is left zero
      } else {
        using std::abs;
        CHECK(abs(T(gram(i, j) - expected(i, j))) <= bound * size(i, j));
      }
    }
  }
}

TEMPLATE_TEST_CASE("Cholesky solve in place matches Eigen", "[kernels]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(73);
  const Matrix<T> a = random_matrix<T>(5, 9, -1.0, 1.0, rng);
  const Matrix<T> k = deepadmm::detail::shifted_gram_lower(a, T(1), T(1));
  const Matrix<T> rhs = random_matrix<T>(5, 4, -1.0, 1.0, rng);
  const Eigen::LLT<Matrix<T>> llt(k);
  REQUIRE(llt.info() == Eigen::Success);

  Matrix<T> solution = rhs;
  deepadmm::detail::cholesky_solve_in_place(llt, solution);
  const Matrix<T> expected = llt.solve(rhs);

  // Both solve with the same factor L. A triangular solve of size d = 5 has backward
  // error at most gamma_d |L|, and the two solves together a forward error of at most
  // about kappa(K) * 2 gamma_d relative to x. K = I + A A^T has kappa(K) <= 1 + ||A||_F^2.
  const T kappa = 1 + a.squaredNorm();
  const T bound = T(2) * kappa * T(2) * T(101) / 100 * T(5) * u;
  const T difference = deepadmm::testing::frobenius(Matrix<T>(solution - expected));
  INFO("difference " << deepadmm::to_double(difference) << ", bound " << deepadmm::to_double(bound));
  CHECK(difference <= bound * deepadmm::testing::frobenius(expected));

  // The residual K x - b is small too, so the two did not agree on a wrong solution.
  const Matrix<T> full = k.template selfadjointView<Eigen::Lower>();
  const T residual = deepadmm::testing::frobenius(Matrix<T>(full * solution - rhs));
  CHECK(residual <= bound * kappa * deepadmm::testing::frobenius(rhs));
}
