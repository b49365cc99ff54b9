// Explicit instantiation of every solver template for one scalar type. Each scalar type
// has its own translation unit, so the three build in parallel and the template code is
// compiled once per type for the whole project.
#pragma once

#include "admm_impl.hpp"
#include "io_impl.hpp"
#include "sgd_impl.hpp"

#define DEEPADMM_INSTANTIATE(T)                                                              \
  template struct deepadmm::Network<T>;                                                       \
  template deepadmm::Network<T> deepadmm::make_network<T>(                                    \
      const std::vector<int>&, std::shared_ptr<const deepadmm::Activation<T>>,                \
      deepadmm::InitScheme, std::uint64_t, double);                                           \
  template T deepadmm::weights_squared_norm<T>(const deepadmm::Network<T>&);                  \
  template std::string deepadmm::validate_network_data<T>(                                    \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&);    \
  template deepadmm::Matrix<T> deepadmm::append_ones_row<T>(const deepadmm::Matrix<T>&);      \
  template struct deepadmm::Options<T>;                                                       \
  template std::string deepadmm::validate_problem<T>(                                         \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&,    \
      const deepadmm::Options<T>&);                                                           \
  template deepadmm::AdmmState<T> deepadmm::initial_state<T>(const deepadmm::Matrix<T>&,      \
                                                             deepadmm::Network<T>);           \
  template T deepadmm::augmented_lagrangian<T>(const deepadmm::AdmmState<T>&,                 \
                                               const deepadmm::Matrix<T>&,                    \
                                               const deepadmm::Matrix<T>&,                    \
                                               const deepadmm::Options<T>&);                  \
  template void deepadmm::measure_state<T>(                                                   \
      const deepadmm::AdmmState<T>&, const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&,  \
      const deepadmm::Options<T>&, deepadmm::IterationRecord<T>&);                            \
  template bool deepadmm::output_weight_update<T>(                                            \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&,     \
      const T&, const T&, deepadmm::Matrix<T>&);                                              \
  template bool deepadmm::hidden_weight_update<T>(                                            \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&,     \
      const T&, const T&, const T&, const deepadmm::Activation<T>&, deepadmm::Matrix<T>&);    \
  template bool deepadmm::hidden_state_update<T>(                                             \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&,     \
      const deepadmm::Matrix<T>&, const T&, const T&, const T&,                               \
      const deepadmm::Activation<T>&, deepadmm::Matrix<T>&);                                  \
  template bool deepadmm::last_hidden_state_update<T>(                                        \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&,     \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const T&, const T&,             \
      deepadmm::Matrix<T>&);                                                                  \
  template void deepadmm::output_state_update<T>(const deepadmm::Matrix<T>&,                  \
                                                 const deepadmm::Matrix<T>&,                  \
                                                 const deepadmm::Matrix<T>&, const T&,        \
                                                 deepadmm::Matrix<T>&);                       \
  template T deepadmm::curvature_parameter<T>(deepadmm::CurvatureRule, const T&,              \
                                              const deepadmm::ActivationConstants<T>&,        \
                                              const T&);                                      \
  template class deepadmm::AdmmSolver<T>;                                                     \
  template deepadmm::Result<T> deepadmm::train<T>(                                            \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&,    \
      const deepadmm::Options<T>&, const deepadmm::IterationCallback<T>&);                    \
  template struct deepadmm::SgdOptions<T>;                                                    \
  template T deepadmm::least_squares_objective<T>(const deepadmm::Network<T>&,                \
                                                  const deepadmm::Matrix<T>&,                 \
                                                  const deepadmm::Matrix<T>&, const T&);      \
  template T deepadmm::objective_and_gradient<T>(                                             \
      const deepadmm::Network<T>&, const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&,    \
      const T&, const T&, std::vector<deepadmm::Matrix<T>>&);                                 \
  template T deepadmm::scheduled_rate<T>(const deepadmm::SgdOptions<T>&, int);                \
  template deepadmm::SgdResult<T> deepadmm::train_sgd<T>(                                     \
      const deepadmm::Matrix<T>&, const deepadmm::Matrix<T>&, const deepadmm::Network<T>&,    \
      const deepadmm::SgdOptions<T>&, const deepadmm::SgdCallback<T>&);                       \
  template double deepadmm::saturation_share<T>(const deepadmm::Network<T>&,                  \
                                                const deepadmm::Matrix<T>&, double);          \
  DEEPADMM_INSTANTIATE_IO(T)
