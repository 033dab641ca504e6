#pragma once
// Validators for numbers on the command line, on top of CLI11's own
// (CLI::Range, CLI::NonNegativeNumber). CLI11 2.1 reads an unsigned option
// with strtoull, which turns "-1" into 2^64-1 and "010" into 8; a NaN passes
// every Range. These refuse what a person did not mean.

#include <CLI/CLI.hpp>

namespace frsim::cli {

// Decimal digits only: no sign, no 0x, no leading 0 but "0" itself.
extern const CLI::Validator Decimal;
// A duration: finite, 0 to 10^9 seconds (CLI::NonNegativeNumber lets nan
// through and names its bound with 300 digits).
extern const CLI::Validator Seconds;

}  // namespace frsim::cli
