#include "checker/properties/lo_failure.hpp"

#include <charconv>

#include <fmt/format.h>

#include "checker/properties/lo_one_response.hpp"
#include "sim/lo/system.hpp"

namespace frsim::checker {

namespace {

// "... (answers #12) ..." -> 12.
std::optional<std::uint64_t> answers(std::string_view text) {
  constexpr std::string_view marker = "(answers #";
  const auto at = text.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::uint64_t id = 0;
  const char* first = text.data() + at + marker.size();
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), id);
  if (ec != std::errc() || end == first) return std::nullopt;
  return id;
}

bool is_lo_halt(const sim::Event& e) {
  return e.kind == sim::EventKind::aborted && e.message != 0 && e.text.starts_with("lo task");
}

bool is_lo_queued(const sim::Event& e) {
  return e.kind == sim::EventKind::delivered && e.text.starts_with("lo #") &&
         e.text.find(" queued at ") != std::string::npos;
}

// The n-th space-separated word of `text` ("" if it has fewer).
std::string word(std::string_view text, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return {};
    text.remove_prefix(space + 1);
  }
  return std::string(text.substr(0, text.find(' ')));
}

bool is_operation(sim::EventKind kind) {
  return kind == sim::EventKind::request || kind == sim::EventKind::sent || kind == sim::EventKind::response;
}

}  // namespace

void LoFailure::on_event(const sim::Event& e, const sim::World& /*world*/) {
  if (!must_drop_.empty() && e.step != halt_step_) check_dropped_in_time();
  if (!invalid_.empty() && e.step != invalid_.begin()->second.step) check_halted_in_time();
  if (is_lo_halt(e)) return on_halt(e);
  if (e.kind == sim::EventKind::aborted && e.text.starts_with("lo invalid operation in task at ")) {
    return on_invalid_operation(e);
  }
  if (e.kind == sim::EventKind::created && e.text.starts_with("lo bind ")) return on_bind(e);
  if (e.kind == sim::EventKind::dropped) {
    must_drop_.erase(e.message);
    return;
  }
  if (is_lo_queued(e)) {
    if (const auto subrequest = answers(e.text)) {
      on_queued(e, *subrequest);
    } else {
      check_stopped(e, word(e.text, 4), "a message was queued for it");  // "lo #7 queued at d0/s5"
    }
    return;
  }
  if (!is_operation(e.kind)) return;
  const auto tag = sim::lo::parse_tag(e.text);
  if (tag) on_operation(e, tag->task);
  if (e.text.starts_with("lo ") && e.text.find(" refused: ") == std::string::npos) {
    check_stopped(e, word(e.text, 3), "it performed an operation");  // "lo request #7 d0/s5 -> d1/s1"
  }
  // Responses without a tag (streams of other origins): a halted task's request got a success.
  const auto request = answered_request(e);
  if (tag || !request || !failed_requests_.contains(*request) || !is_success_response(e)) return;
  report(e.device, lo_service(e),
         fmt::format("d{}: the task answering request #{} halted on an invalid operation, yet the request got a "
                     "success response: \"{}\"",
                     e.device, *request, e.text),
         {e.text});
}

void LoFailure::on_schedule_end(const sim::World& /*world*/) {
  check_dropped_in_time();
  check_halted_in_time();
}

void LoFailure::on_bind(const sim::Event& e) {
  const auto tag = sim::lo::parse_tag(e.text);
  if (tag) bound_by_[word(e.text, 2)] = tag->task;  // "lo bind d0/s5 callback [task 3 of outer]"
}

void LoFailure::on_invalid_operation(const sim::Event& e) {
  const auto tag = sim::lo::parse_tag(e.text);
  if (!tag) return;
  count_judged();
  invalid_[tag->task] = Failed{e.device, tag->service, 0, e.step};
}

void LoFailure::check_halted_in_time() {
  if (invalid_.empty()) return;
  const auto& [task, f] = *invalid_.begin();
  report(f.device, f.service,
         fmt::format("d{}: task {} ({}) performed an invalid operation in step {} but was not halted in it",
                     f.device, task, f.service, f.step));
  invalid_.clear();
}

void LoFailure::check_stopped(const sim::Event& e, const std::string& address, std::string_view what) {
  const auto stopped = stopped_.find(address);
  if (stopped == stopped_.end()) return;
  const Failed& f = failed_.at(stopped->second);
  report(e.device, f.service,
         fmt::format("d{}: the nested service at {} was bound by task {} ({}), which halted in step {}; yet {}: "
                     "\"{}\"",
                     e.device, address, stopped->second, f.service, f.step, what, e.text),
         {e.text});
}

void LoFailure::on_halt(const sim::Event& e) {
  count_judged();  // a failed task, watched from here on
  failed_requests_.insert(e.message);
  const auto tag = sim::lo::parse_tag(e.text);
  if (!tag) return;
  failed_[tag->task] = Failed{e.device, tag->service, e.message, e.step};
  invalid_.erase(tag->task);
  for (const auto& [address, binder] : bound_by_) {
    if (binder == tag->task) stopped_[address] = tag->task;
  }
  for (const auto subrequest : tag->pending) {
    abandoned_[subrequest] = tag->task;
    // Pending: none of its queued responses was taken by the task, so all must go.
    auto queued = queued_.find(subrequest);
    if (queued == queued_.end()) continue;
    for (const auto response : queued->second) must_drop_[response] = Undropped{tag->task, subrequest};
    queued_.erase(queued);
    halt_step_ = e.step;
  }
}

void LoFailure::on_queued(const sim::Event& e, std::uint64_t subrequest) {
  const auto abandoned = abandoned_.find(subrequest);
  if (abandoned == abandoned_.end()) {
    queued_[subrequest].insert(e.message);
    return;
  }
  const Failed& failed = failed_.at(abandoned->second);
  report(e.device, failed.service,
         fmt::format("d{}: response #{} to subrequest #{} of task {} ({}) was queued for the task after it "
                     "halted on an invalid operation; it must be dropped: \"{}\"",
                     e.device, e.message, subrequest, abandoned->second, failed.service, e.text),
         {e.text});
}

void LoFailure::on_operation(const sim::Event& e, std::uint64_t task) {
  const auto failed = failed_.find(task);
  if (failed == failed_.end()) return;
  const Failed& f = failed->second;
  // "If the task is a request, the worker sends a failure response to the sender": in the step that halts it.
  const bool worker_failure_response = e.kind == sim::EventKind::response && e.step == f.step &&
                                       answered_request(e) == f.request && !is_success_response(e);
  if (worker_failure_response) return;
  report(e.device, f.service,
         fmt::format("d{}: task {} ({}) halted on an invalid operation in step {}, yet performed another "
                     "operation in step {}: \"{}\"",
                     e.device, task, f.service, f.step, e.step, e.text),
         {e.text});
}

void LoFailure::check_dropped_in_time() {
  if (must_drop_.empty()) return;
  const auto& [response, what] = *must_drop_.begin();
  const Failed& f = failed_.at(what.task);
  report(f.device, f.service,
         fmt::format("d{}: task {} ({}) halted on an invalid operation in step {}, but response #{} to its "
                     "subrequest #{}, already in its queue, was not dropped",
                     f.device, what.task, f.service, f.step, response, what.subrequest));
  must_drop_.clear();
}

}  // namespace frsim::checker
