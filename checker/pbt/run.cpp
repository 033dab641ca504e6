#include "checker/pbt/run.hpp"

#include <algorithm>
#include <charconv>
#include <exception>
#include <memory>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "sim/event.hpp"
#include "sim/world.hpp"

namespace frsim::checker::pbt {

namespace {

// Feeds the world's events to the monitor once the world is whole (events of
// its construction are not judged, as in checker::replay).
class Judge final : public sim::EventSink {
 public:
  explicit Judge(sim::Monitor& monitor) : monitor_(monitor) {}
  void attach(const sim::World& world) { world_ = &world; }
  void on_event(const sim::Event& event) override {
    if (world_ != nullptr) monitor_.on_event(event, *world_);
  }

 private:
  sim::Monitor& monitor_;
  const sim::World* world_ = nullptr;
};

// Counts accepted shrinks; prints nothing (the CLI prints the result).
class Quiet final : public rc::detail::TestListener {
 public:
  int shrinks = 0;
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override { shrinks += accepted ? 1 : 0; }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// A harness exception on a generated case is a finding too (it names the
// case), never a crash of the campaign.
CaseResult run_guarded(const ProgramSpec& spec, const PbtOptions& options) {
  try {
    return run_case(spec, options.mutant, options.check);
  } catch (const std::exception& e) {
    CaseResult r;
    r.finding = sim::Finding{"exception", fmt::format("running the case threw: {}", e.what()), sim::no_device, {}, {}};
    return r;
  }
}

// The spec without node k, if nothing reads it: later indices shift down and
// its fires go. RapidCheck cannot do this on its own: removing a node gene
// shifts every later selector, so a node that only fills an index stays.
std::optional<ProgramSpec> without_node(const ProgramSpec& spec, std::uint32_t k) {
  if (spec.nodes.size() <= 1) return std::nullopt;
  for (const Node& n : spec.nodes) {
    if (std::find(n.inputs.begin(), n.inputs.end(), k) != n.inputs.end()) return std::nullopt;
  }
  ProgramSpec out = spec;
  out.nodes.erase(out.nodes.begin() + k);
  for (Node& n : out.nodes) {
    for (auto& input : n.inputs) input -= input > k ? 1 : 0;
  }
  for (auto& fires : out.workloads) {
    std::vector<Fire> kept;
    for (Fire f : fires) {
      if (f.node == k) continue;
      const bool retarget = spec.nodes[f.node].kind == NodeKind::flatten;
      if (retarget && f.value == static_cast<std::int64_t>(k)) return std::nullopt;
      if (retarget && f.value > static_cast<std::int64_t>(k)) --f.value;
      if (f.node > k) --f.node;
      kept.push_back(f);
    }
    fires = std::move(kept);
  }
  validate(out);  // pair assertion: removal keeps a spec well formed
  return out;
}

// The spec without device d and its workload, if another device remains.
// RapidCheck cannot do this on its own either: fewer devices leave the last
// device's workload out, which is often the one that shows the bug.
std::optional<ProgramSpec> without_device(const ProgramSpec& spec, std::uint32_t d) {
  if (spec.world.devices <= 1) return std::nullopt;
  ProgramSpec out = spec;
  out.workloads.erase(out.workloads.begin() + d);
  --out.world.devices;
  if (out.world.devices < 2) out.world.partitions = 0;  // as normalize(): nobody to be partitioned from
  validate(out);  // pair assertion: removal keeps a spec well formed
  return out;
}

// After RapidCheck: remove nodes nothing reads and devices while the same
// property fails.
ProgramSpec remove_unneeded(ProgramSpec spec, const std::string& property, const PbtOptions& options, int& shrinks) {
  const auto keep_if_fails = [&](const std::optional<ProgramSpec>& candidate) {
    if (!candidate) return false;
    const auto r = run_guarded(*candidate, options);
    if (!r.finding || r.finding->property != property) return false;
    spec = *candidate;
    ++shrinks;
    return true;
  };
  for (bool progress = true; progress;) {
    progress = false;
    for (auto k = static_cast<std::uint32_t>(spec.nodes.size()); k-- > 0;) {
      progress = keep_if_fails(without_node(spec, k)) || progress;
    }
    for (auto d = spec.world.devices; d-- > 0;) progress = keep_if_fails(without_device(spec, d)) || progress;
  }
  return spec;
}

// The inverse of sim::hex16: exactly 16 hex digits.
std::uint64_t parse_hex16(const nlohmann::json& j) {
  const std::string text = j.is_string() ? j.get<std::string>() : std::string();
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.size() != 16 || error != std::errc() || end != text.data() + text.size()) {
    throw core::Error("pbt case file: \"event_hash\" must be 16 hex digits");
  }
  return value;
}

void check_options(const PbtOptions& options) {
  if (options.cases < 1) throw core::Error(fmt::format("pbt: --cases must be at least 1, not {}", options.cases));
  if (options.size_max < 1 || options.size_max > static_cast<int>(nodes_max)) {
    throw core::Error(fmt::format("pbt: --max-size must be in [1, {}], not {}", nodes_max, options.size_max));
  }
  if (options.gen.devices_max < 1 || options.gen.devices_max > sim::devices_max) {
    throw core::Error(fmt::format("pbt: devices_max must be in [1, {}]", sim::devices_max));
  }
}

}  // namespace

CaseResult run_case(const ProgramSpec& spec, const Mutant* mutant, const CheckOptions& check, bool record_events) {
  sim::Scenario scenario = to_scenario(spec);
  if (mutant != nullptr) scenario = with_mutant(std::move(scenario), *mutant);
  auto monitor = monitor_factory(scenario, check)();
  Judge judge(*monitor);
  sim::World world(scenario, spec.world, spec.world_seed, &judge);
  world.set_record_events(record_events);
  judge.attach(world);
  monitor->on_start(world);
  CaseResult result;
  for (const std::uint32_t choice : spec.schedule) {
    const auto enabled = world.enabled();
    if (enabled.empty()) break;
    const std::size_t index = choice % enabled.size();
    result.choices.emplace_back(index, enabled[index].description());
    world.apply_enabled(enabled, index);
    monitor->on_transition(world);
  }
  world.heal();
  monitor->on_schedule_end(world);
  result.finding = monitor->finding();
  result.event_hash = world.event_hash();
  if (record_events) result.events = world.events();
  return result;
}

PbtResult run_pbt(const PbtOptions& options) {
  check_options(options);
  std::optional<ProgramSpec> first_failure;
  std::optional<ProgramSpec> last_failure;  // RapidCheck re-runs candidates; the last failing one is minimal
  int failing_runs = 0;
  const auto property = [&] {
    const ProgramSpec spec = *program_spec(options.gen);
    const CaseResult r = run_guarded(spec, options);
    if (!r.finding) return;
    if (failing_runs++ == 0) first_failure = spec;
    last_failure = spec;
    RC_FAIL(fmt::format("{}: {}", r.finding->property, r.finding->message));
  };
  rc::detail::TestParams params;
  params.seed = options.seed;
  params.maxSuccess = options.cases;
  params.maxSize = options.size_max;
  rc::detail::TestMetadata metadata;
  metadata.id = "frsim pbt";
  metadata.description = "every property holds on generated programs";
  Quiet listener;
  // An explicit (empty) reproduce map: RapidCheck then never loads its global
  // configuration (RC_PARAMS), which would print a random seed to stderr.
  const std::unordered_map<std::string, rc::detail::Reproduce> no_reproduce;
  const auto outcome = rc::detail::checkTestable(property, metadata, params, listener, no_reproduce);

  PbtResult result;
  if (rc::detail::SuccessResult success; outcome.match(success)) {
    result.cases_passed = success.numSuccess;
    return result;
  }
  rc::detail::FailureResult failure;
  if (!outcome.match(failure) || !last_failure) {
    std::ostringstream text;
    rc::detail::printResultMessage(outcome, text);
    throw core::Error(fmt::format("pbt: RapidCheck did not finish: {}", text.str()));
  }
  result.cases_passed = failure.numSuccess;
  PbtFailure f;
  f.original = *first_failure;
  f.shrinks = listener.shrinks;
  const auto kept = run_guarded(*last_failure, options);
  // Pair assertion: the minimal case RapidCheck kept must still fail on its own.
  if (!kept.finding) throw core::Error("pbt: the shrunk case no longer fails (nondeterministic engine?)");
  f.minimal = remove_unneeded(*last_failure, kept.finding->property, options, f.shrinks);
  f.minimal_run = run_guarded(f.minimal, options);
  f.finding = *f.minimal_run.finding;
  result.failure = std::move(f);
  return result;
}

nlohmann::json case_to_json(const ProgramSpec& spec, const Mutant* mutant, std::optional<std::uint64_t> event_hash) {
  nlohmann::json j = {{"format", case_format},
                      {"version", case_version},
                      {"mutant", mutant == nullptr ? nlohmann::json(nullptr) : nlohmann::json(mutant->name)},
                      {"program", to_json(spec)}};
  if (event_hash) j["event_hash"] = sim::hex16(*event_hash);
  return j;
}

bool is_case_file(const nlohmann::json& j) {
  return j.is_object() && j.contains("format") && j.at("format") == case_format;
}

CaseFile case_from_json(const nlohmann::json& j) {
  const auto version = j.is_object() ? j.find("version") : j.end();
  if (!is_case_file(j) || version == j.end() || *version != case_version) {
    throw core::Error(fmt::format("not an {} case file (format \"{}\", version {})", case_format, case_format,
                                  case_version));
  }
  CaseFile file;
  if (j.contains("mutant") && !j.at("mutant").is_null()) {
    if (!j.at("mutant").is_string()) throw core::Error("pbt case file: \"mutant\" must be a string or null");
    const auto name = j.at("mutant").get<std::string>();
    file.mutant = find_mutant(name);
    if (file.mutant == nullptr) throw core::Error(fmt::format("pbt case file: unknown mutant '{}'", name));
  }
  if (!j.contains("program")) throw core::Error("pbt case file: no \"program\"");
  file.spec = spec_from_json(j.at("program"));
  if (j.contains("event_hash")) file.event_hash = parse_hex16(j.at("event_hash"));
  return file;
}

}  // namespace frsim::checker::pbt
