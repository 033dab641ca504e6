#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.6 (Glitch Freedom): "for all inputs r' ∈ inputs(r, µ) \ {r} of r,
// there is no write D_{k-1} -r'->p D_k with k > j in p", j the reevaluation of r.
// Each reevaluation marks the inputs it read; a later write of a marked input
// in the same propagation is the glitch.
class GlitchFreedom final : public CopyableProperty<GlitchFreedom> {
 public:
  std::string_view name() const override { return "glitch-freedom"; }
  std::string_view source() const override { return "Lemma 4.6"; }
  std::string_view description() const override {
    return "no input of r is written after r's reevaluation in the same propagation";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  struct Device {
    PropagationStamps read;                // inputs read by some reevaluation
    std::vector<core::ReactiveId> reader;  // input -> the reactive that read it
    std::uint64_t heap_bytes() const { return checker::heap_bytes(read, reader); }
    void end() {
      read.clear();
      reader.clear();
    }
  };
  std::uint64_t state_bytes() const override { return heap_bytes(devices_); }
  std::vector<Device> devices_;
};

}  // namespace frsim::checker
