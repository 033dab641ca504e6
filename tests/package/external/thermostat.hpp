#pragma once
// A scenario of one's own: a thermostat on one device. The reading is a
// Source; a Fahrenheit display derives from it in two steps, and the panel
// reads both the display and the reading (an uneven diamond, so a glitch
// would show); a Fold counts the readings (so a crash must restore it).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

inline frsim::sim::Scenario thermostat() {
  using frsim::core::Value;
  frsim::sim::Scenario s;
  s.name = "thermostat";
  s.description = "a reading, its Fahrenheit display, a comfort flag and a count of readings";
  s.create = [](frsim::core::Runtime& rt, const frsim::sim::DeviceContext&) {
    const auto celsius = rt.source(Value::integer(20), "celsius");
    const auto fahrenheit = rt.map(
        {celsius}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 9 / 5 + 32); },
        "fahrenheit");
    const auto display = rt.map(
        {fahrenheit}, [](std::span<const Value> in) { return Value::string(in[0].to_string() + " F"); }, "display");
    rt.map(
        {celsius, display},
        [](std::span<const Value> in) {
          return Value::string(in[1].as_string() + (in[0].as_int() < 18 ? ", cold" : ", comfortable"));
        },
        "panel");
    rt.fold(
        celsius, Value::integer(0), [](const Value& count, const Value&) { return Value::integer(count.as_int() + 1); },
        "readings");
  };
  s.workload = [](std::uint32_t /*device*/, std::uint32_t /*devices*/) {
    return std::vector{frsim::sim::Action::fire("celsius", Value::integer(25)),
                       frsim::sim::Action::fire("celsius", Value::integer(16))};
  };
  s.defaults.devices = 1;
  s.defaults.crashes = 1;                       // a crash anywhere, even mid-propagation
  s.defaults.grain = frsim::sim::Grain::fine;  // one rule of Fig. 8 per step
  return s;
}
