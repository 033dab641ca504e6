// TodoMVC, the paper's case study (§5.2, "The FR implementation"): "we
// implement the list of tasks and each individual task as distributed
// reactives. Each task has a unique identifier and uses a last-writer-wins
// CRDT ... The list of tasks is a single distributed fold with a fixed name.
// The list is stored as a replicated growable array (RGA) ... [its]
// serializer stores the ID and the initial value of each task. During
// deserialization, the application uses the ID to look up the corresponding
// task reactive. If no task exists for a given ID, a new one is created with
// the given ID and initial value".
//
//   val todo  = Source(unit)                          // the UI's gestures
//   val todos = todo.Fold(RGA("todos")){l => g => insert/remove entry}
//   val task  = todo.Fold(LWW(id)){t => g => edit/toggle if g is for id}
//                                                     // one per task id
//   val view  = (todos, task...).Map{entries shown with their task's value}
//   val left  = view.Map{tasks not done}              // "n items left"
//
// An entry of the list is {"id": named_ref(id), "init": {text, done}}: the
// nested task reactive by its global name plus its initial value (the
// paper's serializer). A task is the distributed fold named by its id
// ("task-<device>-<n>"), its value a map {"done": LWW, "text": LWW} merged
// field by field: one LWW-Register per field, so that an edit of the text and
// a concurrent toggle on another device both survive (with one register for
// the whole {text, done}, the later of the two would overwrite the other's
// field with the value it had read: a lost update, which sequential-spec
// reports — no sequential schedule of the two loses either). Two concurrent
// toggles of the same task still resolve by LWW; the workload has none.
//
// frsim builds the dataflow graph in the creation code only (ids are dense
// and "consistent between restarts", Fig. 3), so the application creates a
// task reactive for every id its users can add — the ids the workload's add
// gestures name — in a fixed order, before any of them is in the list. Until
// a task's own replica arrives on a device, the view shows the entry's
// stored initial value: what the paper's deserializer does with "the given
// ID and initial value". On restart the creation code re-runs; the list and
// every task take their snapshot values (paper §2.4) and the view is
// recomputed by looking each entry's id up.
//
// Gestures (fired on "todo"): {"op": "add", "id", "text"} appends an entry and
// sets the task; {"op": "edit", "id", "text"} and {"op": "toggle", "id"}
// write the task's register; {"op": "remove", "id"} removes the entry. A
// gesture on a task this device has not seen yet does nothing: the user
// cannot click a task that is not on the screen.
//
// Workload (two devices by default; the state space of three is too big for
// the default campaign): d0 adds "buy milk", edits it, toggles d1's task;
// d1 adds "write paper", toggles d0's task, then removes it — concurrent edits,
// toggles and removes of the same task, offline while messages are dropped,
// duplicated or in flight, and across a crash (budgets: one of each).
// Expected verdict: every property holds.

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/crdt/registers.hpp"
#include "core/crdt/rga.hpp"
#include "scenarios/registry.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;
using core::crdt::LwwRegister;
using core::crdt::Rga;

Value key(std::string_view name) { return Value::string(std::string(name)); }

const Value& field(const Value& v, std::string_view name) { return core::checked::map_fetch(v, key(name)); }

Value task_value(const Value& text, bool done) {
  return Value::map({{key("done"), Value::boolean(done)}, {key("text"), text}});
}

std::string task_id(std::uint32_t device, std::uint32_t n) { return fmt::format("task-{}-{}", device, n); }

Value gesture(std::string_view op, const std::string& id, std::string_view text = {}) {
  core::ValueMap g{{key("id"), key(id)}, {key("op"), key(op)}};
  if (!text.empty()) g.emplace_back(key("text"), key(text));
  return Value::map(std::move(g));
}

std::vector<sim::Action> workload(std::uint32_t device, std::uint32_t devices) {
  auto fire = [](Value g) { return sim::Action::fire("todo", std::move(g)); };
  const std::string mine = task_id(device, 0);
  const std::string next = task_id((device + 1) % devices, 0);
  if (device == 0) {
    return {fire(gesture("add", mine, "buy milk")), fire(gesture("edit", mine, "buy oat milk")),
            fire(gesture("toggle", next))};
  }
  if (device == 1) {
    return {fire(gesture("add", mine, "write paper")), fire(gesture("toggle", task_id(0, 0))),
            fire(gesture("remove", task_id(0, 0)))};
  }
  return {fire(gesture("add", mine, fmt::format("task of d{}", device))), fire(gesture("toggle", mine))};
}

// Every task id the users of `devices` devices can add, ascending: the task
// reactives the creation code makes, in this order on every device.
std::vector<std::string> task_ids(std::uint32_t devices) {
  std::vector<std::string> ids;
  for (std::uint32_t d = 0; d < devices; ++d) {
    for (const sim::Action& a : workload(d, devices)) {
      if (field(a.value, "op").as_string() == "add") ids.push_back(field(a.value, "id").as_string());
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Index of the visible entry for task `id`, if the list shows it.
std::optional<std::size_t> entry_index(const Rga& list, const std::string& id) {
  const core::ValueList entries = list.elements();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (field(entries[i], "id").as_named_ref() == id) return i;
  }
  return std::nullopt;
}

// The list's fold: add appends an entry (the serializer's id + initial
// value), remove takes it out; other gestures leave the list alone.
Value apply_to_list(const Value& state, const Value& g, core::crdt::ReplicaId replica) {
  const Rga& list = core::crdt::as<Rga>(state);
  const std::string& op = field(g, "op").as_string();
  const std::string& id = field(g, "id").as_string();
  if (op == "add") {
    const Value entry =
        Value::map({{key("id"), Value::named_ref(id)}, {key("init"), task_value(field(g, "text"), false)}});
    return core::crdt::to_value(list.insert(replica, list.size(), entry));
  }
  if (op == "remove") {
    const auto index = entry_index(list, id);
    return index ? core::crdt::to_value(list.remove(*index)) : state;
  }
  if (op == "edit" || op == "toggle") return state;
  throw core::Error(fmt::format("todomvc: unknown gesture '{}' (known: add, edit, toggle, remove)", op));
}

// A task: one LWW-Register per field.
const LwwRegister& register_of(const Value& task, std::string_view name) {
  return core::crdt::as<LwwRegister>(field(task, name));
}

Value task_fields(const Value& done, const Value& text) {
  return Value::map({{key("done"), done}, {key("text"), text}});
}

// M(task): the join of each field's register.
Value merge_task(const Value& a, const Value& b) {
  return task_fields(Value::join(field(a, "done"), field(b, "done")), Value::join(field(a, "text"), field(b, "text")));
}

// A task's fold: only gestures for this task change it, and only the fields
// they are about.
Value apply_to_task(const Value& state, const Value& g, const std::string& id, core::crdt::ReplicaId replica) {
  if (field(g, "id").as_string() != id) return state;
  const LwwRegister& done = register_of(state, "done");
  const LwwRegister& text = register_of(state, "text");
  const std::string& op = field(g, "op").as_string();
  const auto write = [replica](const LwwRegister& reg, Value v) { return core::crdt::to_value(reg.assign(replica, v)); };
  if (op == "add") return task_fields(write(done, Value::boolean(false)), write(text, field(g, "text")));
  if (text.get().is_unit()) return state;  // not seen here yet: nothing on screen to click
  if (op == "edit") return task_fields(field(state, "done"), write(text, field(g, "text")));
  if (op == "toggle") return task_fields(write(done, Value::boolean(!done.get().as_bool())), field(state, "text"));
  return state;  // remove: the list's business
}

// The rendered list: each entry's task, looked up by id (the deserializer),
// or the entry's initial value until the task's replica has arrived.
Value render(std::span<const Value> in, const std::map<std::string, std::size_t>& input_of) {
  core::ValueList rows;
  for (const Value& entry : core::crdt::as<Rga>(in[0]).elements()) {
    const std::string& id = field(entry, "id").as_named_ref();
    auto found = input_of.find(id);
    if (found == input_of.end()) throw core::Error(fmt::format("todomvc: no task reactive for id '{}'", id));
    const Value& task = in[found->second];
    const Value shown = register_of(task, "text").get().is_unit()
                            ? field(entry, "init")
                            : task_value(register_of(task, "text").get(), register_of(task, "done").get().as_bool());
    rows.push_back(Value::map(
        {{key("done"), field(shown, "done")}, {key("id"), key(id)}, {key("text"), field(shown, "text")}}));
  }
  return Value::list(std::move(rows));
}

}  // namespace

sim::Scenario todomvc() {
  sim::Scenario s;
  s.name = "todomvc";
  s.description = "the paper's case study (§5.2): an RGA task list of nested LWW task reactives, restored by id";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto replica = ctx.device;
    const auto todo = rt.source(Value::unit(), "todo");
    const auto todos = rt.distributed_fold(
        "todos", todo, core::crdt::to_value(Rga::empty()),
        [replica](const Value& state, const Value& g) { return apply_to_list(state, g, replica); });
    std::vector<core::ReactiveId> view_inputs{todos};
    std::map<std::string, std::size_t> input_of;
    for (const std::string& id : task_ids(ctx.devices)) {
      input_of.emplace(id, view_inputs.size());
      const Value empty = core::crdt::to_value(LwwRegister::empty());
      view_inputs.push_back(rt.distributed_fold(
          id, todo, task_fields(empty, empty),
          [id, replica](const Value& state, const Value& g) { return apply_to_task(state, g, id, replica); },
          merge_task));
    }
    const auto view = rt.map(
        std::move(view_inputs),
        [input_of = std::move(input_of)](std::span<const Value> in) { return render(in, input_of); }, "view");
    rt.map(
        {view},
        [](std::span<const Value> in) {
          const auto rows = in[0].as_list();
          return Value::integer(std::count_if(rows.begin(), rows.end(),
                                              [](const Value& row) { return !field(row, "done").as_bool(); }));
        },
        "left");
  };
  s.workload = workload;
  s.defaults.devices = 2;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
