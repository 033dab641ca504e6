#include "core/value.hpp"

#include <algorithm>
#include <ostream>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/lattice.hpp"

namespace frsim::core {

void Lattice::for_each_value(const std::function<void(const Value&)>& /*f*/) const {}


namespace {

// Encoding tags; part of the snapshot and trace formats, never renumber.
enum Tag : std::uint8_t {
  tag_unit = 0,
  tag_false = 1,
  tag_true = 2,
  tag_integer = 3,
  tag_string = 4,
  tag_list = 5,
  tag_map = 6,
  tag_ref = 7,
  tag_named_ref = 8,
  tag_crdt = 9,
  tag_address = 10,
};

constexpr std::uint32_t decode_depth_max = 64;

}  // namespace

struct Value::Node : RcObject {
  Node() = default;
  ~Node() override;
  // Blocks and list storage freed on a thread are kept for the thread's next
  // values (see Spares below).
  static void* operator new(std::size_t bytes);
  static void operator delete(void* block) noexcept;

  std::string text;  // string, named_ref
  ValueList items;   // list
  ValueMap entries;  // map
  mutable std::uint64_t hash_cache = 0;
  mutable bool hashed = false;
};

namespace {

// What a thread frees of its heap values and allocates again right after: a
// Map that builds a list on every reevaluation frees the list it built one
// propagation earlier (it leaves the undo log when the next propagation
// begins). Blocks of Node and the element storage of lists are kept here,
// a bounded number of each, so such a propagation allocates nothing
// (issue 17: zero heap allocations per steady-state propagation). Contents
// are never kept: a spare list is empty, a spare block is raw memory. Off
// under AddressSanitizer, which must see every free to catch a use after it.
struct Spares {
  static constexpr std::size_t max_blocks = 64;
  static constexpr std::size_t max_lists = 16;
  static constexpr std::size_t max_list_capacity = 4096;  // elements

  Spares() {
    blocks.reserve(max_blocks);
    lists.reserve(max_lists);
  }
  ~Spares();
  Spares(const Spares&) = delete;
  Spares& operator=(const Spares&) = delete;

  std::vector<void*> blocks;    // raw memory of sizeof(Value::Node)
  std::vector<ValueList> lists;  // empty, with capacity
};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool keep_spares = false;
#else
constexpr bool keep_spares = true;
#endif

// This thread's spares once opened (by the first list built from Inputs)
// and until the thread ends; blocks and lists are freed normally otherwise.
thread_local Spares* spares = nullptr;
thread_local bool spares_closed = false;

Spares* open_spares() {
  if (!keep_spares || spares_closed) return nullptr;
  if (spares == nullptr) {
    thread_local Spares owner;
    spares = &owner;
  }
  return spares;
}

Spares::~Spares() {
  spares = nullptr;
  spares_closed = true;
  for (void* block : blocks) ::operator delete(block);
}

}  // namespace

void* Value::Node::operator new(std::size_t bytes) {
  if (spares != nullptr && !spares->blocks.empty() && bytes == sizeof(Node)) {
    void* block = spares->blocks.back();
    spares->blocks.pop_back();
    return block;
  }
  return ::operator new(bytes);
}

void Value::Node::operator delete(void* block) noexcept {
  if (spares != nullptr && spares->blocks.size() < Spares::max_blocks) {
    spares->blocks.push_back(block);  // reserved: no allocation
    return;
  }
  ::operator delete(block);
}

Value::Node::~Node() {
  if (spares == nullptr || items.capacity() == 0 || items.capacity() > Spares::max_list_capacity) return;
  items.clear();  // may free nested values, and with them spare more
  if (spares->lists.size() < Spares::max_lists) spares->lists.push_back(std::move(items));
}

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::unit: return "unit";
    case Kind::boolean: return "bool";
    case Kind::integer: return "int";
    case Kind::string: return "string";
    case Kind::list: return "list";
    case Kind::map: return "map";
    case Kind::ref: return "ref";
    case Kind::named_ref: return "named-ref";
    case Kind::crdt: return "crdt";
    case Kind::address: return "address";
  }
  return "?";
}

std::string_view to_string(InvalidOp op) {
  switch (op) {
    case InvalidOp::integer_division: return "integer division";
    case InvalidOp::array_element_fetch: return "array element fetch";
    case InvalidOp::array_element_store: return "array element store";
    case InvalidOp::map_element_fetch: return "map element fetch";
  }
  return "?";
}

InvalidOperation::InvalidOperation(InvalidOp op, const std::string& detail)
    : Error("invalid operation: " + std::string(to_string(op)) + ": " + detail), op_(op) {
  InvalidOperationRecord::note(what());
}

namespace {
thread_local InvalidOperationRecord* current_record = nullptr;
}  // namespace

InvalidOperationRecord::InvalidOperationRecord() : outer_(current_record) { current_record = this; }
InvalidOperationRecord::~InvalidOperationRecord() { current_record = outer_; }

void InvalidOperationRecord::note(const std::string& what) {
  if (current_record != nullptr && current_record->first_.empty()) current_record->first_ = what;
}

// ---- construction ----------------------------------------------------------

Value Value::string(std::string s) {
  auto node = make_rc<Node>();
  node->text = std::move(s);
  Value v;
  v.kind_ = Kind::string;
  v.heap_ = Rc<const RcObject>(node);
  return v;
}

Value Value::list(ValueList items) {
  auto node = make_rc<Node>();
  node->items = std::move(items);
  Value v;
  v.kind_ = Kind::list;
  v.heap_ = Rc<const RcObject>(node);
  return v;
}

Value Value::list_of(Inputs items) {
  ValueList storage;
  if (Spares* kept = open_spares()) {
    // The most recently kept list that is large enough.
    for (auto it = kept->lists.rbegin(); it != kept->lists.rend(); ++it) {
      if (it->capacity() >= items.size()) {
        storage = std::move(*it);
        kept->lists.erase(std::next(it).base());
        break;
      }
    }
  }
  storage.assign(items.begin(), items.end());
  return list(std::move(storage));
}

Value Value::map(ValueMap entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ValueMap unique;
  unique.reserve(entries.size());
  for (auto& entry : entries) {
    if (!unique.empty() && unique.back().first == entry.first) {
      unique.back().second = std::move(entry.second);  // the last pair wins
    } else {
      unique.push_back(std::move(entry));
    }
  }
  auto node = make_rc<Node>();
  node->entries = std::move(unique);
  Value v;
  v.kind_ = Kind::map;
  v.heap_ = Rc<const RcObject>(node);
  return v;
}

Value Value::named_ref(std::string name) {
  auto node = make_rc<Node>();
  node->text = std::move(name);
  Value v;
  v.kind_ = Kind::named_ref;
  v.heap_ = Rc<const RcObject>(node);
  return v;
}

Value Value::crdt(Rc<const Lattice> lattice) {
  if (!lattice) throw TypeError("Value::crdt: null lattice");
  Value v;
  v.kind_ = Kind::crdt;
  v.heap_ = Rc<const RcObject>(lattice);
  return v;
}

// ---- access ----------------------------------------------------------------

namespace {
[[noreturn]] void wrong_kind(Kind expected, const Value& got) {
  throw TypeError("type error: expected " + std::string(to_string(expected)) + ", got " +
                  std::string(to_string(got.kind())) + " " + got.to_string());
}
}  // namespace

void Value::throw_wrong_kind(Kind expected) const { wrong_kind(expected, *this); }

const std::string& Value::as_string() const {
  if (kind_ != Kind::string) wrong_kind(Kind::string, *this);
  return static_cast<const Node*>(heap_.get())->text;
}

std::span<const Value> Value::as_list() const {
  if (kind_ != Kind::list) wrong_kind(Kind::list, *this);
  return static_cast<const Node*>(heap_.get())->items;
}

const ValueMap& Value::as_map() const {
  if (kind_ != Kind::map) wrong_kind(Kind::map, *this);
  return static_cast<const Node*>(heap_.get())->entries;
}

const std::string& Value::as_named_ref() const {
  if (kind_ != Kind::named_ref) wrong_kind(Kind::named_ref, *this);
  return static_cast<const Node*>(heap_.get())->text;
}

const Lattice& Value::as_crdt() const {
  if (kind_ != Kind::crdt) wrong_kind(Kind::crdt, *this);
  return *static_cast<const Lattice*>(heap_.get());
}

Rc<const Lattice> Value::crdt_ptr() const {
  return Rc<const Lattice>(&as_crdt());
}

const Value* Value::find(const Value& key) const {
  const ValueMap& entries = as_map();
  auto it = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const auto& entry, const Value& k) { return entry.first < k; });
  if (it == entries.end() || !(it->first == key)) return nullptr;
  return &it->second;
}

// ---- order -----------------------------------------------------------------

std::strong_ordering Value::compare(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return a.kind_ <=> b.kind_;
  switch (a.kind_) {
    case Kind::unit: return std::strong_ordering::equal;
    case Kind::boolean: return a.scalar_.boolean_ <=> b.scalar_.boolean_;
    case Kind::integer: return a.scalar_.integer_ <=> b.scalar_.integer_;
    case Kind::address: return a.as_address() <=> b.as_address();
    case Kind::ref: return a.scalar_.ref_ <=> b.scalar_.ref_;
    case Kind::string:
    case Kind::named_ref: {
      if (a.heap_.get() == b.heap_.get()) return std::strong_ordering::equal;
      const int c = static_cast<const Value::Node*>(a.heap_.get())
                        ->text.compare(static_cast<const Value::Node*>(b.heap_.get())->text);
      return c <=> 0;
    }
    case Kind::list: {
      if (a.heap_.get() == b.heap_.get()) return std::strong_ordering::equal;
      auto x = a.as_list();
      auto y = b.as_list();
      return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end());
    }
    case Kind::map: {
      if (a.heap_.get() == b.heap_.get()) return std::strong_ordering::equal;
      const ValueMap& x = a.as_map();
      const ValueMap& y = b.as_map();
      return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end());
    }
    case Kind::crdt: {
      if (a.heap_.get() == b.heap_.get()) return std::strong_ordering::equal;
      const Lattice& x = a.as_crdt();
      const Lattice& y = b.as_crdt();
      if (auto c = x.type_name() <=> y.type_name(); c != 0) return c;
      return x.compare(y);
    }
  }
  return std::strong_ordering::equal;
}

bool Value::equal(const Value& a, const Value& b) {
  switch (a.kind_) {
    case Kind::unit: return true;
    case Kind::boolean: return a.scalar_.boolean_ == b.scalar_.boolean_;
    case Kind::integer:
    case Kind::address: return a.scalar_.integer_ == b.scalar_.integer_;
    case Kind::ref: return a.scalar_.ref_ == b.scalar_.ref_;
    default:
      if (a.heap_.get() == b.heap_.get()) return true;
      if (a.hash() != b.hash()) return false;
      return (a <=> b) == 0;
  }
}

// ---- hash ------------------------------------------------------------------

std::uint64_t Value::hash_other() const {
  const std::uint64_t kind_seed = static_cast<std::uint64_t>(kind_) + 1;
  switch (kind_) {
    case Kind::unit: return mix64(kind_seed);
    case Kind::boolean: return hash_combine(kind_seed, scalar_.boolean_ ? 1 : 0);
    case Kind::integer:
    case Kind::address: return hash_combine(kind_seed, static_cast<std::uint64_t>(scalar_.integer_));
    case Kind::ref: return hash_combine(kind_seed, scalar_.ref_);
    case Kind::crdt: return hash_combine(kind_seed, as_crdt().hash());
    default: break;
  }
  const auto* node = static_cast<const Node*>(heap_.get());
  if (node->hashed) return node->hash_cache;
  std::uint64_t h = kind_seed;
  switch (kind_) {
    case Kind::string:
    case Kind::named_ref: h = hash_combine(h, hash_bytes(node->text)); break;
    case Kind::list:
      h = hash_combine(h, node->items.size());
      for (const Value& item : node->items) h = hash_combine(h, item.hash());
      break;
    case Kind::map:
      h = hash_combine(h, node->entries.size());
      for (const auto& [k, v] : node->entries) h = hash_combine(hash_combine(h, k.hash()), v.hash());
      break;
    default: break;
  }
  node->hash_cache = h;
  node->hashed = true;
  return h;
}

// ---- printed form ----------------------------------------------------------

namespace {
void print_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char digits[] = "0123456789abcdef";
          out += "\\x";
          out += digits[(c >> 4) & 0xf];
          out += digits[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}
}  // namespace

std::string Value::to_string() const {
  std::string out;
  switch (kind_) {
    case Kind::unit: return "()";
    case Kind::boolean: return scalar_.boolean_ ? "true" : "false";
    case Kind::integer: return std::to_string(scalar_.integer_);
    case Kind::ref: out = "#"; out += std::to_string(scalar_.ref_); return out;
    case Kind::named_ref: out = "@"; out += as_named_ref(); return out;
    case Kind::crdt: return as_crdt().to_string();
    case Kind::address: {
      const auto [device, service] = as_address();
      return "<d" + std::to_string(device) + "/s" + std::to_string(service) + ">";
    }
    case Kind::string: print_quoted(out, as_string()); return out;
    case Kind::list: {
      out += '[';
      bool first = true;
      for (const Value& item : as_list()) {
        if (!first) out += ", ";
        first = false;
        out += item.to_string();
      }
      out += ']';
      return out;
    }
    case Kind::map: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : as_map()) {
        if (!first) out += ", ";
        first = false;
        out += k.to_string();
        out += ": ";
        out += v.to_string();
      }
      out += '}';
      return out;
    }
  }
  return out;
}

std::ostream& operator<<(std::ostream& out, const Value& v) { return out << v.to_string(); }

// ---- encoding --------------------------------------------------------------

void Value::encode(Encoder& out) const {
  switch (kind_) {
    case Kind::unit: out.u8(tag_unit); return;
    case Kind::boolean: out.u8(scalar_.boolean_ ? tag_true : tag_false); return;
    case Kind::integer:
      out.u8(tag_integer);
      out.svarint(scalar_.integer_);
      return;
    case Kind::string:
      out.u8(tag_string);
      out.string(as_string());
      return;
    case Kind::list:
      out.u8(tag_list);
      out.varint(as_list().size());
      for (const Value& item : as_list()) item.encode(out);
      return;
    case Kind::map:
      out.u8(tag_map);
      out.varint(as_map().size());
      for (const auto& [k, v] : as_map()) {
        k.encode(out);
        v.encode(out);
      }
      return;
    case Kind::ref:
      out.u8(tag_ref);
      out.varint(scalar_.ref_);
      return;
    case Kind::named_ref:
      out.u8(tag_named_ref);
      out.string(as_named_ref());
      return;
    case Kind::crdt:
      out.u8(tag_crdt);
      out.string(as_crdt().type_name());
      as_crdt().encode(out);
      return;
    case Kind::address:
      out.u8(tag_address);
      out.varint(as_address().first);
      out.varint(as_address().second);
      return;
  }
}

std::size_t Value::encoded_size() const {
  thread_local Encoder scratch;  // encode() never asks for a size: no nesting
  scratch.clear();
  encode(scratch);
  return scratch.bytes().size();
}

namespace {
std::uint8_t tag_of(const Value& v) {
  switch (v.kind()) {
    case Kind::unit: return tag_unit;
    case Kind::boolean: return v.as_bool() ? tag_true : tag_false;
    case Kind::integer: return tag_integer;
    case Kind::string: return tag_string;
    case Kind::list: return tag_list;
    case Kind::map: return tag_map;
    case Kind::ref: return tag_ref;
    case Kind::named_ref: return tag_named_ref;
    case Kind::crdt: return tag_crdt;
    case Kind::address: return tag_address;
  }
  return tag_unit;
}
}  // namespace

// Mirrors encode(), token by token (bytes.hpp, EncodingOrder).
std::strong_ordering Value::encoded_order(const Value& a, const Value& b) {
  const std::uint8_t tag_a = tag_of(a);
  const std::uint8_t tag_b = tag_of(b);
  if (tag_a != tag_b) return tag_a <=> tag_b;
  if (a.heap_ && a.heap_.get() == b.heap_.get()) return std::strong_ordering::equal;
  EncodingOrder order;
  switch (a.kind_) {
    case Kind::unit:
    case Kind::boolean: break;
    case Kind::integer: order.svarint(a.scalar_.integer_, b.scalar_.integer_); break;
    case Kind::ref: order.varint(a.scalar_.ref_, b.scalar_.ref_); break;
    case Kind::address:
      order.varint(a.as_address().first, b.as_address().first);
      if (!order.decided()) order.varint(a.as_address().second, b.as_address().second);
      break;
    case Kind::string:
    case Kind::named_ref:
      order.string(static_cast<const Node*>(a.heap_.get())->text, static_cast<const Node*>(b.heap_.get())->text);
      break;
    case Kind::list: {
      const auto x = a.as_list();
      const auto y = b.as_list();
      order.varint(x.size(), y.size());
      for (std::size_t i = 0; i < x.size() && !order.decided(); ++i) order.then(encoded_order(x[i], y[i]));
      break;
    }
    case Kind::map: {
      const ValueMap& x = a.as_map();
      const ValueMap& y = b.as_map();
      order.varint(x.size(), y.size());
      for (std::size_t i = 0; i < x.size() && !order.decided(); ++i) {
        order.then(encoded_order(x[i].first, y[i].first));
        if (!order.decided()) order.then(encoded_order(x[i].second, y[i].second));
      }
      break;
    }
    case Kind::crdt: {
      const Lattice& x = a.as_crdt();
      const Lattice& y = b.as_crdt();
      order.string(x.type_name(), y.type_name());
      if (!order.decided()) order.then(x.compare(y));  // the payload's byte order
      break;
    }
  }
  return order.result();
}

std::vector<std::uint8_t> Value::encode() const {
  Encoder out;
  encode(out);
  return out.take();
}

Value Value::decode(Decoder& in) {
  if (++in.depth > decode_depth_max) throw DecodeError("corrupt value: nested too deeply");
  struct DepthGuard {
    Decoder& in;
    ~DepthGuard() { --in.depth; }
  } guard{in};
  const std::uint8_t tag = in.u8();
  switch (tag) {
    case tag_unit: return Value();
    case tag_false: return boolean(false);
    case tag_true: return boolean(true);
    case tag_integer: return integer(in.svarint());
    case tag_string: return string(in.string());
    case tag_list: {
      const std::uint64_t n = in.count();
      ValueList items;
      items.reserve(n);
      for (std::uint64_t i = 0; i < n; ++i) items.push_back(decode(in));
      return list(std::move(items));
    }
    case tag_map: {
      const std::uint64_t n = in.count();
      ValueMap entries;
      entries.reserve(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        Value k = decode(in);
        Value v = decode(in);
        if (!entries.empty() && !(entries.back().first < k)) {
          throw DecodeError("corrupt map: keys not strictly ascending");
        }
        entries.emplace_back(std::move(k), std::move(v));
      }
      return map(std::move(entries));
    }
    case tag_ref: {
      const std::uint64_t id = in.varint();
      if (id > UINT32_MAX) throw DecodeError("corrupt reference: id out of range");
      return ref(static_cast<ReactiveId>(id));
    }
    case tag_named_ref: return named_ref(in.string());
    case tag_address: {
      const std::uint64_t device = in.varint();
      const std::uint64_t service = in.varint();
      if (device > UINT32_MAX || service > UINT32_MAX) throw DecodeError("corrupt address: out of range");
      return address(ServiceKey{}, static_cast<std::uint32_t>(device), static_cast<std::uint32_t>(service));
    }
    case tag_crdt: {
      const std::string type = in.string();
      return crdt(decode_lattice(type, in));
    }
    default: throw DecodeError("corrupt value: unknown tag " + std::to_string(tag));
  }
}

Value Value::decode(std::span<const std::uint8_t> bytes) {
  Decoder in(bytes);
  Value v = decode(in);
  if (!in.at_end()) throw DecodeError("corrupt value: trailing bytes");
  return v;
}

// ---- lattice ---------------------------------------------------------------

Value Value::join(const Value& a, const Value& b) {
  const Lattice& x = a.as_crdt();
  const Lattice& y = b.as_crdt();
  if (x.type_name() != y.type_name()) {
    throw TypeError("merge of different lattice types: " + std::string(x.type_name()) + " and " +
                    std::string(y.type_name()));
  }
  return crdt(x.join(y));
}

bool Value::leq(const Value& a, const Value& b) {
  const Lattice& x = a.as_crdt();
  const Lattice& y = b.as_crdt();
  if (x.type_name() != y.type_name()) {
    throw TypeError("order of different lattice types: " + std::string(x.type_name()) + " and " +
                    std::string(y.type_name()));
  }
  return x.leq(y);
}

// ---- checked operations (Lo, seed 001 Table 1) ------------------------------

namespace checked {

std::int64_t divide(std::int64_t dividend, std::int64_t divisor) {
  if (divisor == 0) {
    throw InvalidOperation(InvalidOp::integer_division, std::to_string(dividend) + " / 0");
  }
  if (dividend == INT64_MIN && divisor == -1) return INT64_MIN;  // wraps, as two's complement does
  return dividend / divisor;
}

const Value& array_fetch(const Value& list, std::int64_t index) {
  auto items = list.as_list();
  // Terminal index = size - 1; "Index > terminal index" is invalid (and so is a negative one).
  if (index < 0 || static_cast<std::uint64_t>(index) >= items.size()) {
    throw InvalidOperation(InvalidOp::array_element_fetch,
                           "index " + std::to_string(index) + " of a list of " +
                               std::to_string(items.size()));
  }
  return items[static_cast<std::size_t>(index)];
}

Value array_store(const Value& list, std::int64_t index, Value v) {
  auto items = list.as_list();
  // "Index > terminal index + 1" is invalid: storing at size appends.
  if (index < 0 || static_cast<std::uint64_t>(index) > items.size()) {
    throw InvalidOperation(InvalidOp::array_element_store,
                           "index " + std::to_string(index) + " of a list of " +
                               std::to_string(items.size()));
  }
  ValueList copy(items.begin(), items.end());
  if (static_cast<std::size_t>(index) == copy.size()) {
    copy.push_back(std::move(v));
  } else {
    copy[static_cast<std::size_t>(index)] = std::move(v);
  }
  return Value::list(std::move(copy));
}

const Value& map_fetch(const Value& map, const Value& key) {
  const Value* found = map.find(key);
  if (found == nullptr) {
    throw InvalidOperation(InvalidOp::map_element_fetch, "key " + key.to_string() + " not in map");
  }
  return *found;
}

}  // namespace checked

}  // namespace frsim::core
