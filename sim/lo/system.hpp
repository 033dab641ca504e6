#pragma once
// The Lo substrate (seed 001, "The Lo Model of Distributed Computation").
//
// A message is sent to an address, travels (in flight), is delivered to the
// queue of that address, and the device's worker removes it and performs the
// address's procedure: one activation of a task at a time, each activation one
// transition. A task has an environment; a request carries a return address and
// gets at most one response, success or failure; one-way messages get none.
//
// Procedures are C++ continuations: a task's procedure is called once for the
// message that started it and once more for each response to a subrequest it
// made. A task ends when an activation returns with no subrequest pending.
//
// Nested services (ctx.bind) share the environment of the task that bound them;
// their messages wait while that outer task is alive, except as NestedPolicy
// allows (sim/config.hpp documents the "one exception").
//
// Invalid operations (Table 1, core::checked throws core::InvalidOperation) and
// any other core::Error thrown by a procedure halt the task: no more operations,
// a failure response if it is a request not yet answered, and responses to its
// pending subrequests — queued already or arriving later — are dropped. An
// invalid operation is a status the worker records (core::InvalidOperationRecord),
// not only an exception: a procedure that catches it is halted all the same,
// and the operations it tries after it are refused. Nested services bound by a
// halted task stop: their queued messages are dropped, later ones find no service.
//
// Addresses are core::Values (Kind::address), made only by defining a service
// (install, TaskContext::bind): stored in environments, sent in payloads, and
// used as return addresses (TaskContext::sender, then send or request to it).
//
// Lo messages travel the world's network: a partition blocks them, and the
// world's drop and duplicate budgets apply to them as to FR messages
// (sim/world.hpp). A duplicated request starts a second task for the same
// request; its response is judged by lo-one-response (an equal answer is the
// same response again, a different one is a second response).
//
// Event texts (the checker's Lo properties parse them; keep them stable):
//   request / one-way / response   "lo <kind> #<id> <from> -> <to>[ (answers #<request>)][ <tag>]"
//   a refused second response      "lo <success|failure> refused: ... (answers #<request>) <tag>"
//                                  (message 0: nothing is posted; the task then halts)
//   a response queued for a task   "lo #<id> queued at <address> (answers #<request>)"
//   a task halted                  "lo task at <address> halted: <why> <tag>", message =
//                                  the task's initiating message (a request: its request id)
//   an invalid operation           "lo invalid operation in task at <address>: <why> <tag>",
//                                  in the step that performed it (the task halts in it too)
//   a nested service bound         "lo bind <address> <name> <tag>"
// where <tag> names the task that performed the operation (user requests have
// none): "[task <n> of <service>]", for a halted task
// "[task <n> of <service>; pending #<a> #<b> ...]" with the subrequests still
// awaiting a response when it halted.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"
#include "sim/config.hpp"
#include "sim/event.hpp"

namespace frsim::sim {
class StateCodec;
}

namespace frsim::sim::lo {

// The substrate's own name of an address; user code holds addresses as
// core::Values (System::value_of, address_of). Service 0 of every device is
// its user: the return address of workload requests.
struct Address {
  std::uint32_t device = 0;
  std::uint32_t service = 0;
  friend auto operator<=>(const Address&, const Address&) = default;
};
inline constexpr std::uint32_t user_service = 0;
std::string to_string(Address address);

enum class MessageKind : std::uint8_t { one_way, request, success, failure };
std::string_view to_string(MessageKind kind);

// The trailing "[task <n> of <service>; pending #a #b]" of a Lo event's text.
struct EventTag {
  std::uint64_t task = 0;
  std::string service;
  std::vector<std::uint64_t> pending;  // only on a halted task's event
  friend bool operator==(const EventTag&, const EventTag&) = default;
};
std::string to_string(const EventTag& tag);
// The tag at the end of `text`; nullopt if it has none or it is malformed.
std::optional<EventTag> parse_tag(std::string_view text);

// What the worker does with a task that hits an invalid operation. `halt` is
// Lo. `keep_task` is a deliberately broken worker for the checker's self-tests
// (lo-failure must catch it): it sends the failure response but neither halts
// the task nor drops its subrequests' responses, so they still reach it.
// `swallow` lets a procedure catch an invalid operation and carry on (no
// halt, its operations performed); `keep_bound_services` halts the task but
// leaves the nested services it bound running. Both are broken workers too.
enum class FailureHandling : std::uint8_t { halt, keep_task, swallow, keep_bound_services };

struct Message {
  std::uint64_t id = 0;
  MessageKind kind = MessageKind::one_way;
  Address to;
  Address from;
  // For a request: the request's id (its own id; a duplicate keeps the
  // original's). For a response: the request it answers.
  std::uint64_t request = 0;
  core::Value payload;
};

using Environment = std::map<std::string, core::Value>;
class TaskContext;
using Procedure = std::function<void(TaskContext&)>;

class System;

class TaskContext {
 public:
  const Message& message() const { return *message_; }
  bool is_response() const;
  Environment& env();
  // The address of the service this task performs (an address value).
  core::Value self() const;
  // The message's return address: where its sender can be answered.
  core::Value sender() const;
  // The address of top-level service `name` on `device`; core::Error if none.
  core::Value lookup(std::uint32_t device, std::string_view name) const;
  // `to` must be an address value (a TypeError otherwise: the task halts).
  void send(const core::Value& to, core::Value payload);             // one-way
  std::uint64_t request(const core::Value& to, core::Value payload);  // returns the subrequest id
  // Answers the task's initiating request. A second response, or a response
  // to a one-way message, is a core::Error (the task halts).
  void respond(bool success, core::Value payload);
  // A nested service in this task's environment; returns its new address.
  core::Value bind(std::string name, Procedure procedure);

 private:
  friend class System;
  TaskContext(System& system, std::uint64_t task, const Message& message,
              const core::InvalidOperationRecord& record)
      : system_(system), task_(task), message_(&message), record_(&record) {}
  // After an invalid operation the task performs no more operations.
  void check_not_halted() const;
  System& system_;
  std::uint64_t task_;
  const Message* message_;
  const core::InvalidOperationRecord* record_;
};

class System {
 public:
  using Emit = std::function<void(Event)>;
  using IdSource = std::function<std::uint64_t()>;

  // `emit` receives every Lo event (may be empty); `next_id` allocates message
  // ids (empty: the system's own counter from 1).
  System(std::uint32_t devices, NestedPolicy policy, Emit emit = {}, IdSource next_id = {});

  // A top-level service; numbered 1, 2, ... per device in install order.
  Address install(std::uint32_t device, std::string name, Procedure procedure);
  std::optional<Address> find(std::uint32_t device, std::string_view name) const;
  // The address an address value names; core::TypeError for any other value.
  static Address address_of(const core::Value& address);

  // A request (or one-way message) from `device`'s user. Returns the message id.
  std::uint64_t user_request(std::uint32_t device, Address to, core::Value payload);
  std::uint64_t user_send(std::uint32_t device, Address to, core::Value payload);

  // One Lo step: deliver an in-flight message to its queue, or let a worker run
  // the head of one queue.
  struct Step {
    enum class Kind : std::uint8_t { deliver, run } kind = Kind::deliver;
    std::uint64_t message = 0;  // deliver
    Address queue;              // run
  };
  // Deterministic order: deliveries by message id, then runs by address.
  // `blocked(from, to)` hides deliveries a partition blocks (may be empty).
  std::vector<Step> enabled(const std::function<bool(std::uint32_t, std::uint32_t)>& blocked = {}) const;
  void apply(const Step& step);
  // What an enabled step does, in words (traces and reports only: listing
  // formats nothing).
  std::string describe(const Step& step) const;
  // The network's faults on Lo messages (the world keeps their budgets): an
  // in-flight message is lost, or a copy of it is made with a new id.
  const Message* find_in_flight(std::uint64_t id) const;
  void drop(std::uint64_t id);
  std::uint64_t duplicate(std::uint64_t id);

  // Lo's `halt` unless a self-test installs the broken worker.
  void set_failure_handling(FailureHandling handling) { failure_handling_ = handling; }

  // Becomes a copy of `other` (services, tasks and their environments,
  // queues, messages, inboxes, counters), keeping this system's event and id
  // callbacks: a world copying its Lo substrate. Environments shared between
  // a task and its nested services stay shared in the copy.
  void assign(const System& other);

  // The device's volatile state is lost: its tasks, queues and nested services.
  // Top-level services stay bound (their code is re-run on restart).
  void crash(std::uint32_t device);

  // ---- introspection -------------------------------------------------------
  const std::vector<Message>& in_flight() const { return in_flight_; }
  // Responses the substrate has sent for request `id` (never more than one).
  std::uint32_t responses_sent(std::uint64_t request) const;
  // Responses delivered to users, in order of arrival.
  const std::vector<Message>& user_inbox(std::uint32_t device) const { return user_inbox_.at(device); }
  std::size_t live_tasks() const;
  std::uint64_t fingerprint() const;

 private:
  friend class TaskContext;
  friend class frsim::sim::StateCodec;
  // Address values are made here only: by defining a service (seed 001).
  static core::Value value_of(Address address);
  struct Service {
    std::string name;
    std::shared_ptr<const Procedure> procedure;  // shared by copies of the system
    std::optional<std::uint64_t> outer;  // owning task, for a nested service
    std::shared_ptr<Environment> env;    // shared with the outer task, for a nested service
  };
  struct Task {
    std::uint64_t id = 0;
    Address service;
    std::shared_ptr<Environment> env;
    Message initiating;
    bool responded = false;
    bool failed = false;
    bool finished = false;
    std::set<std::uint64_t> pending;  // subrequests awaiting a response
  };

  // `by`: the task performing the send (null for the user).
  std::uint64_t post(MessageKind kind, Address from, Address to, std::uint64_t request,
                     core::Value payload, const Task* by = nullptr);
  void deliver(std::uint64_t message_id);
  void run(Address queue);
  void activate(Task& task, const Message& message);
  void respond(Task& task, bool success, core::Value payload);
  void refuse_response(const Task& task, bool success, const core::Value& payload);
  EventTag tag(const Task& task) const;
  void fail(Task& task, const std::string& why);
  void stop_bound_services(const Task& task);
  void drop_queued(Address queue, const std::function<bool(const Message&)>& which, std::string_view why);
  bool runnable(Address queue, const Message& head) const;
  bool response_queued(Address at, std::uint64_t request) const;
  Task* live_task(std::uint64_t id);
  const Task* live_task(std::uint64_t id) const;
  void emit(EventKind kind, std::uint32_t device, std::uint64_t message, std::uint32_t peer,
            std::string text, std::vector<core::Value> values = {});

  std::uint32_t devices_;
  NestedPolicy policy_;
  FailureHandling failure_handling_ = FailureHandling::halt;
  Emit emit_;
  IdSource next_id_;
  std::uint64_t own_next_id_ = 1;
  std::uint64_t next_task_ = 1;
  std::vector<std::uint32_t> next_service_;  // per device
  std::map<Address, Service> services_;
  std::map<Address, std::deque<Message>> queues_;
  std::map<std::uint64_t, Task> tasks_;                // live tasks by id
  std::map<std::uint64_t, std::uint64_t> requester_;   // subrequest id -> task id
  std::map<std::uint64_t, std::uint32_t> responses_;   // request id -> responses sent
  std::vector<Message> in_flight_;
  std::vector<std::vector<Message>> user_inbox_;
};

}  // namespace frsim::sim::lo
