#include <string>

#include "core/error.hpp"
#include "core/lattice.hpp"

namespace frsim::core {

// Knows every lattice type; each type's decoder is added here with the type.
Rc<const Lattice> decode_lattice(std::string_view type_name, Decoder& /*in*/) {
  throw DecodeError("corrupt value: unknown lattice type '" + std::string(type_name) + "'");
}

}  // namespace frsim::core
