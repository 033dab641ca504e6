#include "cli/validators.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace frsim::cli {

const CLI::Validator Decimal(
    [](std::string& input) -> std::string {
      const bool digits = !input.empty() && input.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) return fmt::format("'{}' is not a whole number in decimal digits", input);
      if (input.size() > 1 && input[0] == '0') return fmt::format("'{}' has a leading 0", input);
      // strtoull saturates: more than 64 bits would silently become 2^64-1.
      const std::string_view max = "18446744073709551615";
      if (input.size() > max.size() || (input.size() == max.size() && input > max)) {
        return fmt::format("'{}' does not fit in 64 bits", input);
      }
      return {};
    },
    "", "DECIMAL");

const CLI::Validator Seconds(
    [](std::string& input) -> std::string {
      constexpr double seconds_max = 1e9;
      double value = 0;
      if (!CLI::detail::lexical_cast(input, value) || !std::isfinite(value) || value < 0 || value > seconds_max) {
        return fmt::format("'{}' is not a number of seconds from 0 to 1e9", input);
      }
      return {};
    },
    "SECONDS", "SECONDS");

}  // namespace frsim::cli
