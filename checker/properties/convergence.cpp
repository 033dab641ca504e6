#include "checker/properties/convergence.hpp"

#include <fmt/format.h>

namespace frsim::checker {

namespace {

enum class Mark : std::uint8_t { unknown, visiting, replicated, local, constant };

Mark classify(const core::Runtime& rt, core::ReactiveId r, const std::vector<bool>& ok, std::vector<Mark>& marks) {
  Mark& m = marks[r];
  if (m != Mark::unknown && m != Mark::visiting) return m;
  if (m == Mark::visiting) return Mark::constant;  // no cycles in a valid store; be safe
  m = Mark::visiting;
  Mark result = Mark::constant;
  if (rt.is_distributed(r)) {
    result = Mark::replicated;
  } else if (rt.kind(r) == core::ReactiveKind::source) {
    result = r < ok.size() && ok[r] ? Mark::constant : Mark::local;
  } else {
    for (core::ReactiveId i : rt.inputs(r)) {
      if (i == r || i >= rt.size()) continue;  // a fold's own state; a restored constant
      const Mark im = classify(rt, i, ok, marks);
      if (im == Mark::local) {
        result = Mark::local;
        break;
      }
      if (im == Mark::replicated) result = Mark::replicated;
    }
  }
  marks[r] = result;
  return result;
}

}  // namespace

std::vector<bool> replicated_reactives(const core::Runtime& rt, const std::vector<bool>& local_sources_ok) {
  std::vector<Mark> marks(rt.size(), Mark::unknown);
  std::vector<bool> out(rt.size(), false);
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    out[r] = classify(rt, r, local_sources_ok, marks) == Mark::replicated;
  }
  return out;
}

void Convergence::on_schedule_end(const sim::World& world) {
  const core::Runtime* reference = nullptr;
  std::uint32_t reference_device = 0;
  std::vector<bool> replicated;
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const core::Runtime* rt = world.device(d).runtime();
    if (rt == nullptr) continue;  // healing restarts every device; a crashed one has nothing to compare
    if (reference == nullptr) {
      reference = rt;
      reference_device = d;
      replicated = replicated_reactives(*rt);
      continue;
    }
    const auto n = std::min<std::size_t>(rt->size(), reference->size());
    for (core::ReactiveId r = 0; r < n; ++r) {
      if (!replicated[r] || rt->value(r) == reference->value(r)) continue;
      report(d, rt->label(r),
             fmt::format("after healing d{} and d{} disagree on {} {}: {} vs {}", reference_device, d,
                         core::to_string(rt->kind(r)), describe(world, d, r), reference->value(r).to_string(),
                         rt->value(r).to_string()),
             {printed(reference->value(r)), printed(rt->value(r))});
      return;
    }
  }
}

}  // namespace frsim::checker
