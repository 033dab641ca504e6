#pragma once
// The state vector of a world (DESIGN §6: "encodes to a compact byte string,
// so explorers branch by copying, store states, and rebuild counterexamples
// from parent links"): what a breadth-first frontier stores instead of worlds.
//
// A state vector holds exactly what a copy of the world holds — every value
// of every device's store and snapshot, the running propagations, what each
// device last sent to whom, the messages in flight with their ids, the Lo
// substrate, the fault budgets, the step count and the event hash — and
// nothing of its history (choices, recorded events). Decoding it gives a world
// equal to the encoded one: the same fingerprint, values, transitions and
// future events.
//
// What every state of one exploration shares stays in the codec, and the
// bytes name it by number: the devices' dataflow graphs with their operators
// (the creation code is never re-run), the heap values (strings, lists, maps,
// CRDTs; scalars are written inline), message names and Lo procedures. A codec
// and the worlds it decodes belong to one thread, like the worlds themselves.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/runtime.hpp"
#include "sim/world.hpp"

namespace frsim::sim {

class StateCodec {
 public:
  // `like`: a world of the scenario, configuration and seed whose states
  // this codec encodes (the initial world of an exploration).
  explicit StateCodec(const World& like);
  ~StateCodec();
  StateCodec(const StateCodec&) = delete;
  StateCodec& operator=(const StateCodec&) = delete;

  // Appends the state vector of `world` to `out`.
  void encode(const World& world, std::vector<std::uint8_t>& out);
  // The same for a world that equals `parent` but for what its transitions
  // changed since (a search's child: World::revert_to and take_changes),
  // where `parent` is the world decode_over() last decoded into: a device
  // the transitions did not touch is written as the bytes decoded there.
  void encode(const World& world, const World& parent, std::vector<std::uint8_t>& out);
  // Makes `world` (of the same scenario and configuration, e.g. a copy of
  // `like`) equal to the world `bytes` were encoded from, reusing its
  // allocations. Its history is cleared; its sink and event settings stay.
  // Throws core::DecodeError on bytes this codec did not write.
  void decode(std::span<const std::uint8_t> bytes, World& world);
  // A new world for `bytes`: a copy of `like`, then decode().
  std::unique_ptr<World> decode(std::span<const std::uint8_t> bytes);
  // decode() into a world that nothing but decode_over() has changed since
  // the last decode_over() into it (a search's parent world): a device
  // whose encoding is byte for byte the one decoded there last keeps its
  // state, hash included. Encodings are read front to back and each part's
  // end follows from its own bytes, so equal bytes are an equal device.
  // Afterwards the world lists exactly the devices decoded anew as changed
  // (World::take_changes copies those into a copy of its previous state).
  void decode_over(std::span<const std::uint8_t> bytes, World& world);

  // What the shared tables hold, for memory budgets.
  std::uint64_t table_bytes() const;

 private:
  class Values;
  // encode(): `kept`, when not null, is each device's encoding in the world
  // decode_over() last decoded into, which `world` equals but for its
  // touched devices.
  void encode(const World& world, const std::vector<std::vector<std::uint8_t>>* kept, std::vector<std::uint8_t>& out);
  void encode_device(const World& world, const Device& device, core::Encoder& out);
  void decode_device(World& world, Device& device, core::Decoder& in);
  // decode() and decode_over(): `kept`, when not null, is each device's
  // encoding as last decoded into `world`, to compare and keep up to date.
  void decode_into(std::span<const std::uint8_t> bytes, World& world,
                   std::vector<std::vector<std::uint8_t>>* kept);
  void encode_lo(const lo::System& lo, core::Encoder& out);
  void decode_lo(lo::System& lo, core::Decoder& in);
  std::uint32_t graph_id(std::uint32_t device, const core::Runtime& runtime);
  std::uint32_t string_id(const std::string& s);
  const std::string& string_at(std::uint64_t id) const;

  std::unique_ptr<World> like_;
  std::unique_ptr<Values> values_;
  core::Encoder encoder_;  // reused: one buffer for every encoding
  // decode_over(): the world last decoded over, and each of its devices'
  // encoding as decoded there.
  const World* kept_world_ = nullptr;
  std::vector<std::vector<std::uint8_t>> kept_;
  // Dataflow graphs by (device, signature); graphs_[id].
  std::vector<std::shared_ptr<const core::Dataflow>> graphs_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> graph_ids_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t> string_ids_;
  std::vector<std::shared_ptr<const lo::Procedure>> procedures_;
  std::map<const lo::Procedure*, std::uint32_t> procedure_ids_;
};

}  // namespace frsim::sim
