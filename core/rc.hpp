#pragma once
// Intrusive, non-atomic reference counting for immutable values.
//
// A world is owned by one thread (DESIGN §2), so the count needs no atomics.
// A Value must never be shared between threads; code that moves work to another
// thread (the explorer's --jobs) hands over encoded bytes, not Values.

#include <cassert>
#include <cstdint>
#include <utility>

namespace frsim::core {

class RcObject {
 public:
  RcObject() = default;
  RcObject(const RcObject&) = delete;
  RcObject& operator=(const RcObject&) = delete;
  virtual ~RcObject() = default;

 private:
  template <class T>
  friend class Rc;
  mutable std::uint32_t references_ = 0;
};

template <class T>
class Rc {
 public:
  Rc() = default;
  explicit Rc(T* object) : object_(object) { acquire(); }
  Rc(const Rc& other) : object_(other.object_) { acquire(); }
  Rc(Rc&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  template <class U>
  Rc(const Rc<U>& other) : object_(other.get()) { acquire(); }  // NOLINT: upcast
  ~Rc() { release(); }

  Rc& operator=(Rc other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }

  T* get() const { return object_; }

  // Hands the reference to a raw pointer and takes one back (Value::Raw):
  // leak() leaves this empty without a release, adopt() takes over a
  // reference without an acquire.
  T* leak() noexcept { return std::exchange(object_, nullptr); }
  static Rc adopt(T* object) noexcept {
    Rc rc;
    rc.object_ = object;
    return rc;
  }
  T& operator*() const { return *object_; }
  T* operator->() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  void acquire() const {
    if (object_ != nullptr) ++object_->references_;
  }
  void release() {
    if (object_ != nullptr) {
      assert(object_->references_ > 0);
      if (--object_->references_ == 0) delete object_;
      object_ = nullptr;
    }
  }
  T* object_ = nullptr;
};

template <class T, class... Args>
Rc<T> make_rc(Args&&... args) {
  return Rc<T>(new T(std::forward<Args>(args)...));
}

}  // namespace frsim::core
