// A bank on the Lo substrate (seed 001, "The Lo Model of Distributed
// Computation"), with its books kept by an FR ledger.
//
// Lo half — "a message is sent to an address ... delivered to a queue ... a
// worker ... performs the procedure". Services, installed on every device;
// the head office (device 0) is the one the tellers ask:
//   account-alice, account-bob, account-carol
//                 an account is a service: a "balance" request gets a success
//                 response with its opening balance;
//   fees          the fee rule: fee = amount / per (Lo integer division: a
//                 zero `per` is an invalid operation, seed 001 Table 1);
//   bank          the teller: a transfer {from, to, amount, per} is a request;
//                 the task makes subrequests to the head office's
//                 account-<from>, fees and account-<to>, in that order, and
//                 answers with the balances after the transfer once all three
//                 succeed ("each request has at most one response").
// A missing account makes the lookup of account-<to> fail after two
// subrequests are out; a zero `per` makes fees fail, and the teller fails
// with it. Either way the teller "immediately halts", its user gets a failure
// response, and "any responses already received and enqueued for subrequests
// will be dropped, as will any responses received for subrequests after the
// task has failed".
//
// FR half — the ledger. Posting a transfer fires the source "post"; the
// distributed fold "ledger" (an OR-Map account -> PN-Counter, starting from
// the opening book) applies it with the same Lo checks: a missing account is
// a map element fetch of a nonexistent key, a zero `per` a division by zero.
// An invalid operation aborts the action: the store returns to its state
// before it, nothing is committed and the post gets a failure response
// (DESIGN §3), so a refused transfer leaves every balance as it was.
// Concurrent posts from different devices are all applied (a ledger of
// counters converges); the funds check is local, as in any offline-capable
// ledger.
//
// Workload (three devices): d0 asks for and posts alice -> bob 30 (fee 3);
// d1 asks for and posts bob -> carol 20 with per 0 (division by zero: both
// fail, balances unchanged); d2 asks for carol -> dave (no such account: the
// request fails cleanly) and posts alice -> carol 10. Default budgets: one
// drop, one duplicate, one crash (a crash loses the device's running Lo
// tasks; their requests stay unanswered, never answered twice).
// Expected verdict: every property holds (lo-one-response and lo-failure
// among them).

#include <fmt/format.h>

#include "core/crdt/counters.hpp"
#include "core/crdt/or_map.hpp"
#include "scenarios/registry.hpp"

namespace frsim::scenarios {

namespace {

namespace lo = sim::lo;
using core::Value;
using core::crdt::OrMap;
using core::crdt::PnCounter;

constexpr std::uint32_t head_office = 0;
// The replica id of the opening book's entries: no device has it, so every
// device starts from the same book and joins it idempotently.
constexpr core::crdt::ReplicaId book_replica = 1'000'000;
// The fee account of the ledger.
constexpr const char* fee_account = "fees";

struct Opening {
  const char* account;
  std::int64_t balance;
};
constexpr Opening opening_book[] = {{"alice", 100}, {"bob", 50}, {"carol", 20}};

Value key(std::string_view name) { return Value::string(std::string(name)); }

const Value& field(const Value& v, std::string_view name) { return core::checked::map_fetch(v, key(name)); }

Value transfer(std::string_view from, std::string_view to, std::int64_t amount, std::int64_t per) {
  return Value::map({{key("amount"), Value::integer(amount)},
                     {key("from"), key(from)},
                     {key("per"), Value::integer(per)},
                     {key("to"), key(to)}});
}

// ---- Lo services -------------------------------------------------------------

lo::Procedure account_service(std::int64_t balance) {
  return [balance](lo::TaskContext& task) {
    const std::string& op = field(task.message().payload, "op").as_string();
    if (op != "balance") throw core::Error(fmt::format("account: unknown operation '{}'", op));
    task.respond(true, Value::integer(balance));
  };
}

void fee_rule(lo::TaskContext& task) {
  const Value& quote = task.message().payload;
  task.respond(true, Value::integer(core::checked::divide(field(quote, "amount").as_int(),
                                                          field(quote, "per").as_int())));
}

// The teller: one task per transfer request, activated once for the request
// and once per subrequest response (Lo's continuation style).
void teller(lo::TaskContext& task) {
  lo::Environment& env = task.env();
  if (!task.is_response()) {
    const Value& t = task.message().payload;
    env["transfer"] = t;
    auto ask_account = [&task](const Value& name) {
      return task.request(task.lookup(head_office, fmt::format("account-{}", name.as_string())),
                          Value::map({{key("op"), key("balance")}}));
    };
    env["asked-from"] = Value::integer(static_cast<std::int64_t>(ask_account(field(t, "from"))));
    env["asked-fee"] = Value::integer(static_cast<std::int64_t>(
        task.request(task.lookup(head_office, "fees"),
                     Value::map({{key("amount"), field(t, "amount")}, {key("per"), field(t, "per")}}))));
    // A missing account throws here, with the two subrequests above pending.
    env["asked-to"] = Value::integer(static_cast<std::int64_t>(ask_account(field(t, "to"))));
    return;
  }
  const lo::Message& response = task.message();
  if (response.kind == lo::MessageKind::failure) {
    throw core::Error(fmt::format("transfer refused: {}", response.payload.to_string()));
  }
  // Which subrequest this response answers.
  const auto answered = static_cast<std::int64_t>(response.request);
  static constexpr std::pair<const char*, const char*> asked_got[] = {
      {"asked-from", "got-from"}, {"asked-fee", "got-fee"}, {"asked-to", "got-to"}};
  for (const auto& [asked, got] : asked_got) {
    if (env.at(asked).as_int() == answered) env[got] = response.payload;
  }
  if (!env.contains("got-from") || !env.contains("got-fee") || !env.contains("got-to")) return;
  const std::int64_t amount = field(env.at("transfer"), "amount").as_int();
  const std::int64_t fee = env.at("got-fee").as_int();
  const std::int64_t from_after = env.at("got-from").as_int() - amount - fee;
  if (from_after < 0) {
    task.respond(false, Value::string("insufficient funds"));
    return;
  }
  task.respond(true, Value::map({{key("fee"), Value::integer(fee)},
                                 {key("from"), Value::integer(from_after)},
                                 {key("to"), Value::integer(env.at("got-to").as_int() + amount)}}));
}

std::vector<sim::LoService> services() {
  std::vector<sim::LoService> out;
  for (const Opening& o : opening_book) {
    out.push_back({fmt::format("account-{}", o.account), account_service(o.balance)});
  }
  out.push_back({"fees", fee_rule});
  out.push_back({"bank", teller});
  return out;
}

// ---- FR ledger -----------------------------------------------------------------

Value opening_ledger() {
  auto ledger = OrMap::empty();
  for (const Opening& o : opening_book) {
    const auto credit = PnCounter::empty()->increment(book_replica, static_cast<std::uint64_t>(o.balance));
    ledger = ledger->put(book_replica, key(o.account), core::crdt::to_value(credit));
  }
  return core::crdt::to_value(ledger->put(book_replica, key(fee_account), core::crdt::to_value(PnCounter::empty())));
}

Value balances_of(const Value& state) {
  const OrMap& ledger = core::crdt::as<OrMap>(state);
  core::ValueMap out;
  for (const Value& account : ledger.keys()) {
    out.emplace_back(account, Value::integer(core::crdt::as<PnCounter>(*ledger.get(account)).count()));
  }
  return Value::map(std::move(out));
}

Value adjust(const OrMap& ledger, core::crdt::ReplicaId replica, const Value& account, std::int64_t by) {
  const auto& counter = core::crdt::as<PnCounter>(*ledger.get(account));
  const auto changed = by >= 0 ? counter.increment(replica, static_cast<std::uint64_t>(by))
                               : counter.decrement(replica, static_cast<std::uint64_t>(-by));
  return core::crdt::to_value(ledger.put(replica, account, core::crdt::to_value(changed)));
}

Value post(const Value& state, const Value& t, core::crdt::ReplicaId replica) {
  const Value balances = balances_of(state);
  const std::int64_t from_balance = core::checked::map_fetch(balances, field(t, "from")).as_int();
  core::checked::map_fetch(balances, field(t, "to"));  // the account must exist
  const std::int64_t amount = field(t, "amount").as_int();
  const std::int64_t fee = core::checked::divide(amount, field(t, "per").as_int());
  if (amount <= 0 || fee < 0) throw core::Error(fmt::format("ledger: a transfer of {} is not positive", amount));
  if (from_balance < amount + fee) {
    throw core::Error(fmt::format("ledger: insufficient funds in {}", field(t, "from").as_string()));
  }
  Value out = adjust(core::crdt::as<OrMap>(state), replica, field(t, "from"), -(amount + fee));
  out = adjust(core::crdt::as<OrMap>(out), replica, field(t, "to"), amount);
  return adjust(core::crdt::as<OrMap>(out), replica, key(fee_account), fee);
}

}  // namespace

sim::Scenario lo_bank() {
  sim::Scenario s;
  s.name = "lo-bank";
  s.description = "seed 001: accounts as Lo services, transfers with subrequests, failing cleanly; an FR ledger";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto posts = rt.source(Value::unit(), "post");
    const auto replica = ctx.device;
    const auto ledger = rt.distributed_fold(
        "ledger", posts, opening_ledger(),
        [replica](const Value& state, const Value& t) { return post(state, t, replica); });
    rt.map({ledger}, [](core::Inputs in) { return balances_of(in[0]); }, "balances");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    auto both = [](Value t) {
      return std::vector<sim::Action>{sim::Action::request("bank", t), sim::Action::fire("post", t)};
    };
    switch (device % 3) {
      case 0: return both(transfer("alice", "bob", 30, 10));
      case 1: return both(transfer("bob", "carol", 20, 0));  // per 0: division by zero
      default:
        return std::vector<sim::Action>{sim::Action::request("bank", transfer("carol", "dave", 5, 5)),
                                        sim::Action::fire("post", transfer("alice", "carol", 10, 10))};
    }
  };
  s.services = services();
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
