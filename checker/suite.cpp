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
#include "checker/properties/program_errors.hpp"
#include "checker/properties/proper_snapshot.hpp"
#include "checker/properties/replay_determinism.hpp"
#include "checker/properties/restoration.hpp"
#include "checker/properties/sequential_spec.hpp"
#include "checker/properties/user_defined.hpp"
#include "core/error.hpp"

namespace frsim::checker {

std::string describe(const sim::World& world, std::uint32_t device, core::ReactiveId r) {
  const core::Runtime* rt = device < world.devices() ? world.device(device).runtime() : nullptr;
  if (rt != nullptr && r < rt->size() && !rt->label(r).empty()) return fmt::format("{} (r{})", rt->label(r), r);
  return fmt::format("r{}", r);
}

// At most printed_max characters: a value that grows without bound (a list
// merged by concatenation) would otherwise make a finding of megabytes.
std::string printed(const core::Value& v) {
  constexpr std::size_t printed_max = 2000;
  std::string text = v.to_string();
  if (text.size() <= printed_max) return text;
  const std::size_t size = text.size();
  text.resize(printed_max);
  return text + fmt::format("… ({} characters in all)", size);
}

bool joined_running_propagation(const sim::World& world, std::uint32_t device) {
  const core::Runtime* rt = device < world.devices() ? world.device(device).runtime() : nullptr;
  return rt != nullptr && rt->propagating() && !rt->active().empty();
}

Suite::Suite(std::vector<std::unique_ptr<Property>> properties) : properties_(std::move(properties)) {}

template <class F>
void Suite::each(F&& f) {
  for (auto& p : properties_) {
    f(*p);
    if (!finding_ && p->violated()) finding_ = std::make_shared<const sim::Finding>(*p->finding());
  }
}

void Suite::on_start(const sim::World& world) {
  each([&](Property& p) { p.on_start(world); });
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

std::uint64_t Suite::memory_bytes() const {
  std::uint64_t bytes = heap_block(sizeof(Suite)) + heap_block(properties_.capacity() * sizeof(properties_[0]));
  for (const auto& p : properties_) bytes += p->memory_bytes();
  return bytes;
}

std::vector<std::string> Suite::properties() const {
  std::vector<std::string> names;
  for (const auto& p : properties_) names.emplace_back(p->name());
  return names;
}

std::vector<sim::Finding> Suite::findings() const {
  std::vector<sim::Finding> out;
  for (const auto& p : properties_) {
    if (p->violated()) out.push_back(*p->finding());
  }
  return out;
}

std::vector<std::uint64_t> Suite::judged() const {
  std::vector<std::uint64_t> out;
  for (const auto& p : properties_) out.push_back(p->judged());
  return out;
}

std::set<std::string> Suite::notes() const {
  std::set<std::string> out;
  for (const auto& p : properties_) out.insert(p->notes().begin(), p->notes().end());
  return out;
}

namespace {

// Campaign-wide state shared by every monitor of one factory.
struct Campaign {
  explicit Campaign(std::uint32_t ready_orders = CheckOptions{}.ready_orders)
      : orders(std::make_shared<ReadyOrdersCache>(ready_orders)) {}
  std::shared_ptr<ConfluenceTable> confluence = std::make_shared<ConfluenceTable>();
  std::shared_ptr<ReadyOrdersCache> orders;
  std::shared_ptr<std::atomic<std::uint64_t>> schedules = std::make_shared<std::atomic<std::uint64_t>>(0);
  std::shared_ptr<SequentialOracle> oracle = std::make_shared<SequentialOracle>();
  std::shared_ptr<LawsChecked> laws = std::make_shared<LawsChecked>();
  std::shared_ptr<OperatorBenches> benches = std::make_shared<OperatorBenches>();
  std::vector<std::shared_ptr<const sim::UserProperty>> user;  // the scenario's own properties
};

// One schedule in this many is replayed for the replay-determinism self-check: a
// replay costs as much as the schedule itself.
constexpr std::uint64_t determinism_replay_every = 16;

std::vector<std::unique_ptr<Property>> make_all(const Campaign& c) {
  std::vector<std::unique_ptr<Property>> all;
  all.push_back(std::make_unique<AtMostOnce>());
  all.push_back(std::make_unique<GlitchFreedom>());
  all.push_back(std::make_unique<CompletePropagation>(c.benches, c.orders));
  all.push_back(std::make_unique<Confluence>(c.confluence, c.orders));
  all.push_back(std::make_unique<Determinism>(c.orders));
  all.push_back(std::make_unique<ReplayDeterminism>(c.schedules, determinism_replay_every));
  all.push_back(std::make_unique<Isolation>());
  all.push_back(std::make_unique<ProperSnapshot>());
  all.push_back(std::make_unique<Restoration>());
  all.push_back(std::make_unique<Convergence>());
  all.push_back(std::make_unique<SequentialSpec>(c.oracle));
  all.push_back(std::make_unique<LatticeLaws>(c.laws));
  all.push_back(std::make_unique<LoOneResponse>());
  all.push_back(std::make_unique<LoFailure>());
  all.push_back(std::make_unique<ProgramErrors>());
  for (const auto& p : c.user) all.push_back(std::make_unique<UserDefined>(p));
  return all;
}

std::string known_names(const std::vector<PropertyInfo>& known) {
  std::string names;
  for (const auto& i : known) {
    if (!names.empty()) names += ", ";
    names += i.name;
  }
  return names;
}

// A scenario's own properties need a name no other property has, and a predicate.
void check_user_properties(const sim::Scenario& scenario) {
  std::vector<std::string> seen;
  for (const auto& i : all_properties()) seen.push_back(i.name);
  for (const auto& p : scenario.properties) {
    if (p.name.empty()) throw core::Error(fmt::format("scenario {}: a property without a name", scenario.name));
    if (std::find(seen.begin(), seen.end(), p.name) != seen.end()) {
      throw core::Error(fmt::format("scenario {}: two properties named '{}'", scenario.name, p.name));
    }
    if (!p.predicate) throw core::Error(fmt::format("scenario {}: property '{}' has no predicate", scenario.name, p.name));
    seen.push_back(p.name);
  }
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

std::vector<PropertyInfo> properties_of(const sim::Scenario& scenario) {
  std::vector<PropertyInfo> out = all_properties();
  for (const auto& p : scenario.properties) {
    out.push_back({p.name, fmt::format("user: {}", sim::to_string(p.kind)), p.description,
                   p.kind == sim::UserProperty::Kind::sometimes});
  }
  return out;
}

std::string_view status(const PropertyInfo& property, bool checked, bool violated, std::uint64_t judged) {
  if (violated) return "violated";
  if (!checked) return "not_checked";
  if (judged > 0) return "holds";
  return property.reachability ? "never_reached" : "not_exercised";
}

sim::MonitorFactory monitor_factory(const sim::Scenario& scenario, const CheckOptions& options) {
  check_user_properties(scenario);
  const auto known = properties_of(scenario);
  for (const auto& wanted : options.properties) {
    if (std::none_of(known.begin(), known.end(), [&](const PropertyInfo& i) { return i.name == wanted; })) {
      throw core::Error(fmt::format("unknown property '{}'; known: {}", wanted, known_names(known)));
    }
  }
  if (options.ready_orders > ready_orders_max) {
    throw core::Error(fmt::format("ready orders: {} is more than {}", options.ready_orders, ready_orders_max));
  }
  auto campaign = std::make_shared<Campaign>(options.ready_orders);
  for (const auto& p : scenario.properties) campaign->user.push_back(std::make_shared<const sim::UserProperty>(p));
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
