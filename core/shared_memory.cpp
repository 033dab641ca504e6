#include "core/shared_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace frsim::core {

SharedMemory::SharedMemory(std::size_t bytes) {
  if (bytes == 0) return;
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    std::string message = "cannot map ";
    message += std::to_string(bytes);
    message += " bytes of shared memory: ";
    message += std::strerror(errno);
    throw Error(message);
  }
  data_ = static_cast<std::byte*>(p);
  size_ = bytes;
  // A large table read at random (the visited set): huge pages where the
  // system gives them to shared memory on request (its shmem_enabled says
  // so; elsewhere the advice is ignored), as sim/explore/visited.hpp asks
  // for private tables.
  if (bytes >= (std::size_t{4} << 20)) ::madvise(p, bytes, MADV_HUGEPAGE);
}

SharedMemory::~SharedMemory() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

SharedMemory::SharedMemory(SharedMemory&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SharedMemory::release(std::size_t offset, std::size_t bytes) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  // Whole pages inside the range only.
  const std::size_t begin = (offset + page - 1) / page * page;
  const std::size_t end = (offset + bytes) / page * page;
  if (data_ == nullptr || end <= begin || end > size_) return;
  ::madvise(data_ + begin, end - begin, MADV_REMOVE);
}

}  // namespace frsim::core
