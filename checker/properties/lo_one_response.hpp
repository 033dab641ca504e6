#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/property.hpp"

namespace frsim::checker {

// The request a response event answers: the world's answers to user fires
// carry the request id as their message; Lo responses name it in their text,
// "(answers #N)" (sim/lo/system.hpp lists the texts). nullopt for events that
// are not responses.
std::optional<std::uint64_t> answered_request(const sim::Event& event);
// A Lo response's success/failure, from its text ("lo success #..", "dN success: ..").
bool is_success_response(const sim::Event& event);
// The Lo service that performed a Lo event ("[task 4 of bank]"), or "" if the
// event names none: what a Lo finding reports as its "reactive".
std::string lo_service(const sim::Event& event);

// Lo (seed 001): "Once a worker has responded to a request, it cannot respond
// again – each request has at most one response."
//
// Judged on the stream: two response events answering the same request. The
// substrate refuses to post a second response from one task, but a program
// that tries is still seen: its attempt is a "refused" response event, then
// its task halts. The network may duplicate a request (sim/world.hpp): the
// copy runs as a task of its own and answers too. An answer equal to the
// first (same success or failure, same payload) is the one response again —
// what a duplicated response message would deliver anyway; a different one
// is a second response: the service is not idempotent.
class LoOneResponse final : public CopyableProperty<LoOneResponse> {
 public:
  std::string_view name() const override { return "lo-one-response"; }
  std::string_view source() const override { return "Lo"; }
  std::string_view description() const override { return "a request gets at most one response"; }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  struct Answer {
    std::string text;
    bool success = false;
    std::vector<core::Value> values;
  };
  std::uint64_t state_bytes() const override { return heap_bytes(answered_); }
  // request -> its first response (shared by the copies of the property: a
  // search copies it into every node of its frontier, DESIGN §6)
  std::map<std::uint64_t, std::shared_ptr<const Answer>> answered_;
};

}  // namespace frsim::checker
