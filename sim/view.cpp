#include "sim/view.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace frsim::sim {

std::string_view to_string(UserProperty::Kind kind) {
  static constexpr std::array<std::string_view, 3> names = {"always", "sometimes", "eventually"};
  return names.at(static_cast<std::size_t>(kind));
}

bool View::up(std::uint32_t device) const { return device < world_.devices() && world_.device(device).up(); }

std::optional<core::Value> View::value(std::uint32_t device, std::string_view label) const {
  if (device >= world_.devices()) return std::nullopt;
  return world_.device(device).value(label);
}

std::vector<std::optional<core::Value>> View::values(std::string_view label) const {
  std::vector<std::optional<core::Value>> out;
  out.reserve(world_.devices());
  for (std::uint32_t d = 0; d < world_.devices(); ++d) out.push_back(value(d, label));
  return out;
}

std::vector<InFlight> View::in_flight() const {
  std::vector<InFlight> out;
  for (const Message& m : world_.network().in_flight()) out.push_back(InFlight{m.from, m.to, m.name, m.value});
  std::sort(out.begin(), out.end(), [](const InFlight& a, const InFlight& b) {
    return std::tie(a.to, a.from, a.name, a.value) < std::tie(b.to, b.from, b.name, b.value);
  });
  return out;
}

}  // namespace frsim::sim
