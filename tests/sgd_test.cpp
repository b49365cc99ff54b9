// Tests of the gradient baseline: backpropagation against finite differences, the
// optimiser steps against their formulas, schedules, input checks and the saturation share.
#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/sgd.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

using deepadmm::float128;
using deepadmm::Matrix;

namespace {

using deepadmm::testing::random_matrix;

// Central difference of G(W) = (scale/2)||f(X) - Y||^2 + (lambda/2) sum ||W_i||^2 along
// the entry (row, col) of W_layer, with step h.
float128 central_difference(deepadmm::Network<float128> net, const Matrix<float128>& x, const Matrix<float128>& y,
                            const float128& lambda, const float128& scale, int layer, Eigen::Index row,
                            Eigen::Index col, const float128& h) {
  auto value = [&](const float128& shift) {
    deepadmm::Network<float128> moved = net;
    moved.weight(layer)(row, col) += shift;
    std::vector<Matrix<float128>> unused;
    return deepadmm::objective_and_gradient(moved, x, y, lambda, scale, unused);
  };
  return (value(h) - value(-h)) / (2 * h);
}

}  // namespace

TEST_CASE("backpropagation matches central differences in float128", "[sgd][property]") {
  // With h = u^(1/3) (u the float128 unit roundoff, 9.6e-35, so h = 4.6e-12) the central
  // difference differs from G' by at most h^2 |G'''| / 6 + u |G| / h, that is
  // u^(2/3) (|G'''| / 6 + |G|) = 2.1e-23 (|G'''| / 6 + |G|). The tolerance sqrt(u) (1 + |g|)
  // = 9.8e-18 (1 + |g|) covers that while |G| and |G'''| stay below u^(-1/6) = 4.6e5
  // (|G| is checked below; the networks are small with inputs in [-1, 1]). A wrong
  // gradient formula errs by a fraction of |g| itself, far above the tolerance.
  rc::prop("every sampled entry agrees", [] {
    deepadmm::testing::ScalarSetup<float128> setup;
    const int hidden_layers = *rc::gen::inRange(0, 3);
    std::vector<int> widths = {*rc::gen::inRange(1, 4)};
    for (int i = 0; i < hidden_layers; ++i) widths.push_back(*rc::gen::inRange(1, 6));
    widths.push_back(*rc::gen::inRange(1, 3));
    const int n = *rc::gen::inRange(1, 9);
    const auto seed = *rc::gen::arbitrary<std::uint32_t>();
    const auto name = *rc::gen::element<std::string>("sigmoid", "tanh", "softplus", "gelu", "relu", "arctan");
    const double lambda_value = *rc::gen::element(0.0, 1e-3, 0.5);
    const double scale_value = *rc::gen::element(1.0, 0.25);

    std::mt19937_64 rng(seed);
    const Matrix<float128> x = random_matrix<float128>(widths.front(), n, -1.0, 1.0, rng);
    const Matrix<float128> y = random_matrix<float128>(widths.back(), n, -1.0, 1.0, rng);
    auto net = deepadmm::make_network<float128>(widths, deepadmm::make_activation<float128>(name),
                                                deepadmm::InitScheme::Xavier, seed);
    for (auto& w : net.weights) w.rightCols(1) = random_matrix<float128>(w.rows(), 1, -0.5, 0.5, rng);
    const float128 lambda(lambda_value);
    const float128 scale(scale_value);

    std::vector<Matrix<float128>> gradient;
    const float128 value = deepadmm::objective_and_gradient(net, x, y, lambda, scale, gradient);
    RC_PRE(value < float128(4.6e5));
    RC_ASSERT(gradient.size() == net.weights.size());

    const float128 u = deepadmm::unit_roundoff<float128>();
    const float128 h = boost::multiprecision::cbrt(u);
    const float128 tolerance_factor = boost::multiprecision::sqrt(u);
    for (int layer = 1; layer <= net.layers(); ++layer) {
      const auto& g = gradient[static_cast<std::size_t>(layer - 1)];
      RC_ASSERT(g.rows() == net.weight(layer).rows());
      RC_ASSERT(g.cols() == net.weight(layer).cols());
      for (Eigen::Index r = 0; r < g.rows(); ++r)
        for (Eigen::Index c = 0; c < g.cols(); ++c) {
          const float128 fd = central_difference(net, x, y, lambda, scale, layer, r, c, h);
          const float128 error = boost::multiprecision::abs(fd - g(r, c));
          if (!(error <= tolerance_factor * (1 + boost::multiprecision::abs(g(r, c)))))
            RC_FAIL("W_" + std::to_string(layer) + "(" + std::to_string(r) + "," + std::to_string(c) +
                    "): backprop " + deepadmm::to_exact_string(g(r, c)) + ", central difference " +
                    deepadmm::to_exact_string(fd));
        }
    }
  });
}

TEST_CASE("objective matches the ADMM objective", "[sgd]") {
  std::mt19937_64 rng(5);
  const Matrix<double> x = random_matrix<double>(3, 7, -1.0, 1.0, rng);
  const Matrix<double> y = random_matrix<double>(2, 7, -1.0, 1.0, rng);
  const auto net = deepadmm::make_network<double>({3, 4, 2}, deepadmm::make_activation<double>("sigmoid"),
                                                  deepadmm::InitScheme::HeNormal, 5);
  std::vector<Matrix<double>> gradient;
  const double value = deepadmm::objective_and_gradient(net, x, y, 0.3, 1.0, gradient);
  const double direct = 0.5 * (net.predict(x) - y).squaredNorm() + 0.15 * deepadmm::weights_squared_norm(net);
  // Both sum the same terms in a different order: a few roundings of the result.
  CHECK(std::abs(value - direct) <= 8 * deepadmm::unit_roundoff<double>() * direct);
  CHECK(deepadmm::least_squares_objective(net, x, y, 0.3) == direct);
}

TEST_CASE("full-batch epoch is one optimiser step", "[sgd]") {
  // With the batch equal to the sample count an epoch is one step on grad(F/n). The
  // shuffle reorders the columns, which changes only the order of the n-term sums of the
  // gradient: the steps agree with the formula to n u |W| plus n u times the step size.
  std::mt19937_64 rng(11);
  const int n = 16;
  const Matrix<double> x = random_matrix<double>(2, n, -1.0, 1.0, rng);
  const Matrix<double> y = random_matrix<double>(1, n, -1.0, 1.0, rng);
  const auto net = deepadmm::make_network<double>({2, 5, 1}, deepadmm::make_activation<double>("tanh"),
                                                  deepadmm::InitScheme::HeNormal, 11);
  const double lambda = 1e-2;
  std::vector<Matrix<double>> gradient;
  deepadmm::objective_and_gradient(net, x, y, lambda / n, 1.0 / n, gradient);
  const double u = deepadmm::unit_roundoff<double>();

  deepadmm::SgdOptions<double> options;
  options.batch_size = n;
  options.epochs = 1;
  options.lambda = lambda;
  options.learning_rate = 0.1;

  SECTION("momentum: W - eta g") {
    const auto result = deepadmm::train_sgd(x, y, net, options);
    REQUIRE(result.status == deepadmm::Status::MaxIterations);
    for (int i = 1; i <= net.layers(); ++i) {
      const Matrix<double> expected = net.weight(i) - 0.1 * gradient[static_cast<std::size_t>(i - 1)];
      const double bound = n * u * (expected.cwiseAbs().maxCoeff() + 0.1 * gradient[i - 1].cwiseAbs().maxCoeff());
      CHECK((result.network.weight(i) - expected).cwiseAbs().maxCoeff() <= bound);
    }
  }
  SECTION("Adam: W - eta g / (|g| + eps)") {
    options.optimizer = deepadmm::Optimizer::Adam;
    const auto result = deepadmm::train_sgd(x, y, net, options);
    REQUIRE(result.status == deepadmm::Status::MaxIterations);
    for (int i = 1; i <= net.layers(); ++i) {
      const auto& g = gradient[static_cast<std::size_t>(i - 1)];
      const Matrix<double> expected =
          net.weight(i).array() - 0.1 * g.array() / (g.array().abs() + options.adam_epsilon);
      const double bound = n * u * (expected.cwiseAbs().maxCoeff() + 0.1);
      CHECK((result.network.weight(i) - expected).cwiseAbs().maxCoeff() <= bound);
    }
  }
}

TEST_CASE("small-rate gradient descent decreases objective", "[sgd]") {
  // By the descent lemma, full-batch steps with eta < 2/L decrease the smooth objective F/n,
  // L its gradient's Lipschitz constant. L is not computed here: eta = 0.05 is an estimate
  // below 2/L for this small sigmoid net. A gradient of wrong sign or scale makes F rise.
  std::mt19937_64 rng(3);
  const Matrix<double> x = random_matrix<double>(2, 40, -1.0, 1.0, rng);
  Matrix<double> y(1, 40);
  for (int j = 0; j < 40; ++j) y(0, j) = x(0, j) * x(1, j);
  const auto net = deepadmm::make_network<double>({2, 8, 8, 1}, deepadmm::make_activation<double>("sigmoid"),
                                                  deepadmm::InitScheme::HeNormal, 3);
  deepadmm::SgdOptions<double> options;
  options.batch_size = 40;
  options.momentum = 0;
  options.learning_rate = 0.05;
  options.epochs = 30;
  const auto result = deepadmm::train_sgd(x, y, net, options);
  REQUIRE(result.records.size() == 31);
  for (std::size_t k = 1; k < result.records.size(); ++k)
    CHECK(result.records[k].objective < result.records[k - 1].objective);
}

TEST_CASE("learning-rate schedules", "[sgd]") {
  deepadmm::SgdOptions<double> options;
  options.learning_rate = 0.8;
  options.epochs = 20;
  CHECK(deepadmm::scheduled_rate(options, 7) == 0.8);
  options.schedule = deepadmm::RateSchedule::Step;
  options.decay = 0.5;
  options.step_epochs = 10;
  CHECK(deepadmm::scheduled_rate(options, 9) == 0.8);
  CHECK(deepadmm::scheduled_rate(options, 10) == 0.4);
  CHECK(deepadmm::scheduled_rate(options, 25) == 0.2);
  options.schedule = deepadmm::RateSchedule::InverseTime;
  options.decay = 0.25;
  CHECK(deepadmm::scheduled_rate(options, 4) == 0.4);
  options.schedule = deepadmm::RateSchedule::Cosine;
  CHECK(deepadmm::scheduled_rate(options, 0) == 0.8);
  CHECK(std::abs(deepadmm::scheduled_rate(options, 10) - 0.4) <= 2 * deepadmm::unit_roundoff<double>());
  CHECK(deepadmm::parse_schedule("inverse-time") == deepadmm::RateSchedule::InverseTime);
  CHECK_THROWS_WITH(deepadmm::parse_schedule("linear"), Catch::Contains("known: constant, step"));
  CHECK_THROWS_WITH(deepadmm::parse_optimizer("sgd"), Catch::Contains("known: momentum, adam"));
}

TEST_CASE("gradient baseline rejects bad input", "[sgd][input]") {
  std::mt19937_64 rng(2);
  Matrix<double> x = random_matrix<double>(2, 10, -1.0, 1.0, rng);
  const Matrix<double> y = random_matrix<double>(1, 10, -1.0, 1.0, rng);
  const auto net = deepadmm::make_network<double>({2, 3, 1}, deepadmm::make_activation<double>("sigmoid"),
                                                  deepadmm::InitScheme::HeNormal, 2);
  deepadmm::SgdOptions<double> options;

  SECTION("non-positive learning rate") {
    options.learning_rate = 0;
    const auto result = deepadmm::train_sgd(x, y, net, options);
    CHECK(result.status == deepadmm::Status::InvalidInput);
    CHECK_THAT(result.message, Catch::Contains("learning_rate is 0"));
  }
  SECTION("momentum of 1") {
    options.momentum = 1;
    CHECK_THAT(deepadmm::train_sgd(x, y, net, options).message, Catch::Contains("momentum is 1"));
  }
  SECTION("zero batch size") {
    options.batch_size = 0;
    CHECK_THAT(deepadmm::train_sgd(x, y, net, options).message, Catch::Contains("batch_size is 0"));
  }
  SECTION("NaN in the data") {
    x(1, 4) = std::numeric_limits<double>::quiet_NaN();
    const auto result = deepadmm::train_sgd(x, y, net, options);
    CHECK(result.status == deepadmm::Status::InvalidInput);
    CHECK_THAT(result.message, Catch::Contains("X contains NaN"));
    std::vector<Matrix<double>> gradient;
    CHECK_THROWS_WITH(deepadmm::objective_and_gradient(net, x, y, 0.0, 1.0, gradient), Catch::Contains("X contains NaN"));
  }
  SECTION("wrong target rows") {
    const Matrix<double> y2 = random_matrix<double>(2, 10, -1.0, 1.0, rng);
    CHECK_THAT(deepadmm::train_sgd(x, y2, net, options).message, Catch::Contains("Y has 2 targets per sample"));
  }
  SECTION("a diverging rate stops with a message, not a NaN run") {
    options.learning_rate = 1e30;
    options.epochs = 50;
    const auto result = deepadmm::train_sgd(x, y, net, options);
    CHECK(result.status == deepadmm::Status::NonFinite);
    CHECK_THAT(result.message, Catch::Contains("non-finite in epoch"));
    CHECK(result.records.size() < 51);
  }
}

TEST_CASE("saturation share counts small slopes", "[sgd]") {
  std::mt19937_64 rng(9);
  const Matrix<double> x = random_matrix<double>(2, 50, -1.0, 1.0, rng);
  // Zero weights put every pre-activation at 0: the sigmoid slope is its maximum 1/4 there,
  // the ReLU slope is 0 (the left derivative).
  const auto sigmoid_net = deepadmm::make_network<double>({2, 6, 6, 1}, deepadmm::make_activation<double>("sigmoid"),
                                                          deepadmm::InitScheme::Zero, 1);
  CHECK(deepadmm::saturation_share(sigmoid_net, x, 0.01) == 0.0);
  const auto relu_net = deepadmm::make_network<double>({2, 6, 1}, deepadmm::make_activation<double>("relu"),
                                                       deepadmm::InitScheme::Zero, 1);
  CHECK(deepadmm::saturation_share(relu_net, x, 0.01) == 1.0);
  // Biases of +-40 put every sigmoid unit where f'(z) < e^-40, far below 1% of 1/4.
  auto saturated = sigmoid_net;
  for (auto& w : saturated.weights) w.rightCols(1).setConstant(40.0);
  saturated.weight(1)(0, 2) = -40.0;
  CHECK(deepadmm::saturation_share(saturated, x, 0.01) == 1.0);
  // Half of the first layer saturated, the second layer not: a share of 1/4.
  auto half = sigmoid_net;
  half.weight(1).col(2).head(3).setConstant(40.0);
  CHECK(deepadmm::saturation_share(half, x, 0.01) == 0.25);
}
