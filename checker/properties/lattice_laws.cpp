#include "checker/properties/lattice_laws.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/receive.hpp"

namespace frsim::checker {

// ---- M(r), from a scratch runtime -----------------------------------------------

namespace {

// A (receive) that keeps the merge function it is handed and changes nothing.
class CaptureMerge final : public core::Receiver {
 public:
  explicit CaptureMerge(core::MergeFunction* into) : into_(into) {}
  core::Value merge(core::ReactiveId, const core::MergeFunction& merge, const core::Value& local,
                    const core::Value&) const override {
    *into_ = merge;
    return local;
  }
  core::ReceiveEffect effect(core::ReactiveId) const override { return core::ReceiveEffect::write_only; }

 private:
  core::MergeFunction* into_;
};

}  // namespace

struct MergeFunctions::Device {
  core::Snapshot sigma;
  core::MergeFunction slot;
  std::unique_ptr<core::Runtime> runtime;  // kept: the merge functions were made by its creation code
  std::map<std::string, core::MergeFunction> merges;
};

const core::MergeFunction* MergeFunctions::find(std::uint32_t device, const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& built = built_[device];
  if (!built) {
    built = std::make_shared<Device>();
    core::RuntimeOptions options;  // the plain engine: the program's merge, not a mutant's
    options.receiver = std::make_shared<CaptureMerge>(&built->slot);
    try {
      built->runtime = std::make_unique<core::Runtime>(built->sigma, std::move(options));
      scenario_->create(*built->runtime, sim::DeviceContext{device, devices_});
      for (const auto& [n, r] : built->runtime->distributed()) {
        built->runtime->receive(n, built->runtime->value(r));
        built->merges[n] = std::exchange(built->slot, {});
      }
    } catch (const core::Error&) {
      built->merges.clear();  // the world's own creation would have failed the same way
    }
  }
  auto it = built->merges.find(name);
  return it == built->merges.end() || !it->second ? nullptr : &it->second;
}

// A reactive the creation code does not make (a workload action's creation,
// an operator's, a promotion's replica) has no entry in MergeFunctions: its
// M(r) is the device's own, as its graph holds it (Runtime::merge_function;
// an engine mutant changes the receiver that applies it, not M(r)).
namespace {
const core::MergeFunction* live_merge(const sim::World& world, std::uint32_t device, const std::string& name) {
  const core::Runtime* rt = world.device(device).runtime();
  if (rt == nullptr) return nullptr;
  const auto r = rt->find(name);
  return r ? rt->merge_function(*r) : nullptr;
}
}  // namespace

// ---- the laws -------------------------------------------------------------------

LawsChecked::Key LawsChecked::key(What what, std::uint32_t device, std::uint64_t reactive_hash, std::uint64_t a,
                                  std::uint64_t b, std::uint64_t c) {
  std::uint64_t h = core::hash_combine(0x6c617773ULL + static_cast<std::uint64_t>(what), device);
  h = core::hash_combine(core::hash_combine(h, reactive_hash), a);
  return core::hash_combine(core::hash_combine(h, b), c);
}

bool LawsChecked::contains(Key key) const {
  std::lock_guard lock(mutex_);
  return held_.contains(key);
}

void LawsChecked::insert(Key key) {
  std::lock_guard lock(mutex_);
  if (held_.size() < entries_max) held_.insert(key);
}

std::shared_ptr<MergeFunctions> LawsChecked::merges(const sim::World& world) {
  std::lock_guard lock(mutex_);
  if (!merges_ || merges_->scenario() != &world.scenario() || merges_->devices() != world.devices()) {
    merges_ = std::make_shared<MergeFunctions>(world.scenario_ptr(), world.devices());
  }
  return merges_;
}

const core::MergeFunction* LatticeLaws::merge_of(const sim::World& world, std::uint32_t device,
                                                 const std::string& name) {
  if (!merges_ || merges_->scenario() != &world.scenario() || merges_->devices() != world.devices()) {
    merges_ = held_->merges(world);
  }
  const core::MergeFunction* m = merges_->find(device, name);
  return m != nullptr ? m : live_merge(world, device, name);
}

void LatticeLaws::on_event(const sim::Event& e, const sim::World& world) {
  if (e.kind == sim::EventKind::aborted && e.values.size() == 2 && e.device != sim::no_device) {
    return on_failed_merge(e, world);
  }
  if (e.kind != sim::EventKind::merged || e.values.size() != 3 || e.device == sim::no_device) return;
  // The first broken law is the finding; a merge that keeps breaking them
  // (a list merged by concatenation doubles at each receive) is not judged
  // and printed again.
  if (violated()) return;
  const auto& local = e.values[0];
  const auto& remote = e.values[1];
  const auto& result = e.values[2];
  const core::MergeFunction* m = merge_of(world, e.device, e.reactive_label);
  if (m == nullptr) return;
  count_judged();
  std::optional<std::string> threw;
  const Merge merge = [m, &threw](const core::Value& a, const core::Value& b) -> std::optional<core::Value> {
    try {
      return (*m)(a, b);
    } catch (const core::Error& error) {
      threw = fmt::format("M({}, {}) failed: {}", a.to_string(), b.to_string(), error.what());
      return std::nullopt;
    }
  };
  // The pair's laws may have held in another schedule; its values still
  // join this schedule's sample, whose triples may be new.
  const LawsChecked::Key pair = LawsChecked::key(LawsChecked::What::pair, e.device, core::hash_bytes(e.reactive_label),
                                                local.hash(), remote.hash(), result.hash());
  const bool held = held_->contains(pair);
  if (!held) check(e, merge, local, remote, result);
  for (const core::Value* x : {&local, &remote, &result}) {
    if (!violated()) check_associativity(e, merge, *x);
  }
  if (threw && !violated()) fail(e, "totality", *threw, {local, remote});
  if (!held && !violated()) held_->insert(pair);
}

// A receive whose M(r) threw on the values a run produced (World's
// merge_failed event): M(r) is not a join on this lattice's values (a join
// is total), and the message is lost. Judged with the program's M(r), so a
// mutant receiver that throws is not blamed on the program.
void LatticeLaws::on_failed_merge(const sim::Event& e, const sim::World& world) {
  if (violated()) return;
  const core::MergeFunction* m = merge_of(world, e.device, e.reactive_label);
  if (m == nullptr) return;
  count_judged();
  const auto& local = e.values[0];
  const auto& remote = e.values[1];
  try {
    (void)(*m)(local, remote);
  } catch (const core::Error& error) {
    fail(e, "totality",
         fmt::format("the receive was aborted: M({}, {}) failed: {}", local.to_string(), remote.to_string(),
                     error.what()),
         {local, remote});
  }
}

void LatticeLaws::check(const sim::Event& e, const Merge& merge, const core::Value& local, const core::Value& remote,
                        const core::Value& result) {
  const auto same = [&](const core::Value& a, const core::Value& b, const core::Value& expected) {
    const auto v = merge(a, b);
    return v && *v == expected;
  };
  const auto shown = [&](const core::Value& a, const core::Value& b) {
    const auto v = merge(a, b);
    return fmt::format("M({}, {}) = {}", a.to_string(), b.to_string(), v ? v->to_string() : "(failed)");
  };
  // Fig. 9 (receive): v = merge(µ(r).val, vr) with merge = M(r).
  if (const auto first = merge(local, remote); !first || !(*first == result)) {
    // Asked twice, a merge that reads something besides its inputs (a
    // counter, a clock) may answer twice differently: then that is what is
    // wrong, not the receive (the fifth probe's toggle).
    const auto again = merge(local, remote);
    if (first && again && !(*again == *first)) {
      return fail(e, "M(r) is a function of its inputs",
                  fmt::format("M({}, {}) gave {} and, asked again, {} (the receive got {}): the merge reads something "
                              "besides its two inputs",
                              local.to_string(), remote.to_string(), first->to_string(), again->to_string(),
                              result.to_string()),
                  {local, remote, result});
    }
    return fail(e, "M(r) (the receive applied another merge)",
                fmt::format("the receive gave {}, but M({}, {}) = {}", result.to_string(), local.to_string(),
                            remote.to_string(), first ? first->to_string() : "(failed)"),
                {local, remote, result});
  }
  if (!same(remote, local, result)) {
    return fail(e, "commutativity", fmt::format("{} but {}", shown(local, remote), shown(remote, local)),
                {local, remote});
  }
  for (const core::Value* x : {&local, &remote, &result}) {
    if (!same(*x, *x, *x)) return fail(e, "idempotence", shown(*x, *x), {*x});
  }
  // An upper bound in the merge's own order (a ≤ b iff M(a, b) = b): the
  // merge never loses what either side had.
  for (const core::Value* x : {&local, &remote}) {
    if (!same(*x, result, result)) {
      return fail(e, "inflation (the result is not above both sides)",
                  fmt::format("{}, yet {}", shown(local, remote), shown(*x, result)), {local, remote, result});
    }
  }
}

// A value not seen before for this reactive joins the sample; the triples
// that contain it are checked, oldest values first, within triples_max.
void LatticeLaws::check_associativity(const sim::Event& e, const Merge& merge, const core::Value& x) {
  auto& sample = samples_[e.reactive_label];
  if (std::find(sample.begin(), sample.end(), x) != sample.end() || sample.size() >= sample_max) return;
  sample.push_back(x);
  const std::uint64_t reactive_hash = core::hash_bytes(e.reactive_label);
  const auto assoc = [&](const core::Value& a, const core::Value& b, const core::Value& c) {
    const LawsChecked::Key triple =
        LawsChecked::key(LawsChecked::What::triple, e.device, reactive_hash, a.hash(), b.hash(), c.hash());
    if (held_->contains(triple)) return true;
    ++triples_;
    const auto ab = merge(a, b);
    const auto bc = merge(b, c);
    if (!ab || !bc) return true;  // a failing merge is reported as such
    const auto left = merge(*ab, c);
    const auto right = merge(a, *bc);
    if (!left || !right) return true;
    if (*left == *right) {
      held_->insert(triple);
      return true;
    }
    fail(e, "associativity",
         fmt::format("M(M({0}, {1}), {2}) = {3} but M({0}, M({1}, {2})) = {4}", a.to_string(), b.to_string(),
                     c.to_string(), left->to_string(), right->to_string()),
         {a, b, c});
    return false;
  };
  for (const auto& a : sample) {
    for (const auto& b : sample) {
      if (triples_ + 3 > triples_max) return;
      if (!assoc(x, a, b) || !assoc(a, x, b) || !assoc(a, b, x)) return;
    }
  }
}

void LatticeLaws::fail(const sim::Event& e, const std::string& law, const std::string& detail,
                       std::vector<core::Value> values) {
  std::vector<std::string> printed_values;
  for (const auto& v : values) printed_values.push_back(printed(v));
  report(e.device, e.reactive_label,
         fmt::format("d{}: the merge M(r) of {} breaks {}: {}", e.device, e.reactive_label, law, detail),
         std::move(printed_values));
}

}  // namespace frsim::checker
