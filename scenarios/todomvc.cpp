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
// Each task is created the paper's way, by the fold that adds it: "tasks"
// folds the list and, for every entry whose id it has not seen, creates the
// task's reactive through its Creation (core/README.md, "Creation") — when
// the user adds the task (the add gesture then also sets it, in the same
// propagation: the new task's input is active) or when the list arrives from
// another device (the paper's deserializer: "If no task exists for a given
// ID, a new one is created ... using the same function that is used when the
// user presses a button"). Until a task's own replica arrives, the view
// shows the entry's initial value. With the task, the fold creates one Map
// that adds it to the table of tasks so far, and the view reads the newest
// of these through a Flatten:
//
//   val tasks = todos.Fold({head: ref(none), tasks: {}}){ s => list =>
//     for each new id: task = Fold over todo named id        // created here
//                      head = (head, task).Map{table + {id: task}} }
//   val table = tasks.Map{s => s.head}.Flatten               // {id: task value}
//   val view  = (todos, table).Map{entries shown with their task's value}
//
// On restart the creation code re-runs, and the runtime replays the fold's
// creations in order (Thm. 4.24), so every task is back at its id with its
// snapshot value. "tasks" holds references, which are per device, so it
// (and what reads it) is device-local for the checker; "views-agree" then
// says that every device ends showing the same list.
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

#include <fmt/format.h>

#include "core/crdt/registers.hpp"
#include "core/crdt/rga.hpp"
#include "scenarios/registry.hpp"
#include "sim/view.hpp"

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

const Value* find_task(const Value& table, const std::string& id) {
  for (const auto& [k, v] : table.as_map()) {
    if (k.as_string() == id) return &v;
  }
  return nullptr;
}

// The rendered list: each entry's task from the table (id -> task value),
// or the entry's initial value until the task's replica has arrived.
Value render(const Value& list, const Value& table) {
  core::ValueList rows;
  for (const Value& entry : core::crdt::as<Rga>(list).elements()) {
    const std::string& id = field(entry, "id").as_named_ref();
    const Value* task = find_task(table, id);
    if (task == nullptr) throw core::Error(fmt::format("todomvc: no task reactive for id '{}'", id));
    const Value shown = register_of(*task, "text").get().is_unit()
                            ? field(entry, "init")
                            : task_value(register_of(*task, "text").get(), register_of(*task, "done").get().as_bool());
    rows.push_back(Value::map(
        {{key("done"), field(shown, "done")}, {key("id"), key(id)}, {key("text"), field(shown, "text")}}));
  }
  return Value::list(std::move(rows));
}

// The table of tasks with one more: {id: task value, ...}.
Value with_task(const Value& table, const std::string& id, const Value& task) {
  core::ValueMap out(table.as_map().begin(), table.as_map().end());
  out.emplace_back(key(id), task);
  return Value::map(std::move(out));
}

// "tasks": creates every task of the list it has not seen yet, with the Map
// that puts it in the table. The state: {"head": ref(newest table map),
// "tasks": {id: ref(task)}}.
Value add_tasks(const Value& state, const Value& list, core::Creation& create, const Value& todo,
                core::crdt::ReplicaId replica) {
  core::ValueMap known(field(state, "tasks").as_map().begin(), field(state, "tasks").as_map().end());
  Value head = field(state, "head");
  bool added = false;
  for (const Value& entry : core::crdt::as<Rga>(list).elements()) {
    const std::string id = field(entry, "id").as_named_ref();
    if (find_task(Value::map(known), id) != nullptr) continue;
    const Value empty = core::crdt::to_value(LwwRegister::empty());
    const Value task = create.distributed_fold(
        id, todo, task_fields(empty, empty),
        [id, replica](const Value& s, const Value& g) { return apply_to_task(s, g, id, replica); }, merge_task);
    // Unlabelled: devices that learn of tasks in other orders build other
    // chains, so these Maps are matched across devices by their inputs.
    head = create.map({head, task}, [id](core::Inputs in) { return with_task(in[0], id, in[1]); });
    known.emplace_back(key(id), task);
    added = true;
  }
  if (!added) return state;
  return Value::map({{key("head"), head}, {key("tasks"), Value::map(std::move(known))}});
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
    const auto none = rt.map({todos}, [](core::Inputs) { return Value::map({}); }, "no-tasks");
    const auto tasks = rt.fold(
        todos, Value::map({{key("head"), Value::ref(none)}, {key("tasks"), Value::map({})}}),
        [todo = Value::ref(todo), replica](const Value& state, const Value& list, core::Creation& create) {
          return add_tasks(state, list, create, todo, replica);
        },
        "tasks");
    const auto head = rt.map({tasks}, [](core::Inputs in) { return field(in[0], "head"); }, "head");
    const auto table = rt.flatten(head, "table");
    const auto view =
        rt.map({todos, table}, [](core::Inputs in) { return render(in[0], in[1]); }, "view");
    rt.map(
        {view},
        [](core::Inputs in) {
          const auto rows = in[0].as_list();
          return Value::integer(std::count_if(rows.begin(), rows.end(),
                                              [](const Value& row) { return !field(row, "done").as_bool(); }));
        },
        "left");
  };
  s.device_local = {"tasks"};
  s.properties = {sim::UserProperty::eventually(
      "views-agree", "every device ends showing the same list (view) and count (left)", [](const sim::View& view) {
        for (const char* label : {"view", "left"}) {
          const auto values = view.values(label);
          for (const auto& v : values) {
            if (!v || !values.front() || !(*v == *values.front())) return false;
          }
        }
        return true;
      })};
  s.workload = workload;
  s.defaults.devices = 2;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
