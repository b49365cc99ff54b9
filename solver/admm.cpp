#include "admm.hpp"

#include <stdexcept>

namespace deepadmm {

std::string curvature_rule_name(CurvatureRule rule) {
  switch (rule) {
    case CurvatureRule::Reference:
      return "reference";
    case CurvatureRule::Majorising:
      return "majorising";
    case CurvatureRule::Fixed:
      return "fixed";
  }
  return "unknown";
}

CurvatureRule parse_curvature_rule(const std::string& name) {
  for (auto rule : {CurvatureRule::Reference, CurvatureRule::Majorising, CurvatureRule::Fixed})
    if (name == curvature_rule_name(rule)) return rule;
  throw std::invalid_argument("unknown curvature rule '" + name +
                              "'; known: reference, majorising, fixed");
}

std::string status_name(Status status) {
  switch (status) {
    case Status::Converged:
      return "converged";
    case Status::MaxIterations:
      return "maximum iterations";
    case Status::TimeLimit:
      return "time limit";
    case Status::NonFinite:
      return "non-finite values";
    case Status::NumericalFailure:
      return "numerical failure";
    case Status::InvalidInput:
      return "invalid input";
  }
  return "unknown";
}

}  // namespace deepadmm
