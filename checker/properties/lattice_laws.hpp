#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "checker/property.hpp"

namespace frsim::checker {

// M(r) of every distributed reactive, as the program defines it (paper
// Fig. 9: "merge = M(r)"), taken from a scratch runtime per device that runs
// the scenario's creation code on the plain engine: the program's own merge
// functions, whatever engine the judged world runs, and calling them never
// touches the judged world.
class MergeFunctions {
 public:
  explicit MergeFunctions(std::shared_ptr<const sim::Scenario> scenario, std::uint32_t devices)
      : scenario_(std::move(scenario)), devices_(devices) {}
  // nullptr if `device` has no distributed reactive `name` (or its creation
  // code failed). Thread-safe; what it returns lives as long as this object.
  const core::MergeFunction* find(std::uint32_t device, const std::string& name);
  const sim::Scenario* scenario() const { return scenario_.get(); }
  std::uint32_t devices() const { return devices_; }

 private:
  struct Device;
  std::shared_ptr<const sim::Scenario> scenario_;
  std::uint32_t devices_;
  std::mutex mutex_;
  std::map<std::uint32_t, std::shared_ptr<Device>> built_;
};

// The pairs and triples of values whose laws a campaign has checked and
// found to hold (by device, reactive and value hashes): the schedules of a
// campaign merge the same values over and over. Only what held is kept, so
// a violation is always found again. Thread-safe.
class LawsChecked {
 public:
  // (what: a pair's laws or a triple's associativity, device, reactive, value hashes)
  enum class What : std::uint8_t { pair, triple };
  // A digest of (what, device, reactive, the values' hashes): two checks
  // with one digest count as one, as two states with one fingerprint do.
  using Key = std::uint64_t;
  static Key key(What what, std::uint32_t device, std::uint64_t reactive_hash, std::uint64_t a, std::uint64_t b,
                 std::uint64_t c);
  bool contains(Key key) const;
  void insert(Key key);
  static constexpr std::size_t entries_max = 1 << 20;
  // The merge functions of `world`'s scenario and size, built once for the
  // whole campaign (every schedule's monitor asks for the same ones;
  // building them runs the creation code of every device).
  std::shared_ptr<MergeFunctions> merges(const sim::World& world);

 private:
  mutable std::mutex mutex_;
  std::unordered_set<Key> held_;
  std::shared_ptr<MergeFunctions> merges_;
};

// Paper §4.8: "Distributed reactives in FR have a commutativity and idempotent
// merge function"; Fig. 9 makes M(r) the join of a semilattice, and Lemma
// 4.16 rests on it. Judged on the program's own M(r) (MergeFunctions), for
// every distributed reactive whatever its value type — a plain Value with a
// user merge as much as a library CRDT — on the values each (receive) brings
// together: the engine applied M(r); M(r) commutes, is idempotent, and its
// result is an upper bound of both sides in the order the merge induces
// (a ≤ b iff M(a, b) = b); and associativity on triples of values seen per
// reactive (a bounded, deterministic sample). The finding names the values
// that break a law.
class LatticeLaws final : public CopyableProperty<LatticeLaws> {
 public:
  explicit LatticeLaws(std::shared_ptr<LawsChecked> checked = std::make_shared<LawsChecked>())
      : held_(std::move(checked)) {}
  std::string_view name() const override { return "lattice-laws"; }
  std::string_view source() const override { return "Fig. 9, CRDTs"; }
  std::string_view description() const override {
    return "every merge M(r) the run applies is commutative, associative, idempotent and gives an upper bound";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

  // Distinct values kept per reactive for associativity, and triples
  // checked per schedule: bounded cost whatever the run.
  static constexpr std::size_t sample_max = 5;
  static constexpr std::size_t triples_max = 128;

 private:
  using Merge = std::function<std::optional<core::Value>(const core::Value&, const core::Value&)>;
  std::uint64_t state_bytes() const override { return heap_bytes(samples_); }
  const core::MergeFunction* merge_of(const sim::World& world, std::uint32_t device, const std::string& name);
  void on_failed_merge(const sim::Event& e, const sim::World& world);
  void check(const sim::Event& e, const Merge& merge, const core::Value& local, const core::Value& remote,
             const core::Value& result);
  void check_associativity(const sim::Event& e, const Merge& merge, const core::Value& x);
  void fail(const sim::Event& e, const std::string& law, const std::string& detail,
            std::vector<core::Value> values);

  std::shared_ptr<LawsChecked> held_;       // the campaign's
  std::shared_ptr<MergeFunctions> merges_;  // the campaign's (held_->merges), taken at the first merge
  std::map<std::string, std::vector<core::Value>> samples_;  // reactive name -> distinct values seen
  std::size_t triples_ = 0;
};

}  // namespace frsim::checker
