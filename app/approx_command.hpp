// The "approx" subcommand: approximation checks C4 (sigmoid networks approximate ReLU) and
// C5 (ReLU networks cannot approximate the sigmoid with a fixed budget).
#pragma once

#include <string>

namespace deepadmm::app {

struct ApproxConfig {
  // relu (sigmoid nets approximate ReLU), sigmoid (ReLU nets against the sigmoid) or all
  std::string which = "all";
  std::string precision = "double";
  unsigned digits = 50;           // decimal digits of the mpfr type
  std::string json_path;          // write the checks as JSON when set
  std::string save_model_path;    // write the C4 network for --eps and --a instead of the checks
  std::string eps = "1e-3";
  std::string a = "1";
};

// Runs the requested checks, or saves the network when save_model_path is set. Returns 0
// when no check failed, 1 when one did. Throws std::invalid_argument on bad eps or a.
int run_approx_command(const ApproxConfig& config);

}  // namespace deepadmm::app
