#include "sgd.hpp"

#include <stdexcept>

namespace deepadmm {

std::string optimizer_name(Optimizer optimizer) {
  switch (optimizer) {
    case Optimizer::Momentum:
      return "momentum";
    case Optimizer::Adam:
      return "adam";
  }
  return "unknown";
}

Optimizer parse_optimizer(const std::string& name) {
  for (auto optimizer : {Optimizer::Momentum, Optimizer::Adam})
    if (name == optimizer_name(optimizer)) return optimizer;
  throw std::invalid_argument("unknown optimiser '" + name + "'; known: momentum, adam");
}

std::string schedule_name(RateSchedule schedule) {
  switch (schedule) {
    case RateSchedule::Constant:
      return "constant";
    case RateSchedule::Step:
      return "step";
    case RateSchedule::InverseTime:
      return "inverse-time";
    case RateSchedule::Cosine:
      return "cosine";
  }
  return "unknown";
}

RateSchedule parse_schedule(const std::string& name) {
  for (auto schedule : {RateSchedule::Constant, RateSchedule::Step, RateSchedule::InverseTime, RateSchedule::Cosine})
    if (name == schedule_name(schedule)) return schedule;
  throw std::invalid_argument("unknown learning-rate schedule '" + name + "'; known: constant, step, inverse-time, cosine");
}

}  // namespace deepadmm
