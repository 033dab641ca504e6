// The paper's running example (Fig. 1): a peer-to-peer chat on every device.
//
//   val name = Source("")
//   val text = Source("")
//   val message = (name, text).Map{n => i => append(n, ": ", i)}
//   val room1 = message.Fold(nilCRDT("topic1")){state => m => consCRDT(state, m)}
//   val room2 = Source(nilCRDT("topic2"))
//   val roomList = Source(room1, room2)
//   val index = Source(0)
//   val selectedRoom = (roomList, index).Map{l => n => lookup(l, n)}
//   val roomContent = selectedRoom.Flatten
//   val contentWidget = roomContent.Map{content => listWidget(content)}
//
// nilCRDT/consCRDT are the RGA list CRDT (empty list, append at the end);
// room1 is the distributed fold "topic1" and room2 the distributed source
// "topic2" (§2.3). Users type messages (fire name/text) and switch rooms
// (fire index); `lookup` is Lo's checked array fetch, so an index past the
// room list is an invalid operation that aborts the action.

#include <fmt/format.h>

#include "core/crdt/rga.hpp"
#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"

namespace frsim::scenarios {

namespace {

core::Value cons_crdt(const core::Value& state, const core::Value& message, std::uint32_t replica) {
  const auto& list = core::crdt::as<core::crdt::Rga>(state);
  return core::crdt::to_value(list.insert(replica, list.size(), message));
}

const char* user_name(std::uint32_t device) {
  static constexpr const char* names[] = {"Alice", "Bob", "Carol", "Dave", "Erin", "Frank"};
  return names[device % std::size(names)];
}

}  // namespace

sim::Scenario chat() {
  sim::Scenario s;
  s.name = "chat";
  s.description = "the paper's chat (Fig. 1): two rooms, a distributed fold over a list CRDT, flatten";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    using core::Value;
    const auto nil = core::crdt::to_value(core::crdt::Rga::empty());
    const auto name = rt.source(Value::string(""), "name");
    const auto text = rt.source(Value::string(""), "text");
    const auto message = rt.map(
        {name, text},
        [](core::Inputs in) { return Value::string(in[0].as_string() + ": " + in[1].as_string()); },
        "message");
    const auto replica = ctx.device;
    const auto room1 = rt.distributed_fold(
        "topic1", message, nil,
        [replica](const Value& state, const Value& m) { return cons_crdt(state, m, replica); });
    const auto room2 = rt.distributed_source("topic2", nil);
    const auto room_list = rt.source(Value::list({Value::ref(room1), Value::ref(room2)}), "roomList");
    const auto index = rt.source(Value::integer(0), "index");
    const auto selected = rt.map(
        {room_list, index},
        [](core::Inputs in) { return core::checked::array_fetch(in[0], in[1].as_int()); },
        "selectedRoom");
    const auto content = rt.flatten(selected, "roomContent");
    rt.map(
        {content},
        [](core::Inputs in) { return Value::list(core::crdt::as<core::crdt::Rga>(in[0]).elements()); },
        "contentWidget");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    using core::Value;
    return std::vector<sim::Action>{
        sim::Action::fire("name", Value::string(user_name(device))),
        sim::Action::fire("text", Value::string(fmt::format("hello from d{}", device))),
        sim::Action::fire("index", Value::integer(1)),
        sim::Action::fire("text", Value::string(fmt::format("bye from d{}", device))),
        sim::Action::fire("index", Value::integer(0)),
    };
  };
  // The replica id is the device number (the RGA's node ids). RGA orders
  // concurrent inserts by (Lamport, replica), so no permutation renames a
  // non-empty room faithfully: symmetry reduction says so and stays off.
  s.rename_devices = core::crdt::rename_replicas;
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
