#pragma once
#include <map>

#include "checker/property.hpp"

namespace frsim::checker {

// Paper §4.8: "Distributed reactives in FR have a commutativity and idempotent
// merge function"; CRDT laws (seed 000: "CRDTs ... operations with special
// mathematical properties"). On every (receive) of lattice values: the result
// is the join, the join commutes, is idempotent and inflates both sides; and
// associativity on a bounded sample of values seen per reactive.
class LatticeLaws final : public CopyableProperty<LatticeLaws> {
 public:
  std::string_view name() const override { return "lattice-laws"; }
  std::string_view source() const override { return "CRDTs"; }
  std::string_view description() const override {
    return "merges seen in the run are associative, commutative, idempotent and inflationary";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  static constexpr std::size_t sample_max = 4;
  void check(const sim::Event& e, const core::Value& local, const core::Value& remote, const core::Value& result);
  std::map<std::string, std::vector<core::Value>> samples_;  // reactive label -> recent values
};

}  // namespace frsim::checker
