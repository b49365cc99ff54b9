// The activations the library and the command know by name. To add one, write its policy
// in a file of its own under activations/, include it here and append the type to
// RegisteredActivations.
#pragma once

#include "../activation.hpp"
#include "arctan.hpp"
#include "arctan_scaled.hpp"
#include "erf.hpp"
#include "gelu.hpp"
#include "isru.hpp"
#include "leaky_relu.hpp"
#include "relu.hpp"
#include "sigmoid.hpp"
#include "silu.hpp"
#include "softplus.hpp"
#include "softsign.hpp"
#include "tanh.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace deepadmm {

template <class... Policies>
struct ActivationList {};

using RegisteredActivations =
    ActivationList<activations::Sigmoid, activations::Tanh, activations::Arctan, activations::ArctanScaled,
                   activations::Erf, activations::Softsign, activations::Softplus, activations::Silu,
                   activations::Gelu, activations::Relu, activations::LeakyRelu, activations::Isru>;

namespace detail {
template <class T, class... Policies>
std::shared_ptr<const Activation<T>> find_activation(const std::string& name,
                                                     ActivationList<Policies...>) {
  std::shared_ptr<const Activation<T>> found;
  ((name == Policies::name ? (found = std::make_shared<ActivationModel<Policies, T>>(), true)
                           : false) ||
   ...);
  return found;
}

template <class... Policies>
std::vector<std::string> activation_names(ActivationList<Policies...>) {
  return {Policies::name...};
}
}  // namespace detail

// Names of all registered activations, in registration order.
inline std::vector<std::string> activation_names() {
  return detail::activation_names(RegisteredActivations{});
}

// Returns the activation called `name`. Throws std::invalid_argument naming the known
// activations when there is none of that name.
template <class T>
std::shared_ptr<const Activation<T>> make_activation(const std::string& name) {
  auto found = detail::find_activation<T>(name, RegisteredActivations{});
  if (!found) {
    std::string known;
    for (const auto& n : activation_names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown activation '" + name + "'; known: " + known);
  }
  return found;
}

}  // namespace deepadmm
