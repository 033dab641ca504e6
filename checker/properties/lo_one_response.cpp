#include "checker/properties/lo_one_response.hpp"

#include <charconv>

#include <fmt/format.h>

#include "sim/lo/system.hpp"

namespace frsim::checker {

std::optional<std::uint64_t> answered_request(const sim::Event& e) {
  if (e.kind != sim::EventKind::response) return std::nullopt;
  constexpr std::string_view marker = "(answers #";
  const auto at = e.text.find(marker);
  if (at == std::string::npos) return e.message;
  std::uint64_t id = 0;
  const char* first = e.text.data() + at + marker.size();
  const auto [end, ec] = std::from_chars(first, e.text.data() + e.text.size(), id);
  if (ec != std::errc() || end == first) return std::nullopt;
  return id;
}

bool is_success_response(const sim::Event& e) {
  return e.text.find("success") != std::string::npos && e.text.find("failure") == std::string::npos;
}

std::string lo_service(const sim::Event& e) {
  auto tag = sim::lo::parse_tag(e.text);
  return tag ? std::move(tag->service) : std::string();
}

void LoOneResponse::on_event(const sim::Event& e, const sim::World& /*world*/) {
  const auto request = answered_request(e);
  if (!request) return;
  count_judged();
  const bool refused = e.text.find(" refused: ") != std::string::npos;
  auto [it, first] = answered_.try_emplace(*request);
  if (first) it->second = std::make_shared<const Answer>(Answer{e.text, is_success_response(e), e.values});
  if (first && !refused) return;
  const Answer& before = *it->second;
  if (!refused && before.success == is_success_response(e) && before.values == e.values) return;
  report(e.device, lo_service(e),
         fmt::format("d{}: request #{} got a second response: \"{}\" after \"{}\"", e.device, *request, e.text,
                     before.text),
         {before.text, e.text});
}

}  // namespace frsim::checker
