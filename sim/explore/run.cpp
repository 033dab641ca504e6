#include "sim/explore/run.hpp"

#include <cassert>

namespace frsim::sim::explore {

class Run::Sink final : public EventSink {
 public:
  Sink(Monitor& monitor, const World& world) : monitor_(monitor), world_(world) {}
  void on_event(const Event& event) override { monitor_.on_event(event, world_); }
  bool wants_events() const override { return monitor_.wants_events(); }

 private:
  Monitor& monitor_;
  const World& world_;
};

Run::Run(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config, std::uint64_t seed,
         const MonitorFactory& monitors)
    : world_(std::make_unique<World>(scenario, config, seed)), monitor_(monitors()) {
  assert(monitor_ != nullptr);
  // The events of the world's construction (step 0) are not judged, as in
  // checker::replay: properties read the world's state, which is only whole
  // after construction (handing them over afterwards made every creation-time
  // propagation look incomplete). The initial state itself is judged.
  attach();
  monitor_->on_start(*world_);
}

Run::Run(std::unique_ptr<World> world, std::unique_ptr<Monitor> monitor)
    : world_(std::move(world)), monitor_(std::move(monitor)) {
  attach();
}

Run::~Run() {
  if (world_) world_->set_sink(nullptr);
}

std::unique_ptr<Run> Run::replay(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                                 std::uint64_t seed, const MonitorFactory& monitors,
                                 const std::vector<std::uint32_t>& indices) {
  auto run = std::make_unique<Run>(scenario, config, seed, monitors);
  for (auto index : indices) run->apply_index(index);
  return run;
}

std::unique_ptr<Run> Run::branch() const { return std::make_unique<Run>(world_->clone(), monitor_->clone()); }

void Run::explore_mode(const std::atomic<bool>* stop, bool hash_events) {
  world_->set_record_events(false);
  world_->set_keep_choices(false);
  world_->set_hash_events(hash_events || monitor_->wants_events());
  world_->set_stop(stop);
}

void Run::attach() {
  sink_ = std::make_unique<Sink>(*monitor_, *world_);
  world_->set_sink(sink_.get());
}

void Run::apply(const Transition& t) {
  world_->apply(t);
  monitor_->on_transition(*world_);
}

void Run::apply_index(std::size_t index) {
  world_->apply_index(index);
  monitor_->on_transition(*world_);
}

std::uint64_t Run::walk(std::uint64_t transitions, Prng& prng) {
  std::vector<Transition> enabled;
  for (std::uint64_t done = 0; done < transitions; ++done) {
    world_->list(enabled);
    if (enabled.empty()) return done;
    apply_enabled(enabled, prng.below(enabled.size()));
  }
  return transitions;
}

void Run::apply_enabled(const std::vector<Transition>& enabled, std::size_t index) {
  world_->apply_enabled(enabled, index);
  monitor_->on_transition(*world_);
}

void Run::finish() {
  world_->heal();
  monitor_->on_schedule_end(*world_);
}

}  // namespace frsim::sim::explore
