#include "sqlite.h"

namespace siaga::tracking::sqlite {

Database::Database(const std::filesystem::path& file) {
  const std::string name = file.empty() ? std::string(":memory:") : file.string();
  const int rc =
      sqlite3_open_v2(name.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Failure(rc, "cannot open the incident database " + name + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);  // another process (a reader, a backup) holds the lock briefly
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return;
  const std::string message = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  throw Failure(rc, "incident database: " + message);
}

int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

void Database::fail(int code, std::string_view doing) const {
  throw Failure(sqlite3_extended_errcode(db_), "incident database, " + std::string(doing) + ": " +
                                                   sqlite3_errmsg(db_) + " (code " +
                                                   std::to_string(code) + ")");
}

Statement::Statement(const Database& db, const char* sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql, -1, &statement_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "preparing a statement");
}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, int64_t value) {
  if (const int rc = sqlite3_bind_int64(statement_, index, value); rc != SQLITE_OK)
    db_.fail(rc, "binding");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(statement_, index, value); rc != SQLITE_OK)
    db_.fail(rc, "binding");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, "binding");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (const int rc = sqlite3_bind_null(statement_, index); rc != SQLITE_OK) db_.fail(rc, "binding");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(rc, "running a statement");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(statement_, column);
}

std::string Statement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(statement_, column);
  return value ? std::string(reinterpret_cast<const char*>(value),
                             static_cast<size_t>(sqlite3_column_bytes(statement_, column)))
               : std::string();
}

std::string_view Statement::view(int column) const {
  const unsigned char* value = sqlite3_column_text(statement_, column);
  return value ? std::string_view(reinterpret_cast<const char*>(value),
                                  static_cast<size_t>(sqlite3_column_bytes(statement_, column)))
               : std::string_view();
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!open_) return;
  char* error = nullptr;  // nothing to do about a failed rollback: the connection reports it next
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, &error);
  sqlite3_free(error);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace siaga::tracking::sqlite
