// What travels on the wire (core/wire.hpp, paper §3.4): a reference inside a
// distributed value denotes, on the receiver, the promoted reactive, never
// the receiver's reactive with the same id.

#include <functional>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/crdt/or_map.hpp"
#include "core/crdt/registers.hpp"
#include "core/crdt/sets.hpp"
#include "core/receive.hpp"
#include "core/wire.hpp"

namespace frsim::core {
namespace {

// The latest non-unit value wins: enough for one writer.
Value take_remote(const Value& local, const Value& remote) { return remote.is_unit() ? local : remote; }

// One device: `sources` local sources "s0".. (ids 0..), then the distributed "reg".
struct Device {
  Device(std::uint32_t id_, std::size_t sources, RuntimeOptions options = {}) : id(id_), rt(sigma, std::move(options)) {
    for (std::size_t i = 0; i < sources; ++i) rt.source(Value::integer(0), fmt::format("s{}", i));
    reg = rt.distributed_source("reg", Value(), take_remote);
  }
  // This device sends reg to `to`, which receives it.
  void send_reg(Device& to) {
    const Value wire = serialise(rt, id, reg);
    ASSERT_TRUE(to.rt.receive("reg", deserialise(to.rt, to.id, "reg", wire)).committed);
  }
  // This device sends its distributed reactive `name` to `to`.
  void send(Device& to, const std::string& name) {
    const Value wire = serialise(rt, id, *rt.resolve(Value::named_ref(name)));
    if (promoted_by(to.id, name)) return;
    to.rt.receive(name, deserialise(to.rt, to.id, name, wire));
  }

  std::uint32_t id;
  Snapshot sigma;
  Runtime rt;
  ReactiveId reg = 0;
};

TEST(Wire, AReceivedReferenceDenotesThePromotedReactiveNotTheReceiversOwnId) {
  Device d0(0, 1), d1(1, 1);
  d0.rt.fire(0, Value::integer(42));
  d0.rt.fire(d0.reg, Value::list({Value::string("x"), Value::ref(0)}));
  d0.send_reg(d1);
  EXPECT_TRUE(d0.rt.is_distributed(0)) << "sending promoted it";
  EXPECT_EQ(d0.rt.distributed().front().first, promoted_name(0, 0));
  const Value held = d1.rt.value(d1.reg).as_list()[1];
  ASSERT_EQ(held.kind(), Kind::ref);
  EXPECT_NE(held.as_ref(), 0U) << "id 0 is d1's own s0";
  EXPECT_EQ(d1.rt.value(held.as_ref()), Value::integer(42));
  EXPECT_EQ(d1.rt.value(0), Value::integer(0));
  EXPECT_EQ(global_form(d0.rt, 0, d0.rt.value(d0.reg), Holder::distributed),
            global_form(d1.rt, 1, d1.rt.value(d1.reg), Holder::distributed));
}

TEST(Wire, ThePromotedReactiveSynchronisesOnItsOwnLastWriterWins) {
  Device d0(0, 1), d1(1, 1);
  d0.rt.fire(d0.reg, Value::ref(0));
  d0.send_reg(d1);  // s0 = 0 travels with the register
  const std::string name = promoted_name(0, 0);
  const Value stale = serialise(d0.rt, 0, 0);
  d0.rt.fire(0, Value::integer(7));
  d0.send(d1, name);
  const ReactiveId view = d1.rt.value(d1.reg).as_ref();
  EXPECT_EQ(d1.rt.value(view), Value::integer(7));
  // A message from before the change arrives late: the older stamp loses.
  d1.rt.receive(name, deserialise(d1.rt, 1, name, stale));
  EXPECT_EQ(d1.rt.value(view), Value::integer(7));
  // The holder's copy going back to the creator changes nothing there.
  EXPECT_TRUE(promoted_by(0, name));
}

TEST(Wire, AReplicaReachesAThirdDeviceThroughAHolder) {
  Device d0(0, 1), d1(1, 1), d2(2, 1);
  d0.rt.fire(0, Value::integer(5));
  d0.rt.fire(d0.reg, Value::ref(0));
  d0.send_reg(d1);
  d1.send_reg(d2);
  EXPECT_EQ(d2.rt.value(d2.rt.value(d2.reg).as_ref()), Value::integer(5));
  d0.rt.fire(0, Value::integer(6));
  const std::string name = promoted_name(0, 0);
  d0.send(d1, name);
  d1.send(d2, name);
  EXPECT_EQ(d2.rt.value(d2.rt.value(d2.reg).as_ref()), Value::integer(6));
}

TEST(Wire, AHolderRestartedOverItsSnapshotRecreatesTheReplica) {
  Device d0(0, 1), d1(1, 1);
  d0.rt.fire(0, Value::integer(42));
  d0.rt.fire(d0.reg, Value::ref(0));
  d0.send_reg(d1);
  Runtime restarted(d1.sigma);
  restarted.source(Value::integer(0), "s0");
  const ReactiveId reg = restarted.distributed_source("reg", Value(), take_remote);
  restore_replicas(restarted);
  const Value held = restarted.value(reg);
  ASSERT_EQ(held.kind(), Kind::ref);
  EXPECT_EQ(restarted.value(held.as_ref()), Value::integer(42));
  EXPECT_TRUE(restarted.resolve(Value::named_ref(promoted_name(0, 0))).has_value());
}

class RawReferences final : public Receiver {
 public:
  bool promotes() const override { return false; }
};

TEST(Wire, AReceiverThatDoesNotPromoteShipsIdsAndGlobalFormTellsThemApart) {
  RuntimeOptions raw;
  raw.receiver = std::make_shared<RawReferences>();
  Device d0(0, 1, raw), d1(1, 1, raw);
  d0.rt.fire(0, Value::integer(42));
  d0.rt.fire(d0.reg, Value::ref(0));
  d0.send_reg(d1);
  EXPECT_EQ(d1.rt.value(d1.reg), Value::ref(0));
  EXPECT_EQ(d1.rt.value(0), Value::integer(0));
  EXPECT_NE(global_form(d0.rt, 0, d0.rt.value(d0.reg), Holder::distributed),
            global_form(d1.rt, 1, d1.rt.value(d1.reg), Holder::distributed));
  // In a local value the same reference is the same location on both devices.
  EXPECT_EQ(global_form(d0.rt, 0, Value::ref(0), Holder::local), global_form(d1.rt, 1, Value::ref(0), Holder::local));
}

// §3.4 inside CRDT states (DESIGN §11): a reference to a local reactive held
// by a library lattice, at any depth (a set inside a list, an OR-Map's
// register), is made global at the send like a list's, so on the receiver it
// denotes its replica of the promoted reactive, never its own reactive of the
// same id; the two devices' values are then equal in global form.
TEST(Wire, AReferenceInsideACrdtStateDenotesThePromotedReactive) {
  const auto set_of = [](const Value& element) { return Value::crdt(crdt::GSet::empty()->add(element)); };
  const auto only = [](const Value& set) { return dynamic_cast<const crdt::GSet&>(set.as_crdt()).elements().at(0); };
  const auto board = [](const Value& v) {
    return Value::crdt(
        crdt::OrMap::empty()->put(0, Value::string("k"), Value::crdt(crdt::LwwRegister::empty()->assign(0, v))));
  };
  const auto in_board = [](const Value& v) {
    const Value* reg = dynamic_cast<const crdt::OrMap&>(v.as_crdt()).get(Value::string("k"));
    return dynamic_cast<const crdt::LwwRegister&>(reg->as_crdt()).get();
  };
  struct Case {
    Value value;
    std::function<Value(const Value&)> reference;  // where the reference is
  };
  const Value local = Value::ref(0);  // s0
  const std::vector<Case> cases{
      {set_of(local), only},
      {Value::list({set_of(Value::list({local}))}),
       [&](const Value& v) { return only(v.as_list()[0]).as_list()[0]; }},
      {board(local), in_board},
  };
  for (const Case& c : cases) {
    Device d0(0, 1), d1(1, 1);
    d0.rt.fire(0, Value::integer(42));
    ASSERT_TRUE(d0.rt.fire(d0.reg, c.value).committed);
    d0.send_reg(d1);
    EXPECT_TRUE(d0.rt.is_distributed(0)) << "sending promoted s0: " << c.value.to_string();
    EXPECT_EQ(c.reference(d0.rt.value(d0.reg)), local) << "the sender's own value keeps its reference";
    const Value held = c.reference(d1.rt.value(d1.reg));
    ASSERT_EQ(held.kind(), Kind::ref) << d1.rt.value(d1.reg).to_string();
    EXPECT_NE(held.as_ref(), 0U) << "id 0 is d1's own s0";
    EXPECT_EQ(d1.rt.value(held.as_ref()), Value::integer(42));
    EXPECT_EQ(global_form(d0.rt, 0, d0.rt.value(d0.reg), Holder::distributed),
              global_form(d1.rt, 1, d1.rt.value(d1.reg), Holder::distributed))
        << c.value.to_string();
  }
  // A state without references travels as it is (the same object).
  Device d0(0, 1);
  const Value plain = set_of(Value::integer(3));
  ASSERT_TRUE(d0.rt.fire(d0.reg, plain).committed);
  EXPECT_EQ(&serialise(d0.rt, 0, d0.reg).as_crdt(), &plain.as_crdt());
}

// A lattice type of the program's own: frsim cannot rebuild it, so a
// reference inside it is refused at the send, with one line naming the
// sender and the reactive; without one it travels.
class Box final : public Lattice {
 public:
  explicit Box(Value v) : v_(std::move(v)) {}
  std::string_view type_name() const override { return "box"; }
  Rc<const Lattice> join(const Lattice& other) const override {
    return v_ < static_cast<const Box&>(other).v_ ? make_rc<const Box>(static_cast<const Box&>(other).v_)
                                                  : make_rc<const Box>(v_);
  }
  bool leq(const Lattice& other) const override { return !(static_cast<const Box&>(other).v_ < v_); }
  std::strong_ordering compare(const Lattice& other) const override {
    const Value& w = static_cast<const Box&>(other).v_;
    return v_ < w ? std::strong_ordering::less : w < v_ ? std::strong_ordering::greater : std::strong_ordering::equal;
  }
  std::uint64_t hash() const override { return v_.hash(); }
  std::string to_string() const override { return "box(" + v_.to_string() + ")"; }
  void encode(Encoder& out) const override { v_.encode(out); }
  Rc<const Lattice> bottom() const override { return make_rc<const Box>(Value()); }
  void for_each_value(const std::function<void(const Value&)>& f) const override { f(v_); }

 private:
  Value v_;
};

TEST(Wire, AReferenceInsideALatticeTypeOfTheProgramsOwnIsRefusedAtTheSend) {
  Device d0(0, 1);
  ASSERT_TRUE(d0.rt.fire(d0.reg, Value::crdt(make_rc<const Box>(Value::ref(0)))).committed);
  try {
    serialise(d0.rt, 0, d0.reg);
    ADD_FAILURE() << "sent";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("d0 sends reg, whose value holds a box state"), std::string::npos)
        << e.what();
  }
  ASSERT_TRUE(d0.rt.fire(d0.reg, Value::crdt(make_rc<const Box>(Value::integer(1)))).committed);
  EXPECT_NO_THROW(serialise(d0.rt, 0, d0.reg));
}

TEST(Wire, PromotedNamesParse) {
  EXPECT_EQ(parse_promoted_name(promoted_name(3, 17)), (std::pair<std::uint32_t, ReactiveId>{3, 17}));
  for (const char* name : {"reg", "d/r1", "d1/r", "d1/x2", "dx/r1", "d1/r2x", "task-0-1"}) {
    EXPECT_FALSE(parse_promoted_name(name).has_value()) << name;
  }
}

// Values of lists, maps, integers and strings with references to the
// sender's local sources anywhere in them.
rc::Gen<Value> gen_value(int depth, ReactiveId sources) {
  auto scalar = rc::gen::oneOf(rc::gen::map(rc::gen::inRange<std::int64_t>(-3, 3), &Value::integer),
                               rc::gen::map(rc::gen::element<std::string>("a", "b"), &Value::string),
                               rc::gen::map(rc::gen::inRange<ReactiveId>(0, sources), &Value::ref));
  if (depth == 0) return scalar;
  auto inner = gen_value(depth - 1, sources);
  auto list = rc::gen::map(rc::gen::container<ValueList>(rc::gen::resize(3, inner)), &Value::list);
  auto map = rc::gen::map(rc::gen::container<ValueMap>(rc::gen::resize(3, rc::gen::pair(inner, inner))), &Value::map);
  return rc::gen::weightedOneOf<Value>({{3, scalar}, {1, list}, {1, map}});
}

void expect_same_reactives(const Runtime& from, const Value& sent, const Runtime& to, const Value& held) {
  if (sent.kind() == Kind::ref) {
    RC_ASSERT(held.kind() == Kind::ref);
    RC_ASSERT(to.value(held.as_ref()) == from.value(sent.as_ref()));
    return;
  }
  RC_ASSERT(sent.kind() == held.kind());
  if (sent.kind() == Kind::list) {
    RC_ASSERT(sent.as_list().size() == held.as_list().size());
    for (std::size_t i = 0; i < sent.as_list().size(); ++i) {
      expect_same_reactives(from, sent.as_list()[i], to, held.as_list()[i]);
    }
  }
}

// Whatever the value, the receiver's copy is the sender's in global form,
// and each reference in it (in lists; map keys may reorder) reads the value
// the sender's referenced reactive has.
RC_GTEST_PROP(Wire, AValueArrivesReferringToTheSameReactives, ()) {
  constexpr ReactiveId sources = 3;
  Device d0(0, sources), d1(1, sources);
  for (ReactiveId r = 0; r < sources; ++r) d0.rt.fire(r, Value::integer(10 + r));
  const Value v = *gen_value(3, sources);
  d0.rt.fire(d0.reg, v);
  d0.send_reg(d1);
  const Value held = d1.rt.value(d1.reg);
  RC_ASSERT(global_form(d1.rt, 1, held, Holder::distributed) == global_form(d0.rt, 0, v, Holder::distributed));
  expect_same_reactives(d0.rt, v, d1.rt, held);
  // Sending back changes nothing on the creator.
  d1.send_reg(d0);
  RC_ASSERT(d0.rt.value(d0.reg) == v);
}

}  // namespace
}  // namespace frsim::core
