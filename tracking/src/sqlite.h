// A thin RAII layer over SQLite's C API, for the incident database: one connection, prepared
// statements with bound parameters, and transactions that roll back unless committed. Every
// failure is an IncidentStorageError carrying SQLite's result code and message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "siaga/tracking/incident.h"

namespace siaga::tracking::sqlite {

struct Failure : IncidentStorageError {
  Failure(int code, const std::string& message) : IncidentStorageError(message), code(code) {}
  int code;  // SQLite's extended result code
  bool constraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }
};

class Database {
 public:
  // Opens (creating) the file; an empty path is a private in-memory database.
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const char* sql);
  int64_t last_insert_rowid() const;
  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(int code, std::string_view doing) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(const Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQL's ?1, ?2, ...; returns *this for chaining.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_null(int index);
  // One step: true while a row is there to read, false when done.
  bool step();
  // step() until done, for statements that return no rows.
  void run();
  void reset();

  int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  // The same without a copy: valid until the next step() or reset().
  std::string_view view(int column) const;
  bool is_null(int column) const;

 private:
  const Database& db_;
  sqlite3_stmt* statement_ = nullptr;
};

// BEGIN IMMEDIATE: the write lock is taken at once, so a transaction never fails half-way for
// another writer. Rolled back when destroyed uncommitted (an exception on the way).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace siaga::tracking::sqlite
