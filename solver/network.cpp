#include "network.hpp"

#include <stdexcept>

namespace deepadmm {

namespace {
struct SchemeName {
  InitScheme scheme;
  const char* name;
};
constexpr SchemeName kSchemes[] = {
    {InitScheme::Zero, "zero"},
    {InitScheme::OrthogonalUniform, "orthogonal-uniform"},
    {InitScheme::OrthogonalGaussian, "orthogonal-gaussian"},
    {InitScheme::LecunUniform, "lecun-uniform"},
    {InitScheme::LecunGaussian, "lecun-gaussian"},
    {InitScheme::Xavier, "xavier"},
    {InitScheme::Msra, "msra"},
    {InitScheme::HeNormal, "he-normal"},
};
}  // namespace

std::string init_scheme_name(InitScheme scheme) {
  for (const auto& entry : kSchemes)
    if (entry.scheme == scheme) return entry.name;
  return "unknown";
}

std::vector<std::string> init_scheme_names() {
  std::vector<std::string> names;
  for (const auto& entry : kSchemes) names.emplace_back(entry.name);
  return names;
}

InitScheme parse_init_scheme(const std::string& name) {
  for (const auto& entry : kSchemes)
    if (name == entry.name) return entry.scheme;
  std::string known;
  for (const auto& entry : kSchemes) known += (known.empty() ? "" : ", ") + std::string(entry.name);
  throw std::invalid_argument("unknown initialisation scheme '" + name + "'; known: " + known);
}

}  // namespace deepadmm
