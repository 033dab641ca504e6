#pragma once
#include <map>
#include <optional>
#include <string>

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
// substrate refuses to post a second response, but a program that tries is
// still seen: its attempt is a "refused" response event, then its task halts.
class LoOneResponse final : public CopyableProperty<LoOneResponse> {
 public:
  std::string_view name() const override { return "lo-one-response"; }
  std::string_view source() const override { return "Lo"; }
  std::string_view description() const override { return "a request gets at most one response"; }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  std::map<std::uint64_t, std::string> answered_;  // request -> first response's text
};

}  // namespace frsim::checker
