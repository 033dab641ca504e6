#pragma once
// Memory that outlives a fork(): the worker processes of a parallel search
// (sim/explore/search.cpp, DESIGN §6 "Parallel search") are forked from the
// campaign's process after this memory is made, and all of them see one copy
// of it — the visited set, the confluence table, the barrier. Everything else
// a worker holds (its worlds, monitors, frontier, reference-counted values) is
// its own copy, which is why a worker is a process and not a thread: values
// are shared between copies of a world with counts that are not atomic.
//
// The mapping is anonymous and lazily backed (MAP_NORESERVE): a page costs
// memory once something is written to it. Objects placed in it must be
// lock-free atomics or plain data written before the fork.

#include <cstddef>
#include <cstdint>

namespace frsim::core {

class SharedMemory {
 public:
  SharedMemory() = default;
  // `bytes` of zeroed memory, shared with every process forked after this.
  // Throws core::Error when the system refuses the mapping.
  explicit SharedMemory(std::size_t bytes);
  ~SharedMemory();
  SharedMemory(SharedMemory&& other) noexcept;
  SharedMemory& operator=(SharedMemory&& other) noexcept;
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;

  std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  explicit operator bool() const { return data_ != nullptr; }
  // Gives the pages of [offset, offset + bytes) back to the system (they read
  // as zero again), for every process at once.
  void release(std::size_t offset, std::size_t bytes);

 private:
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace frsim::core
