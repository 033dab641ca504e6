#include "checker/suite.hpp"

#include <algorithm>
#include <atomic>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "checker/properties/at_most_once.hpp"
#include "checker/properties/complete_propagation.hpp"
#include "checker/properties/confluence.hpp"
#include "checker/properties/convergence.hpp"
#include "checker/properties/determinism.hpp"
#include "checker/properties/glitch_freedom.hpp"
#include "checker/properties/isolation.hpp"
#include "checker/properties/lattice_laws.hpp"
#include "checker/properties/lo_failure.hpp"
#include "checker/properties/lo_one_response.hpp"
#include "checker/properties/proper_snapshot.hpp"
#include "checker/properties/restoration.hpp"
#include "checker/properties/sequential_spec.hpp"
#include "core/error.hpp"

namespace frsim::checker {

std::string describe(const sim::World& world, std::uint32_t device, core::ReactiveId r) {
  const core::Runtime* rt = device < world.devices() ? world.device(device).runtime() : nullptr;
  if (rt != nullptr && r < rt->size() && !rt->label(r).empty()) return fmt::format("{} (r{})", rt->label(r), r);
  return fmt::format("r{}", r);
}

std::string printed(const core::Value& v) { return v.to_string(); }

bool joined_running_propagation(const sim::World& world, std::uint32_t device) {
  const core::Runtime* rt = device < world.devices() ? world.device(device).runtime() : nullptr;
  return rt != nullptr && rt->propagating() && !rt->active().empty();
}

Suite::Suite(std::vector<std::unique_ptr<Property>> properties) : properties_(std::move(properties)) {}

template <class F>
void Suite::each(F&& f) {
  for (auto& p : properties_) {
    f(*p);
    if (!finding_ && p->finding()) finding_ = p->finding();
  }
}

void Suite::on_event(const sim::Event& event, const sim::World& world) {
  each([&](Property& p) { p.on_event(event, world); });
}
void Suite::on_transition(const sim::World& world) {
  each([&](Property& p) { p.on_transition(world); });
}
void Suite::on_schedule_end(const sim::World& world) {
  each([&](Property& p) { p.on_schedule_end(world); });
}

std::unique_ptr<sim::Monitor> Suite::clone() const {
  std::vector<std::unique_ptr<Property>> copies;
  copies.reserve(properties_.size());
  for (const auto& p : properties_) copies.push_back(p->clone());
  auto suite = std::make_unique<Suite>(std::move(copies));
  suite->finding_ = finding_;
  return suite;
}

std::vector<std::string> Suite::properties() const {
  std::vector<std::string> names;
  for (const auto& p : properties_) names.emplace_back(p->name());
  return names;
}

namespace {

// Campaign-wide state shared by every monitor of one factory.
struct Campaign {
  std::shared_ptr<ConfluenceTable> confluence = std::make_shared<ConfluenceTable>();
  std::shared_ptr<std::atomic<std::uint64_t>> schedules = std::make_shared<std::atomic<std::uint64_t>>(0);
};

// One schedule in this many is replayed for the determinism property: a
// replay costs as much as the schedule itself.
constexpr std::uint64_t determinism_replay_every = 16;

std::vector<std::unique_ptr<Property>> make_all(const Campaign& c) {
  std::vector<std::unique_ptr<Property>> all;
  all.push_back(std::make_unique<AtMostOnce>());
  all.push_back(std::make_unique<GlitchFreedom>());
  all.push_back(std::make_unique<CompletePropagation>());
  all.push_back(std::make_unique<Confluence>(c.confluence));
  all.push_back(std::make_unique<Determinism>(c.schedules, determinism_replay_every));
  all.push_back(std::make_unique<Isolation>());
  all.push_back(std::make_unique<ProperSnapshot>());
  all.push_back(std::make_unique<Restoration>());
  all.push_back(std::make_unique<Convergence>());
  all.push_back(std::make_unique<SequentialSpec>());
  all.push_back(std::make_unique<LatticeLaws>());
  all.push_back(std::make_unique<LoOneResponse>());
  all.push_back(std::make_unique<LoFailure>());
  return all;
}

}  // namespace

const std::vector<PropertyInfo>& all_properties() {
  static const std::vector<PropertyInfo> infos = [] {
    std::vector<PropertyInfo> out;
    for (const auto& p : make_all(Campaign{})) {
      out.push_back({std::string(p->name()), std::string(p->source()), std::string(p->description())});
    }
    return out;
  }();
  return infos;
}

sim::MonitorFactory monitor_factory(const sim::Scenario& /*scenario*/, const CheckOptions& options) {
  for (const auto& wanted : options.properties) {
    const auto& known = all_properties();
    if (std::none_of(known.begin(), known.end(), [&](const PropertyInfo& i) { return i.name == wanted; })) {
      std::string names;
      for (const auto& i : known) {
        if (!names.empty()) names += ", ";
        names += i.name;
      }
      throw core::Error(fmt::format("unknown property '{}'; known: {}", wanted, names));
    }
  }
  auto campaign = std::make_shared<Campaign>();
  return [campaign, wanted = options.properties]() -> std::unique_ptr<sim::Monitor> {
    auto all = make_all(*campaign);
    if (!wanted.empty()) {
      std::erase_if(all, [&](const std::unique_ptr<Property>& p) {
        return std::find(wanted.begin(), wanted.end(), p->name()) == wanted.end();
      });
    }
    return std::make_unique<Suite>(std::move(all));
  };
}

}  // namespace frsim::checker
