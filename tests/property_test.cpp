// Property tests with RapidCheck, and the Catch2 main of the test executable.
//
// RapidCheck runs 100 cases per property by default, and the CTest registration pins
// RC_PARAMS="max_success=100". For a longer soak run the binary directly, for example
//   RC_PARAMS="max_success=2000" ./deepadmm_tests "[property]"
// A failure prints a reproduce string. Pass it back as RC_PARAMS="reproduce=..." to
// rerun the shrunk counterexample.
#define CATCH_CONFIG_MAIN
#include <rapidcheck/catch.h>

#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using deepadmm::Matrix;

TEST_CASE("short random training keeps its invariants", "[property]") {
  // Three double iterations on a random small problem give finite records and
  // U_N = V_N - Y to rounding after each of them.
  rc::prop("finite records and exact output multiplier", [] {
    const int hidden_layers = *rc::gen::inRange(1, 4);
    std::vector<int> widths = {*rc::gen::inRange(1, 4)};
    for (int i = 0; i < hidden_layers; ++i) widths.push_back(*rc::gen::inRange(1, 7));
    widths.push_back(*rc::gen::inRange(1, 4));
    const int n = *rc::gen::inRange(1, 13);
    const auto seed = *rc::gen::arbitrary<std::uint32_t>();
    const auto name = *rc::gen::element<std::string>("sigmoid", "tanh");

    // The data comes from the generated seed, so a shrunk case is reproducible.
    std::mt19937_64 rng(seed);
    const Matrix<double> x = deepadmm::testing::random_matrix<double>(widths.front(), n, -1.0, 1.0, rng);
    const Matrix<double> y = deepadmm::testing::random_matrix<double>(widths.back(), n, -1.0, 1.0, rng);
    const auto net = deepadmm::make_network<double>(widths, deepadmm::make_activation<double>(name),
                                                    deepadmm::InitScheme::HeNormal, seed);
    deepadmm::Options<double> options;
    options.max_iterations = 3;

    std::vector<double> identity_ratios;
    const auto result = deepadmm::train<double>(
        x, y, net, options, [&](const deepadmm::IterationRecord<double>& record, const deepadmm::AdmmState<double>& state) {
          if (record.iteration > 0)
            identity_ratios.push_back(deepadmm::testing::output_identity_ratio(state, x, y, options.beta.front()));
        });

    RC_LOG() << "status: " << deepadmm::status_name(result.status) << " (" << result.message << ")\n";
    RC_ASSERT(result.status == deepadmm::Status::MaxIterations);
    RC_ASSERT(result.records.size() == 3u);
    RC_ASSERT(deepadmm::testing::record_is_finite(result.initial));
    for (const auto& record : result.records) RC_ASSERT(deepadmm::testing::record_is_finite(record));
    // See kOutputIdentityFactor for the derivation of the bound.
    const double bound = deepadmm::testing::kOutputIdentityFactor * deepadmm::unit_roundoff<double>();
    for (const double ratio : identity_ratios) RC_ASSERT(ratio <= bound);
  });
}

// A property that is false for most inputs. Catch2 expects this test case to fail, so
// it passes only if rc::prop turns RapidCheck's counterexample into a Catch2 failure. A
// bare rc::check would report the counterexample and let Catch2 count a success.
TEST_CASE("false property fails its test case", "[property][!shouldfail]") {
  rc::prop("every width drawn from 1..6 is at most 3", [] {
    const int width = *rc::gen::inRange(1, 7);
    RC_ASSERT(width <= 3);
  });
}
