#include "core/crdt/registry.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "core/crdt/crdt.hpp"
#include "core/error.hpp"
#include "core/lattice.hpp"

namespace frsim::core {

namespace {

using Decode = Rc<const Lattice> (*)(Decoder&);

struct Entry {
  std::string_view type_name;
  Decode decode;
};

template <class T>
Rc<const Lattice> decode_as(Decoder& in) {
  return T::decode(in);
}

// Sorted by type name.
constexpr std::array<Entry, 12> registry{{
    {crdt::EwFlag::type_name_v, &decode_as<crdt::EwFlag>},
    {crdt::GCounter::type_name_v, &decode_as<crdt::GCounter>},
    {crdt::GSet::type_name_v, &decode_as<crdt::GSet>},
    {crdt::Ivar::type_name_v, &decode_as<crdt::Ivar>},
    {crdt::LwwRegister::type_name_v, &decode_as<crdt::LwwRegister>},
    {crdt::MaxInt::type_name_v, &decode_as<crdt::MaxInt>},
    {crdt::MvRegister::type_name_v, &decode_as<crdt::MvRegister>},
    {crdt::OrMap::type_name_v, &decode_as<crdt::OrMap>},
    {crdt::OrSet::type_name_v, &decode_as<crdt::OrSet>},
    {crdt::PnCounter::type_name_v, &decode_as<crdt::PnCounter>},
    {crdt::Rga::type_name_v, &decode_as<crdt::Rga>},
    {crdt::TwoPSet::type_name_v, &decode_as<crdt::TwoPSet>},
}};

constexpr std::array<std::string_view, registry.size()> names = [] {
  std::array<std::string_view, registry.size()> out{};
  for (std::size_t i = 0; i < registry.size(); ++i) out[i] = registry[i].type_name;
  return out;
}();

static_assert(std::is_sorted(names.begin(), names.end()), "registry must stay sorted");

}  // namespace

// Knows every lattice type; each type's decoder is added here with the type.
Rc<const Lattice> decode_lattice(std::string_view type_name, Decoder& in) {
  auto found = std::lower_bound(registry.begin(), registry.end(), type_name,
                                [](const Entry& e, std::string_view name) { return e.type_name < name; });
  if (found == registry.end() || found->type_name != type_name) {
    std::string message = "corrupt value: unknown lattice type '";
    message += type_name;
    message += "'";
    throw DecodeError(message);
  }
  return found->decode(in);
}

namespace crdt {
std::span<const std::string_view> type_names() { return names; }
}  // namespace crdt

}  // namespace frsim::core
