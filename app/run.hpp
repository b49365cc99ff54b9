// Entry points of the command's jobs, one instantiation per scalar type.
#pragma once

#include "config.hpp"

namespace deepadmm::app {

// Trains as configured and prints the header, the iteration table and the summary.
// Returns the process exit status: 0 when the run ended by a stopping rule, 3 when it
// stopped on non-finite iterates or a failed factorisation. Throws std::invalid_argument
// or std::runtime_error on bad input.
template <class T>
int run_training(const TrainConfig& config);

// Runs the convergence checks and prints each with its verdict. Returns 0 when no check
// failed, 1 when one did.
template <class T>
int run_checks(const CheckConfig& config);

// Prints the declared constants of each activation (or only config.activation), the
// assumptions of the convergence theory it meets and its theory parameters on
// config.problem. With config.table it runs the descent, rate and kkt checks with theory
// parameters per activation instead and prints one table row each. Returns 1 when a check
// failed or a run threw, else 0. Throws std::invalid_argument on an unknown name.
int run_activations(const ActivationsConfig& config);

// Writes the predictions of a saved model for the rows of a CSV file.
template <class T>
int run_predict(const PredictConfig& config);

}  // namespace deepadmm::app
