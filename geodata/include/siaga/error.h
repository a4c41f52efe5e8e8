// The errors Siaga throws on purpose, sorted by whose fault they are, so that an edge (the HTTP
// API, the command line) answers each the right way: bad input is the caller's (HTTP 4xx), a data
// file that cannot be used is the operator's, a failed read, write or bind is the machine's (5xx).
// Every library derives its own types from these three (geodata::SnapError is an InputError,
// routing::ProfileError a DataError, ...). A broken precondition is none of them: it is a bug in
// Siaga, a ContractViolation, and an edge answers it as an internal fault, never as a 4xx.
//
// This header lives in geodata/, the library every other one builds on, so that all can use it.
#pragma once

#include <stdexcept>
#include <string>

namespace siaga {

// Base of every error Siaga throws on purpose; what() is one sentence for a person.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The caller asked for something wrong or absent: a malformed value, a place off the roads, an
// unknown vehicle, incident class or hazard zone.
struct InputError : Error {
  using Error::Error;
};

// A data file exists but cannot be used: OSM, graph, hazard layer, vehicle profiles, incident
// classes, fleet, scenario, journal. The message names the file and what is wrong with it.
struct DataError : Error {
  using Error::Error;
};

// The operating system said no: a file missing or unwritable, a full disk, a port taken, a helper
// program (openssl, mosquitto_passwd) that failed.
struct IoError : Error {
  using Error::Error;
};

// A precondition of a public function does not hold: the caller's code is wrong.
struct ContractViolation : std::logic_error {
  using std::logic_error::logic_error;
};

// Checks a cheap precondition at a public entry point (a vector's size, an id's range); on
// failure throws ContractViolation with `what`, which names the function and the condition.
// Release builds keep it: an edge turns it into a logged 500 instead of undefined behaviour.
inline void expects(bool condition, const char* what) {
  if (!condition) throw ContractViolation(std::string("precondition failed: ") + what);
}

}  // namespace siaga
