#include "core/receive.hpp"

namespace frsim::core {

Value Receiver::merge(ReactiveId /*r*/, const MergeFunction& merge, const Value& local,
                      const Value& remote) const {
  return merge(local, remote);
}

ReceiveEffect Receiver::effect(ReactiveId /*r*/) const { return ReceiveEffect::propagate; }

bool Receiver::promotes() const { return true; }

}  // namespace frsim::core
