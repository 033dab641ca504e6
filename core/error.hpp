#pragma once
// Errors that are findings about the user's program or input, never harness bugs.
// The harness reports them (clear message, exit status 2 or a failure response);
// it never crashes on them. Harness bugs are assertions.

#include <stdexcept>
#include <string>
#include <string_view>

namespace frsim::core {

// A program or input error: firing a derived reactive, an unknown reactive, a
// cycle, a value of the wrong kind. Propagation treats one thrown by an
// operator like an invalid operation: the action aborts and rolls back.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The Lo model's invalid operations (seed 001, Table 1: "All Invalid Operations
// in Lo"). "The worker immediately halts execution of the procedure, performing
// no more operations on the task."
enum class InvalidOp {
  integer_division,     // zero divisor
  array_element_fetch,  // index > terminal index
  array_element_store,  // index > terminal index + 1
  map_element_fetch,    // nonexistent key
};

std::string_view to_string(InvalidOp op);

class InvalidOperation : public Error {
 public:
  InvalidOperation(InvalidOp op, const std::string& detail);
  InvalidOp op() const { return op_; }

 private:
  InvalidOp op_;
};

// Where invalid operations are recorded as they happen, whatever the code
// around them does with the exception: the Lo worker (sim/lo) installs one
// for each activation of a task and halts the task on it, so a procedure
// that catches InvalidOperation cannot carry on (seed 001: "the worker
// immediately halts execution of the procedure, performing no more
// operations on the task"). One per thread; nested ones restore the outer.
class InvalidOperationRecord {
 public:
  InvalidOperationRecord();
  ~InvalidOperationRecord();
  InvalidOperationRecord(const InvalidOperationRecord&) = delete;
  InvalidOperationRecord& operator=(const InvalidOperationRecord&) = delete;
  bool happened() const { return !first_.empty(); }
  // The first invalid operation's message ("invalid operation: ...").
  const std::string& first() const { return first_; }
  // Called by InvalidOperation's constructor.
  static void note(const std::string& what);

 private:
  std::string first_;
  InvalidOperationRecord* outer_;
};

// An error that shows a defect of the program, not a refusal it means: an
// action it aborts is a finding (checker property program-errors), while an
// InvalidOperation (Lo's Table 1) or a plain Error the program throws itself
// only rolls the action back.
class ProgramDefect : public Error {
 public:
  using Error::Error;
};

// A value of the wrong kind (an accessor, a merge of two lattice types, a
// flatten whose input holds no reference).
class TypeError : public ProgramDefect {
 public:
  using ProgramDefect::ProgramDefect;
};

// An exception that is not frsim's (std::out_of_range from a vector's at(),
// ...) thrown by a user's operator: its what(), as an Error the propagation
// can abort on.
class ForeignException : public ProgramDefect {
 public:
  using ProgramDefect::ProgramDefect;
};

// A byte encoding (snapshot, message, trace) that is truncated or corrupt.
class DecodeError : public Error {
 public:
  using Error::Error;
};

}  // namespace frsim::core
